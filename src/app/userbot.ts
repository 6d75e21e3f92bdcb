/**
 * `npm start`'s composition, shared with the demo: the runtime over the session's SQLite database
 * (sessions/NAME.db: update state, handled messages, access control, conversations) with the access
 * layer and conversations (with inline buttons) as its extensions, and the watch (status log line; with
 * METRICS_PORT, /healthz and /metrics); the database closes when the runtime stops.
 */

import { accessExtension } from "../access/runtime.js";
import { automationsExtension } from "../automations/extension.js";
import type { Automations } from "../automations/schema.js";
import { bridgeExtension } from "../bridge/extension.js";
import { conversationsExtension } from "../conversations/runtime.js";
import type { MetricsHub } from "../metrics/hub.js";
import { watchUserbot } from "../metrics/watch.js";
import { type Runtime, type RuntimeOptions, startRuntime } from "../runtime/index.js";
import { openDatabase, sessionDatabasePath } from "../store/database.js";
import type { SessionStore } from "../telegram/sessionStore.js";
import { UpdateStateStore } from "../updates/stateStore.js";
import type { Config } from "./config.js";

/** What startUserbot needs: the runtime's options with the store and session name settled. */
export interface UserbotOptions extends Omit<RuntimeOptions, "config" | "extend" | "closeables" | "updateState"> {
  readonly config: Config;
  readonly store: SessionStore;
  readonly sessionName: string;
  /** Serve the session's scripts on this local socket (sessions/NAME.sock; npm start, not the demo). */
  readonly socketPath?: string;
  /** The process's metrics server when it runs several accounts (default: one of this account's own). */
  readonly metricsHub?: MetricsHub;
  /** automations.yaml as loaded (none when absent). */
  readonly automations?: Automations;
}

/** Starts the runtime as `npm start` runs it. */
export async function startUserbot({ metricsHub: _hub, ...options }: UserbotOptions): Promise<Runtime> {
  const db = openDatabase(sessionDatabasePath(options.store.dir, options.sessionName));
  const watch = watchUserbot(options.config.metrics, { sessionsDir: options.store.dir, sessionName: options.sessionName }, _hub);
  const bridge =
    options.socketPath === undefined
      ? undefined
      : bridgeExtension({ socketPath: options.socketPath, db, rateLimits: options.config.rateLimits, flood: options.config.flood });
  try {
    return await startRuntime({
      ...options,
      updateState: new UpdateStateStore(db),
      extend: [
        // First: it takes no message, and must see those the conversations take (a reply a script waits for).
        ...(bridge === undefined ? [] : [bridge.extend]),
        watch.extend,
        accessExtension(db, options.config.access),
        conversationsExtension(db, { takenByScript: (press) => bridge?.takes(press) ?? false }),
        automationsExtension(db, options.automations),
      ],
      onReady: (runtime) => {
        watch.attach(runtime);
        options.onReady?.(runtime);
      },
      closeables: [{ close: () => void db.close() }],
    });
  } catch (error) {
    db.close();
    throw error;
  }
}
