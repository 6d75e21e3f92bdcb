/**
 * The access log: every decision with its time, person, chat, command, outcome and reason. AccessLog is
 * what the layer and the CLI need; SqliteAccessLog keeps it in the session database, buffering decisions
 * and writing them in batches (a transaction per batch), so recording one costs the hot path an array
 * push; it keeps a bounded number of days and rows.
 */
import type { Db } from "../store/database.js";

/** One recorded decision. */
export interface AccessLogEntry {
  /** Unix milliseconds. */
  readonly at: number;
  readonly userId?: string;
  readonly chatId: string;
  /** Command name, or "plugin/handler" for other handlers. */
  readonly command: string;
  readonly outcome: "allow" | "deny";
  readonly reason: string;
}

/** How long and how much the log keeps. */
export interface LogRetention {
  readonly maxAgeMs: number;
  readonly maxRows: number;
}

/** Which entries to read. */
export interface LogQuery {
  /** Only denials. */
  readonly denied?: boolean;
  /** Only entries at or after this Unix millisecond. */
  readonly since?: number;
  /** At most this many, newest first (default 100). */
  readonly limit?: number;
}

/** Entries buffered before a write is forced. */
const BATCH = 500;
/** Longest an entry waits in the buffer, in milliseconds. */
const FLUSH_MS = 250;

interface Row {
  at: number;
  user_id: string | null;
  chat_id: string;
  command: string;
  outcome: "allow" | "deny";
  reason: string;
}

/** The access decisions, recorded as they are taken and read back by the owner's tools. */
export interface AccessLog {
  /** Records a decision (it may be buffered for a short while). */
  record(entry: AccessLogEntry): void;
  /** Writes what is buffered now. */
  flush(): void;
  /** Entries matching the query, newest first (buffered ones included). */
  query(query?: LogQuery): AccessLogEntry[];
  /** Writes what is buffered and stops the timers. */
  close(): void;
}

/** Appends decisions in batches and answers queries; prunes by age and row count on every write. */
export class SqliteAccessLog implements AccessLog {
  private buffer: AccessLogEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly insert;
  private readonly pruneAge;
  private readonly pruneRows;

  /** Prepares the statements over a database whose access tables are migrated. */
  constructor(
    private readonly db: Db,
    private readonly retention: LogRetention,
    private readonly now: () => number = Date.now,
  ) {
    this.insert = db.prepare("INSERT INTO access_log (at, user_id, chat_id, command, outcome, reason) VALUES (?, ?, ?, ?, ?, ?)");
    this.pruneAge = db.prepare("DELETE FROM access_log WHERE at < ?");
    this.pruneRows = db.prepare("DELETE FROM access_log WHERE id <= (SELECT MAX(id) FROM access_log) - ?");
  }

  /** Records a decision; it reaches the database within FLUSH_MS, or at once when the batch is full. */
  record(entry: AccessLogEntry): void {
    this.buffer.push(entry);
    if (this.buffer.length >= BATCH) this.flush();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Writes buffered entries and prunes what the retention no longer keeps. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    const entries = this.buffer;
    this.buffer = [];
    this.db.transaction(() => {
      for (const e of entries) this.insert.run(e.at, e.userId ?? null, e.chatId, e.command, e.outcome, e.reason);
      this.prune();
    })();
  }

  /** Deletes entries older than the retention or beyond its row count; returns how many. */
  prune(): number {
    return this.pruneAge.run(this.now() - this.retention.maxAgeMs).changes + this.pruneRows.run(this.retention.maxRows).changes;
  }

  /** Entries matching the query, newest first (buffered ones included). */
  query(query: LogQuery = {}): AccessLogEntry[] {
    this.flush();
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (query.denied === true) where.push("outcome = 'deny'");
    if (query.since !== undefined) {
      where.push("at >= ?");
      params.push(query.since);
    }
    const sql = `SELECT at, user_id, chat_id, command, outcome, reason FROM access_log ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...params, query.limit ?? 100) as Row[];
    return rows.map((r) => ({ at: r.at, userId: r.user_id ?? undefined, chatId: r.chat_id, command: r.command, outcome: r.outcome, reason: r.reason }));
  }

  /** Writes what is buffered and stops the timer. */
  close(): void {
    this.flush();
  }
}
