/**
 * The session's SQLite database (better-sqlite3): one file per session, sessions/NAME.db, beside
 * the session file. Each feature owns its tables and migrates them itself with `migrate`, so
 * features can evolve their schema without touching one shared list.
 */
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";

export type Db = Database.Database;

/** One schema step of a feature; versions start at 1 and only grow. */
export interface Migration {
  version: number;
  up: string | ((db: Db) => void);
}

/** The database file of a session: sessions/NAME.db. */
export function sessionDatabasePath(sessionsDir: string, sessionName: string): string {
  return join(sessionsDir, `${sessionName}.db`);
}

/** Open (creating if needed) a database with WAL journaling, foreign keys and a busy timeout; ":memory:" for tests. */
export function openDatabase(file: string): Db {
  if (file !== ":memory:") {
    const dir = dirname(file);
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  }
  const fresh = file === ":memory:" || !existsSync(file);
  const db = new Database(file);
  if (fresh && file !== ":memory:") chmodSync(file, 0o600);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  db.exec(`CREATE TABLE IF NOT EXISTS schema_versions (
    feature TEXT PRIMARY KEY,
    version INTEGER NOT NULL
  )`);
  return db;
}

/**
 * Bring one feature's tables up to its newest migration. The version is read and every step applied
 * inside one IMMEDIATE transaction, so processes opening the same fresh database at once (a burst of
 * `npm run send`) migrate it once: the others wait for the write lock, then find nothing to do.
 */
export function migrate(db: Db, feature: string, migrations: readonly Migration[]): void {
  const steps = [...migrations].sort((a, b) => a.version - b.version);
  db.transaction(() => {
    const row = db.prepare("SELECT version FROM schema_versions WHERE feature = ?").get(feature) as { version: number } | undefined;
    const current = row?.version ?? 0;
    for (const step of steps.filter((m) => m.version > current)) {
      if (typeof step.up === "string") db.exec(step.up);
      else step.up(db);
      db.prepare("INSERT INTO schema_versions (feature, version) VALUES (?, ?) ON CONFLICT(feature) DO UPDATE SET version = excluded.version").run(
        feature,
        step.version,
      );
    }
  }).immediate();
}
