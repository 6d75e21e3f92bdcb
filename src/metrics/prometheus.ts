/**
 * The userbot's Prometheus metrics (prom-client, in a registry of its own): updates received by kind,
 * messages handled, handler errors and durations, queue depth, catch-up lag, reconnects, flood waits and
 * RPC latency by method, connection and catch-up state, and Node's process metrics (resident memory among
 * them, as process_resident_memory_bytes). Loaded only when METRICS_PORT is set.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { CallRecord } from "../telegram/callTiming.js";

/** What the gauges read when scraped. */
export interface MetricsSource {
  readonly queued: () => number;
  readonly running: () => number;
  readonly lagSeconds: () => number;
  readonly connected: () => boolean;
  readonly caughtUp: () => boolean;
}

/** The metrics and how the runtime's events feed them. */
export interface UserbotMetrics {
  readonly registry: Registry;
  update(kind: string): void;
  handled(seconds: number): void;
  handlerError(handler: string): void;
  reconnected(): void;
  call(call: CallRecord): void;
}

const SECONDS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Builds the registry; the gauges read `source` at every scrape. */
export function createUserbotMetrics(source: MetricsSource): UserbotMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const updates = new Counter({ name: "tg_updates_received_total", help: "Telegram updates received and applied, by kind", labelNames: ["kind"], registers });
  const handled = new Counter({ name: "tg_messages_handled_total", help: "Messages whose handlers finished", registers });
  const errors = new Counter({ name: "tg_handler_errors_total", help: "Handlers that threw, by handler", labelNames: ["handler"], registers });
  const duration = new Histogram({
    name: "tg_handler_duration_seconds",
    help: "Time to run a message's handlers",
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const reconnects = new Counter({ name: "tg_reconnects_total", help: "Connections to Telegram lost and made again", registers });
  const floodWaits = new Counter({ name: "tg_flood_waits_total", help: "FLOOD_WAIT answers, by method", labelNames: ["method"], registers });
  const floodSeconds = new Counter({ name: "tg_flood_wait_seconds_total", help: "Seconds of FLOOD_WAIT asked, by method", labelNames: ["method"], registers });
  const rpc = new Histogram({
    name: "tg_rpc_duration_seconds",
    help: "Time of Telegram calls, by method and outcome",
    labelNames: ["method", "outcome"],
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  gauge("tg_queue_depth", "Messages waiting for their handlers", source.queued);
  gauge("tg_handlers_running", "Messages whose handlers run now", source.running);
  gauge("tg_catch_up_lag_seconds", "Age of the last handled message while messages wait (0 when none waits)", source.lagSeconds);
  gauge("tg_connected", "1 while connected to Telegram", () => Number(source.connected()));
  gauge("tg_caught_up", "1 when connected and nothing missed is still being fetched", () => Number(source.caughtUp()));
  return {
    registry,
    update: (kind) => updates.inc({ kind }),
    handled(seconds) {
      handled.inc();
      duration.observe(seconds);
    },
    handlerError: (handler) => errors.inc({ handler }),
    reconnected: () => reconnects.inc(),
    call(call) {
      rpc.observe({ method: call.method, outcome: call.ok ? "ok" : "error" }, call.ms / 1000);
      if (call.floodWaitSeconds !== undefined) {
        floodWaits.inc({ method: call.method });
        floodSeconds.inc({ method: call.method }, call.floodWaitSeconds);
      }
    },
  };
}
