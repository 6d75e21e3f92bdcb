/**
 * The userbot's Prometheus metrics (prom-client, in a registry of its own): updates received by kind,
 * messages handled, handler errors and durations, queue depth, catch-up lag, reconnects, flood waits and
 * RPC latency by method, connection and catch-up state, each labelled with the account's session name (one
 * registry serves every account of the process), and Node's process metrics (resident memory among them, as
 * process_resident_memory_bytes). Loaded only when METRICS_PORT is set.
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

/** One account's metrics: how its runtime's events feed them. */
export interface UserbotMetrics {
  update(kind: string): void;
  handled(seconds: number): void;
  handlerError(handler: string): void;
  reconnected(): void;
  call(call: CallRecord): void;
  /** Stops reading this account's gauges (its counters keep their last values). */
  release(): void;
}

/** The registry of one process, every account's series labelled with its session name. */
export interface MetricsRegistry {
  readonly registry: Registry;
  /** The metrics of the account running on `session`; its gauges read `source` at every scrape. */
  account(session: string, source: MetricsSource): UserbotMetrics;
}

const SECONDS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Builds the registry with Node's process metrics; accounts join it with `account`. */
export function createMetricsRegistry(): MetricsRegistry {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const sources = new Map<string, MetricsSource>();
  const labelled = (names: string[] = []) => ["session", ...names];
  const updates = new Counter({
    name: "tg_updates_received_total",
    help: "Telegram updates received and applied, by kind",
    labelNames: labelled(["kind"]),
    registers,
  });
  const handled = new Counter({ name: "tg_messages_handled_total", help: "Messages whose handlers finished", labelNames: labelled(), registers });
  const errors = new Counter({ name: "tg_handler_errors_total", help: "Handlers that threw, by handler", labelNames: labelled(["handler"]), registers });
  const duration = new Histogram({
    name: "tg_handler_duration_seconds",
    help: "Time to run a message's handlers",
    labelNames: labelled(),
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const reconnects = new Counter({ name: "tg_reconnects_total", help: "Connections to Telegram lost and made again", labelNames: labelled(), registers });
  const floodWaits = new Counter({ name: "tg_flood_waits_total", help: "FLOOD_WAIT answers, by method", labelNames: labelled(["method"]), registers });
  const floodSeconds = new Counter({
    name: "tg_flood_wait_seconds_total",
    help: "Seconds of FLOOD_WAIT asked, by method",
    labelNames: labelled(["method"]),
    registers,
  });
  const rpc = new Histogram({
    name: "tg_rpc_duration_seconds",
    help: "Time of Telegram calls, by method and outcome",
    labelNames: labelled(["method", "outcome"]),
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const gauge = (name: string, help: string, read: (source: MetricsSource) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ["session"],
      registers,
      collect() {
        this.reset();
        for (const [session, source] of sources) this.set({ session }, read(source));
      },
    });
  gauge("tg_queue_depth", "Messages waiting for their handlers", (source) => source.queued());
  gauge("tg_handlers_running", "Messages whose handlers run now", (source) => source.running());
  gauge("tg_catch_up_lag_seconds", "Age of the last handled message while messages wait (0 when none waits)", (source) => source.lagSeconds());
  gauge("tg_connected", "1 while connected to Telegram", (source) => Number(source.connected()));
  gauge("tg_caught_up", "1 when connected and nothing missed is still being fetched", (source) => Number(source.caughtUp()));
  return {
    registry,
    account(session, source) {
      sources.set(session, source);
      return {
        update: (kind) => updates.inc({ session, kind }),
        handled(seconds) {
          handled.inc({ session });
          duration.observe({ session }, seconds);
        },
        handlerError: (handler) => errors.inc({ session, handler }),
        reconnected: () => reconnects.inc({ session }),
        call(call) {
          rpc.observe({ session, method: call.method, outcome: call.ok ? "ok" : "error" }, call.ms / 1000);
          if (call.floodWaitSeconds !== undefined) {
            floodWaits.inc({ session, method: call.method });
            floodSeconds.inc({ session, method: call.method }, call.floodWaitSeconds);
          }
        },
        release: () => void (sources.get(session) === source && sources.delete(session)),
      };
    },
  };
}
