/** Time source for rate limiting and retries; tests inject a fake one. */
export interface Clock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  /** Resolves after the given milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** The real clock: performance.now and setTimeout. */
export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Outgoing message limits; 0 turns one limit off. */
export interface RateLimits {
  /** Messages per second across all chats. */
  readonly globalPerSecond: number;
  /** Messages per second into one chat. */
  readonly chatPerSecond: number;
  /** Messages per minute into one group, supergroup or channel. */
  readonly groupPerMinute: number;
}

/** Telegram's published bot limits (Bots FAQ): about 30 messages/s overall, 1/s per chat, 20/min per group. */
export const BOT_LIMITS: RateLimits = { globalPerSecond: 30, chatPerSecond: 1, groupPerMinute: 20 };

/** How many messages one chat may send at once before the per-second pace applies ("short bursts"). */
export const CHAT_BURST = 3;

/** One limit on a stream of sends: when the next send may go, and recording that it went. */
export interface Limit {
  /** Earliest time (ms, never before an earlier recorded send) at which one more send fits the limit. */
  earliest(now: number): number;
  /** Records a send at `at` (not earlier than previous sends). */
  commit(at: number): void;
  /** True when the limit has fully recovered by `now` (nothing recorded still counts). */
  idle(now: number): boolean;
}

/** Rate limit with bursts: holds `capacity` tokens, refilled at `perMs` tokens per millisecond. */
export class TokenBucket implements Limit {
  private tokens: number;
  private updated: number;

  /** Creates a full bucket. */
  constructor(
    private readonly capacity: number,
    private readonly perMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updated = now;
  }

  /** Earliest time a whole token is available. */
  earliest(now: number): number {
    const from = Math.max(now, this.updated);
    const tokens = this.tokensAt(from);
    return tokens >= 1 ? from : from + (1 - tokens) / this.perMs;
  }

  /** Takes one token at `at`. */
  commit(at: number): void {
    this.tokens = this.tokensAt(at) - 1;
    this.updated = Math.max(at, this.updated);
  }

  /** True when the bucket is full again. */
  idle(now: number): boolean {
    return now >= this.updated && this.tokensAt(now) >= this.capacity;
  }

  private tokensAt(time: number): number {
    return Math.min(this.capacity, this.tokens + Math.max(0, time - this.updated) * this.perMs);
  }
}

/** Strict limit: at most `limit` sends in any window of `windowMs` milliseconds. */
export class SlidingWindow implements Limit {
  private readonly sends: number[] = [];

  /** Creates an empty window. */
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Earliest time one more send keeps every window within the limit. */
  earliest(now: number): number {
    const last = this.sends.at(-1) ?? now;
    const from = Math.max(now, last);
    if (this.sends.length < this.limit) return from;
    return Math.max(from, this.sends[this.sends.length - this.limit] + this.windowMs);
  }

  /** Records a send at `at`, keeping only the sends that can still matter. */
  commit(at: number): void {
    this.sends.push(at);
    if (this.sends.length > this.limit) this.sends.splice(0, this.sends.length - this.limit);
  }

  /** True when the last send has left the window. */
  idle(now: number): boolean {
    const last = this.sends.at(-1);
    return last === undefined || last + this.windowMs <= now;
  }
}

const SWEEP_AT = 1000;

/**
 * Paces outgoing messages: first the chat's limits (a token bucket per chat, plus a strict per-minute window for
 * groups and channels), then the global token bucket. Waiting callers keep their arrival order.
 */
export class RateLimiter {
  private readonly global: TokenBucket | undefined;
  private readonly chats = new Map<string, Limit[]>();

  /** Creates a limiter with the given limits (BOT_LIMITS by default) and clock. */
  constructor(
    private readonly limits: RateLimits = BOT_LIMITS,
    private readonly clock: Clock = systemClock,
  ) {
    const rate = limits.globalPerSecond;
    this.global = rate > 0 ? new TokenBucket(rate, rate / 1000, clock.now()) : undefined;
  }

  /** Waits until one more message may go to the chat (a marked id: negative ids are groups and channels). */
  async acquire(chatId: string): Promise<void> {
    await this.pass(this.limitsOf(chatId));
    if (this.global !== undefined) await this.pass([this.global]);
  }

  /** Number of chats with a bucket currently tracked (idle buckets are forgotten). */
  trackedChats(): number {
    return this.chats.size;
  }

  /** Reserves the earliest time all the limits allow, then sleeps until it. */
  private async pass(limits: readonly Limit[]): Promise<void> {
    if (limits.length === 0) return;
    const now = this.clock.now();
    const at = limits.reduce((time, limit) => Math.max(time, limit.earliest(now)), now);
    for (const limit of limits) limit.commit(at);
    if (at > now) await this.clock.sleep(at - now);
  }

  private limitsOf(chatId: string): Limit[] {
    let limits = this.chats.get(chatId);
    if (limits === undefined) {
      const now = this.clock.now();
      if (this.chats.size >= SWEEP_AT) this.sweep(now);
      limits = [];
      const { chatPerSecond, groupPerMinute } = this.limits;
      if (chatPerSecond > 0) limits.push(new TokenBucket(Math.max(CHAT_BURST, chatPerSecond), chatPerSecond / 1000, now));
      if (groupPerMinute > 0 && chatId.startsWith("-")) limits.push(new SlidingWindow(groupPerMinute, 60_000));
      this.chats.set(chatId, limits);
    }
    return limits;
  }

  private sweep(now: number): void {
    for (const [chatId, limits] of this.chats) {
      if (limits.every((limit) => limit.idle(now))) this.chats.delete(chatId);
    }
  }
}
