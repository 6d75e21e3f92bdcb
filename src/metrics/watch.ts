/**
 * Watching a running userbot, plugged into the runtime as an extension: a status log line every
 * STATUS_LOG_INTERVAL seconds (handled since the last, queued, lag) and, with METRICS_PORT set, the
 * /healthz and /metrics server (prom-client loaded only then), the instance file for `npm run status`,
 * and the hooks feeding the metrics. Without METRICS_PORT, a handled message costs one assignment. The
 * server is the process's hub, shared by the accounts of one process.
 */
import type { ExtendFunction, RuntimeExtension } from "../runtime/extension.js";
import type { Runtime } from "../runtime/index.js";
import { observeCalls } from "../telegram/callTiming.js";
import type { MetricsConfig } from "./config.js";
import { healthOf } from "./health.js";
import { createMetricsHub, type MetricsHub } from "./hub.js";
import { instanceFilePath, removeInstanceFile, writeInstanceFile } from "./instanceFile.js";
import { LagTracker } from "./lag.js";
import type { UserbotMetrics } from "./prometheus.js";

/** Where the instance runs: its session's name and folder. */
export interface WatchPlace {
  readonly sessionsDir: string;
  readonly sessionName: string;
}

/** The watch over one runtime: its extension, and `attach` once the runtime is ready. */
export interface Watch {
  readonly extend: ExtendFunction;
  attach(runtime: Runtime): void;
}

/** Builds the watch of a runtime about to start; `hub` is the process's metrics server (default: one of its own). */
export function watchUserbot(config: MetricsConfig, place: WatchPlace, hub: MetricsHub = createMetricsHub(config, { several: false })): Watch {
  const started = performance.now();
  const lag = new LagTracker();
  let runtime: Runtime | undefined;
  let metrics: UserbotMetrics | undefined;
  let timer: NodeJS.Timeout | undefined;
  const pending = () => {
    const stats = runtime?.stats();
    return stats === undefined ? 0 : stats.queued + stats.running;
  };
  const health = () =>
    healthOf({
      session: place.sessionName,
      pid: process.pid,
      uptimeSeconds: (performance.now() - started) / 1000,
      runtime: runtime === undefined ? undefined : { health: runtime.health(), stats: runtime.stats(), lagSeconds: lag.seconds(pending()) },
    });

  const extend: ExtendFunction = async (services) => {
    const closers: (() => void | Promise<void>)[] = [];
    const extension: RuntimeExtension = {
      async close() {
        if (timer !== undefined) clearInterval(timer);
        for (const close of closers.reverse()) await close();
      },
    };
    if (config.port === undefined) return extension;
    const joined = await hub.join(place.sessionName, health);
    closers.push(() => joined.leave());
    const created = joined.registry.account(place.sessionName, {
      queued: () => runtime?.stats().queued ?? 0,
      running: () => runtime?.stats().running ?? 0,
      lagSeconds: () => lag.seconds(pending()),
      connected: () => runtime?.health().connected ?? false,
      caughtUp: () => runtime?.health().caughtUp ?? false,
    });
    metrics = created;
    closers.push(() => created.release());
    closers.push(observeCalls(services.client, created.call));
    const file = instanceFilePath(place.sessionsDir, place.sessionName);
    writeInstanceFile(file, { pid: process.pid, url: joined.url, startedAt: new Date().toISOString() });
    closers.push(() => removeInstanceFile(file));
    services.log.info({ url: joined.url }, "metrics: /healthz and /metrics listening");
    let lost = false;
    return {
      ...extension,
      onUpdate: (update) => created.update(update.className),
      onConnection(state) {
        if (state !== "connected") lost = true;
        else if (lost) {
          lost = false;
          created.reconnected();
        }
      },
      onHandlerError: (handler) => created.handlerError(handler),
    };
  };

  return {
    extend,
    attach(ready) {
      runtime = ready;
      const observed = metrics;
      ready.onHandled(
        observed === undefined
          ? (message) => lag.handled(message.date)
          : (message, ms) => {
              lag.handled(message.date);
              observed.handled(ms / 1000);
            },
      );
      if (config.statusLogIntervalSeconds === 0) return;
      let previous = ready.stats().handled;
      timer = setInterval(() => {
        const stats = ready.stats();
        const { connected, caughtUp } = ready.health();
        ready.log.info(
          {
            handled: stats.handled - previous,
            queued: stats.queued,
            running: stats.running,
            lagSeconds: lag.seconds(stats.queued + stats.running),
            connected,
            caughtUp,
          },
          "status",
        );
        previous = stats.handled;
      }, config.statusLogIntervalSeconds * 1000);
      timer.unref();
    },
  };
}
