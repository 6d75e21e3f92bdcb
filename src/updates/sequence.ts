/**
 * Telegram's ordering rules for update counters (core.telegram.org/api/updates), pure: pts with pts_count
 * (the account's common box and each channel), qts (count 1), and seq of Updates / UpdatesCombined
 * containers (seq_start..seq). An update either applies on top of the local value, was applied already, or
 * leaves a gap; updates past a gap wait in a buffer until the gap fills or a difference moves the value.
 */

/** What to do with an update given the local counter. */
export type Verdict = "apply" | "duplicate" | "gap";

/** The pts rule: local_pts + pts_count equal to pts applies, greater means already applied, smaller is a gap. */
export function ptsVerdict(local: number, pts: number, ptsCount: number): Verdict {
  const expected = local + ptsCount;
  if (expected === pts) return "apply";
  return expected > pts ? "duplicate" : "gap";
}

/** The seq rule for containers: seq_start 0 is unordered (applies), local_seq + 1 equal to seq_start applies. */
export function seqVerdict(local: number, seqStart: number): Verdict {
  if (seqStart === 0) return "apply";
  return ptsVerdict(local, seqStart, 1);
}

/** An update waiting behind a gap: it moves the counter from `end - count` to `end`. */
interface Waiting<T> {
  readonly end: number;
  readonly count: number;
  readonly item: T;
}

/** An update that may be applied now, with the counter value before it. */
export interface Ready<T> {
  readonly item: T;
  readonly before: number;
  readonly end: number;
}

/** What offering an update gave: those to apply now in order, and how many buffered ones turned out duplicates. */
export interface Offered<T> {
  readonly ready: Ready<T>[];
  readonly duplicates: number;
}

/**
 * One counter (a box's pts, the account's qts or seq) with the updates waiting behind a gap. An unknown
 * value (a channel never seen) is taken from the first update offered.
 */
export class Sequence<T> {
  private waiting: Waiting<T>[] = [];

  /** Creates the counter at `value` (undefined when unknown). */
  constructor(private current: number | undefined) {}

  /** The local value, undefined while unknown. */
  get value(): number | undefined {
    return this.current;
  }

  /** Updates waiting behind a gap. */
  get pending(): number {
    return this.waiting.length;
  }

  /** Offers an update that moves the counter by `count` to `end`. */
  offer(end: number, count: number, item: T): Offered<T> {
    if (this.current === undefined) this.current = end - count;
    const verdict = ptsVerdict(this.current, end, count);
    if (verdict === "duplicate") return { ready: [], duplicates: 1 };
    if (verdict === "gap") {
      this.hold(end, count, item);
      return { ready: [], duplicates: 0 };
    }
    const ready: Ready<T>[] = [{ item, before: this.current, end }];
    this.current = end;
    if (this.waiting.length === 0) return { ready, duplicates: 0 };
    const drained = this.takeReady();
    return { ready: [...ready, ...drained.ready], duplicates: drained.duplicates };
  }

  /** Buffers an update without judging it (while a difference is being fetched). */
  hold(end: number, count: number, item: T): void {
    const start = end - count;
    let at = this.waiting.length;
    while (at > 0 && this.waiting[at - 1].end - this.waiting[at - 1].count > start) at -= 1;
    this.waiting.splice(at, 0, { end, count, item });
  }

  /** Takes, in order, the waiting updates that end at or below `value` (those a skipped gap covers). */
  takeUpTo(value: number): Ready<T>[] {
    const taken = this.waiting.filter((waiting) => waiting.end <= value);
    this.waiting = this.waiting.filter((waiting) => waiting.end > value);
    return taken.map(({ item, end, count }) => ({ item, before: end - count, end }));
  }

  /** Empties the buffer, returning what waited (the box is being dropped). */
  clear(): T[] {
    const items = this.waiting.map((waiting) => waiting.item);
    this.waiting = [];
    return items;
  }

  /** Moves the counter to `value` (a difference's state); what waits is judged by the next takeReady. */
  set(value: number): void {
    this.current = value;
  }

  /** Takes the waiting updates that fit on top of the value, in order; drops those already applied; stops at a gap. */
  takeReady(): Offered<T> {
    if (this.current === undefined) return { ready: [], duplicates: 0 };
    const ready: Ready<T>[] = [];
    let duplicates = 0;
    let taken = 0;
    for (const next of this.waiting) {
      const current = this.current;
      const verdict = ptsVerdict(current, next.end, next.count);
      if (verdict === "gap") break;
      taken += 1;
      if (verdict === "duplicate") {
        duplicates += 1;
        continue;
      }
      ready.push({ item: next.item, before: current, end: next.end });
      this.current = next.end;
    }
    if (taken > 0) this.waiting = this.waiting.slice(taken);
    return { ready, duplicates };
  }
}
