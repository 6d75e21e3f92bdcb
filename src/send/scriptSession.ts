/**
 * What `npm run send` and `npm run confirm` run on: the saved session (user, or bot token) connected and
 * signed in, the stores over its database (known peers, shared pacing, and what the script adds, such as
 * the confirmations), and the flood-wait policy of the config. Only errors are logged.
 */
import type { Api, TelegramClient } from "telegram";
import { createLogger, type LogConfig, type Logger } from "../log.js";
import { type Db, openDatabase, sessionDatabasePath } from "../store/database.js";
import type { TelegramConfig } from "../telegram/config.js";
import type { FloodWaitPolicy } from "../telegram/floodWait.js";
import { openSession } from "../telegram/session.js";
import type { SessionStore } from "../telegram/sessionStore.js";
import { type KnownPeers, SqliteKnownPeers } from "./knownPeers.js";
import { type Pacer, SqlitePacer } from "./pace.js";

/** A connected script session. */
export interface ScriptSession {
  readonly client: TelegramClient;
  readonly user: Api.User;
  readonly mode: "user" | "bot";
  readonly selfId: string;
  /** The peers every process of the session has met. */
  readonly known: KnownPeers;
  /** Paces sends by the RATE_* limits, across every process of the session. */
  readonly pacer: Pacer;
  readonly flood: FloodWaitPolicy;
  readonly log: Logger;
  /** Disconnects and closes the database. */
  close(): Promise<void>;
}

/** Connects the session `sessionName` of `store` (logging a bot in with its token when needed). */
export function openScriptSession(config: TelegramConfig & { readonly log: LogConfig }, store: SessionStore, sessionName: string): Promise<ScriptSession>;
/** The same, with the script's own stores, which `stores` builds over the session database, on the session. */
export function openScriptSession<Stores extends object>(
  config: TelegramConfig & { readonly log: LogConfig },
  store: SessionStore,
  sessionName: string,
  stores: (db: Db) => Stores,
): Promise<ScriptSession & Stores>;
export async function openScriptSession(
  config: TelegramConfig & { readonly log: LogConfig },
  store: SessionStore,
  sessionName: string,
  stores?: (db: Db) => object,
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
    const known = new SqliteKnownPeers(db);
    const pacer = new SqlitePacer(db, config.rateLimits);
    return {
      ...stores?.(db),
      client,
      user,
      mode: user.bot === true ? "bot" : "user",
      selfId: user.id.toString(),
      known,
      pacer,
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
