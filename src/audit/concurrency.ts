/**
 * How many requests an audit keeps in flight: additive increase while calls succeed, halved on a
 * FLOOD_WAIT together with a pause until the wait is over (Telegram counts the wait per method and
 * account, so every request waits, not only the one that got the error).
 */

export interface ConcurrencyOptions {
  /** Requests in flight at the start. */
  initial?: number;
  /** Never fewer than this. */
  min?: number;
  /** Never more than this. */
  max?: number;
}

/** What a flood wait did to the limit, for progress output. */
export interface FloodWaitEffect {
  seconds: number;
  /** Monotonic milliseconds (the clock's) until which no request goes out. */
  resumeAt: number;
  from: number;
  to: number;
}

/** Defaults: 8 at first, between 1 and 16 (past 16 the emulator and Telegram only queue more). */
export const DEFAULT_CONCURRENCY: Required<ConcurrencyOptions> = { initial: 8, min: 1, max: 16 };

/** Additive-increase / multiplicative-decrease limit on requests in flight. */
export class AdaptiveConcurrency {
  private current: number;
  private successes = 0;
  private pausedUntil = 0;
  private readonly min: number;
  private readonly max: number;

  /** Creates the limit; `now` is a monotonic clock in milliseconds. */
  constructor(
    options: ConcurrencyOptions = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    const { initial, min, max } = { ...DEFAULT_CONCURRENCY, ...options };
    this.min = Math.max(1, min);
    this.max = Math.max(this.min, max);
    this.current = Math.min(this.max, Math.max(this.min, initial));
  }

  /** Requests that may be in flight now. */
  get limit(): number {
    return this.current;
  }

  /** Milliseconds until requests may go out again (0 when not paused). */
  pauseLeft(): number {
    return Math.max(0, this.pausedUntil - this.now());
  }

  /** A call succeeded: after as many successes as the limit, the limit grows by one. */
  success(): void {
    if (++this.successes < this.current) return;
    this.successes = 0;
    this.current = Math.min(this.max, this.current + 1);
  }

  /** Pause every request for `ms` without changing the limit (a transient server error). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  /** A call got FLOOD_WAIT_X: halve the limit and pause everything for X seconds. */
  floodWait(seconds: number): FloodWaitEffect {
    const from = this.current;
    this.current = Math.max(this.min, Math.floor(this.current / 2));
    this.successes = 0;
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + seconds * 1000);
    return { seconds, resumeAt: this.pausedUntil, from, to: this.current };
  }
}
