/**
 * The access feature's tables in the session database: the membership cache, the rules and gates,
 * and the access log, and the SQLite stores over them. Ids are marked peer ids as decimal strings;
 * times are Unix milliseconds.
 */
import { type Db, type Migration, migrate } from "../store/database.js";
import { SqliteAccessLog } from "./accessLog.js";
import type { AccessConfig } from "./config.js";
import type { AccessStores } from "./layer.js";
import { SqliteMembershipCache } from "./membershipCache.js";
import { SqliteAccessRules } from "./rules.js";

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    up: `
      CREATE TABLE access_membership (
        chat_id    TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        status     TEXT NOT NULL,
        source     TEXT NOT NULL,
        checked_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (chat_id, user_id)
      ) WITHOUT ROWID;

      CREATE TABLE access_rules (
        subject    TEXT NOT NULL CHECK (subject IN ('chat', 'user')),
        peer_id    TEXT NOT NULL,
        effect     TEXT NOT NULL CHECK (effect IN ('allow', 'deny')),
        commands   TEXT,
        label      TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (subject, peer_id, effect)
      );

      CREATE TABLE access_gates (
        name        TEXT PRIMARY KEY,
        chat_id     TEXT NOT NULL,
        access_hash TEXT,
        label       TEXT NOT NULL,
        statuses    TEXT NOT NULL,
        updated_at  INTEGER NOT NULL
      );

      CREATE TABLE access_log (
        id      INTEGER PRIMARY KEY,
        at      INTEGER NOT NULL,
        user_id TEXT,
        chat_id TEXT NOT NULL,
        command TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('allow', 'deny')),
        reason  TEXT NOT NULL
      );
      CREATE INDEX access_log_at ON access_log (at);
    `,
  },
];

/** Creates or upgrades the access tables. */
export function migrateAccess(db: Db): void {
  migrate(db, "access", MIGRATIONS);
}

/** Migrates the access tables and builds the stores over them, with the cache lifetimes and log retention of `config`. */
export function sqliteAccessStores(db: Db, config: AccessConfig, now: () => number = Date.now): AccessStores {
  migrateAccess(db);
  return {
    rules: new SqliteAccessRules(db, now),
    membership: new SqliteMembershipCache(db, { presentMs: config.memberTtlSeconds * 1000, absentMs: config.absentTtlSeconds * 1000 }, now),
    log: new SqliteAccessLog(db, { maxAgeMs: config.logRetentionDays * 86_400_000, maxRows: config.logMaxRows }, now),
  };
}
