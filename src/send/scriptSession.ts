/**
 * What `npm run send` and `npm run confirm` run on: the saved session (user, or bot token) connected and
 * signed in, its database (known peers, shared pacing, confirmations), and the flood-wait policy of the
 * config. Only errors are logged.
 */
import type { Api, TelegramClient } from "telegram";
import { createLogger, type LogConfig, type Logger } from "../log.js";
import { type Db, openDatabase, sessionDatabasePath } from "../store/database.js";
import type { TelegramConfig } from "../telegram/config.js";
import type { FloodWaitPolicy } from "../telegram/floodWait.js";
import { openSession } from "../telegram/session.js";
import type { SessionStore } from "../telegram/sessionStore.js";
import { KnownPeers } from "./knownPeers.js";
import { SharedPacer } from "./pace.js";

/** A connected script session. */
export interface ScriptSession {
  readonly client: TelegramClient;
  readonly user: Api.User;
  readonly mode: "user" | "bot";
  readonly selfId: string;
  readonly db: Db;
  readonly known: KnownPeers;
  readonly pacer: SharedPacer;
  readonly flood: FloodWaitPolicy;
  readonly log: Logger;
  /** Disconnects and closes the database. */
  close(): Promise<void>;
}

/** Connects the session `sessionName` of `store` (logging a bot in with its token when needed). */
export async function openScriptSession(
  config: TelegramConfig & { readonly log: LogConfig },
  store: SessionStore,
  sessionName: string,
): Promise<ScriptSession> {
  const log = createLogger({ level: "warn", format: config.log.format });
  const db = openDatabase(sessionDatabasePath(store.dir, sessionName));
  try {
    const { client, user } = await openSession(config, store, sessionName, log);
    const flood: FloodWaitPolicy = {
      maxSleepSeconds: config.flood.maxSleepSeconds,
      maxRetries: config.flood.maxRetries,
      onWait: ({ method, seconds, attempt }) => log.warn({ method, seconds, attempt }, "flood wait: sleeping before retrying"),
    };
    return {
      client,
      user,
      mode: user.bot === true ? "bot" : "user",
      selfId: user.id.toString(),
      db,
      known: new KnownPeers(db),
      pacer: new SharedPacer(db, config.rateLimits),
      flood,
      log,
      async close() {
        try {
          await client.destroy();
        } finally {
          db.close();
        }
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
