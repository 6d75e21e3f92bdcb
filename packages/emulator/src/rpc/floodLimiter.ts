/**
 * Optional flood limits, as Telegram applies them: a token bucket per method and account; a call
 * finding its bucket empty fails with FLOOD_WAIT_X, X the whole seconds until a token is back.
 */
import { floodWait } from "../model/errors.js";

export interface FloodLimit {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size: how many calls may come at once. */
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class FloodLimiter {
  private readonly limits = new Map<string, FloodLimit>();
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly clock: () => number = () => performance.now()) {}

  /** Set (or clear with null) the limit of one method, or the default for all when method is undefined. */
  set(method: string | undefined, limit: FloodLimit | null): void {
    const key = method ?? "*";
    if (limit) this.limits.set(key, limit);
    else this.limits.delete(key);
    this.buckets.clear();
  }

  /** Remove every limit. */
  clear(): void {
    this.limits.clear();
    this.buckets.clear();
  }

  /** Take a token for `method` by `userId`, or throw FLOOD_WAIT_X. */
  take(method: string, userId: number): void {
    if (this.limits.size === 0) return;
    const limit = this.limits.get(method) ?? this.limits.get("*");
    if (!limit) return;
    const key = `${method}:${userId}`;
    const now = this.clock();
    const bucket = this.buckets.get(key) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.ratePerSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) throw floodWait((1 - bucket.tokens) / limit.ratePerSecond);
    bucket.tokens -= 1;
  }
}
