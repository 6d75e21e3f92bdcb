/**
 * "At most once per interval per key": who was last told what, so a refused person gets one answer,
 * not one per message.
 */

/** How many keys are kept before expired ones are swept. */
const SWEEP_AT = 10_000;

/** Remembers when each key was last let through and lets it through again after the interval. */
export class Throttle {
  private readonly last = new Map<string, number>();

  /** Creates a throttle with the interval in milliseconds. */
  constructor(
    readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True (and remembered) when the key was not let through within the interval. */
  take(key: string): boolean {
    const now = this.now();
    const previous = this.last.get(key);
    if (previous !== undefined && now - previous < this.intervalMs) return false;
    if (this.last.size >= SWEEP_AT) this.sweep(now);
    this.last.set(key, now);
    return true;
  }

  private sweep(now: number): void {
    for (const [key, at] of this.last) if (now - at >= this.intervalMs) this.last.delete(key);
  }
}
