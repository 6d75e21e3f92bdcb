/**
 * Pacing sends across processes. `npm run send` in a shell loop starts a new process per message, and
 * an in-memory rate limiter forgets everything between them; so each send reserves its time in the
 * session database instead, and the runtime's limits (a token bucket per chat, a per-minute window for
 * groups, a global bucket: see rateLimiter.ts) are computed by replaying the recent reservations. The
 * reservation is one IMMEDIATE transaction, so concurrent processes queue up rather than race.
 */
import type { Statement } from "better-sqlite3";
import { type Db, migrate } from "../store/database.js";
import { CHAT_BURST, type Clock, type Limit, type RateLimits, SlidingWindow, TokenBucket } from "../telegram/rateLimiter.js";

/** What paces sends: resolves when one more message may go to the chat. */
export interface Pacer {
  acquire(chatId: string): Promise<void>;
}

/** Wall-clock time (shared by processes) and setTimeout. */
export const wallClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Reservations older than this no longer matter (the longest window is a minute). */
const HORIZON_MS = 61_000;

/** Creates the send_pace table. */
export function migrateSendPace(db: Db): void {
  migrate(db, "send_pace", [
    {
      version: 1,
      up: `CREATE TABLE send_pace (at INTEGER NOT NULL, chat_id TEXT NOT NULL);
           CREATE INDEX send_pace_chat ON send_pace (chat_id, at);
           CREATE INDEX send_pace_at ON send_pace (at);`,
    },
  ]);
}

/** A Pacer over the session database, shared by every process using that session. */
export class SqlitePacer implements Pacer {
  private readonly reserve: (chatId: string) => number;

  /** Migrates the table; `limits` are the runtime's (RATE_*), 0 turning one off. */
  constructor(
    db: Db,
    private readonly limits: RateLimits,
    private readonly clock: Clock = wallClock,
  ) {
    migrateSendPace(db);
    const prune: Statement<unknown[]> = db.prepare("DELETE FROM send_pace WHERE at < ?");
    const ofChat: Statement<unknown[]> = db.prepare("SELECT at FROM send_pace WHERE chat_id = ? AND at >= ? ORDER BY at");
    const ofAll: Statement<unknown[]> = db.prepare("SELECT at FROM send_pace WHERE at >= ? ORDER BY at");
    const insert: Statement<unknown[]> = db.prepare("INSERT INTO send_pace (at, chat_id) VALUES (?, ?)");
    const reserve = db.transaction((chatId: string): number => {
      const now = this.clock.now();
      const since = now - HORIZON_MS;
      prune.run(since);
      let at = now;
      const chat = this.chatLimits(chatId, since);
      if (chat.length > 0) at = Math.max(at, earliest(chat, ofChat.all(chatId, since) as { at: number }[], now));
      const global = this.globalLimit(since);
      if (global !== undefined) at = Math.max(at, earliest([global], ofAll.all(since) as { at: number }[], now));
      insert.run(at, chatId);
      return at;
    });
    this.reserve = (chatId) => reserve.immediate(chatId);
  }

  /** Reserves the earliest time the limits allow for the chat (a marked id), then waits for it. */
  async acquire(chatId: string): Promise<void> {
    const at = this.reserve(chatId);
    const wait = at - this.clock.now();
    if (wait > 0) await this.clock.sleep(wait);
  }

  private chatLimits(chatId: string, since: number): Limit[] {
    const { chatPerSecond, groupPerMinute } = this.limits;
    const limits: Limit[] = [];
    if (chatPerSecond > 0) limits.push(new TokenBucket(Math.max(CHAT_BURST, chatPerSecond), chatPerSecond / 1000, since));
    if (groupPerMinute > 0 && chatId.startsWith("-")) limits.push(new SlidingWindow(groupPerMinute, 60_000));
    return limits;
  }

  private globalLimit(since: number): Limit | undefined {
    const rate = this.limits.globalPerSecond;
    return rate > 0 ? new TokenBucket(rate, rate / 1000, since) : undefined;
  }
}

/** Replays past reservations into the limits and answers when one more send fits them all. */
function earliest(limits: readonly Limit[], sends: readonly { at: number }[], now: number): number {
  for (const { at } of sends) for (const limit of limits) limit.commit(at);
  return limits.reduce((time, limit) => Math.max(time, limit.earliest(now)), now);
}
