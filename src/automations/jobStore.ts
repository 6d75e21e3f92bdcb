/**
 * Where scheduled jobs keep their next due time across restarts: JobStore is what the scheduler needs,
 * SqliteJobStore keeps it in the session database (table scheduled_jobs, one row per job).
 */
import { type Db, migrate } from "../store/database.js";

/** A job's saved state. */
export interface JobRecord {
  /** "plugin/job" or "schedule/NAME". */
  readonly id: string;
  /** The timing the state belongs to (whenKey); another timing starts afresh. */
  readonly when: string;
  /** When the next run is due (Unix ms); undefined when none is (a one-off job that ran). */
  readonly nextRunAt?: number;
  /** When the last run started was due. */
  readonly lastRunAt?: number;
}

/** The scheduler's storage. */
export interface JobStore {
  /** A job's saved state, if any. */
  get(id: string): JobRecord | undefined;
  /** Saves (inserts or replaces) a job's state. */
  save(record: JobRecord): void;
}

interface Row {
  id: string;
  spec: string;
  next_run_at: number | null;
  last_run_at: number | null;
}

/** Creates the scheduled_jobs table. */
export function migrateJobs(db: Db): void {
  migrate(db, "scheduled_jobs", [
    {
      version: 1,
      up: `CREATE TABLE scheduled_jobs (
        id TEXT PRIMARY KEY,
        spec TEXT NOT NULL,
        next_run_at INTEGER,
        last_run_at INTEGER
      )`,
    },
  ]);
}

/** The scheduled_jobs table. */
export class SqliteJobStore implements JobStore {
  private readonly select;
  private readonly upsert;

  /** Migrates the table and prepares its statements. */
  constructor(db: Db) {
    migrateJobs(db);
    this.select = db.prepare("SELECT id, spec, next_run_at, last_run_at FROM scheduled_jobs WHERE id = ?");
    this.upsert = db.prepare(
      `INSERT INTO scheduled_jobs (id, spec, next_run_at, last_run_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET spec = excluded.spec, next_run_at = excluded.next_run_at, last_run_at = excluded.last_run_at`,
    );
  }

  /** A job's saved state, if any. */
  get(id: string): JobRecord | undefined {
    const row = this.select.get(id) as Row | undefined;
    if (row === undefined) return undefined;
    return {
      id: row.id,
      when: row.spec,
      ...(row.next_run_at !== null && { nextRunAt: row.next_run_at }),
      ...(row.last_run_at !== null && { lastRunAt: row.last_run_at }),
    };
  }

  /** Saves (inserts or replaces) a job's state. */
  save(record: JobRecord): void {
    this.upsert.run(record.id, record.when, record.nextRunAt ?? null, record.lastRunAt ?? null);
  }
}
