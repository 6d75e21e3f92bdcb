/**
 * The counter value it is safe to save for one box (the common box or a channel), pure. Messages are
 * handled concurrently across chats, so the box's pts may run ahead of what was handled: the saved pts
 * must stay before the oldest message still queued or running, so that a crash makes the next start fetch
 * it again (the handled-message ledger skips the ones handled since).
 */

/** A message being handled: the box value before it. */
export interface Hold {
  readonly before: number;
  done: boolean;
}

/** Held messages in the order they were taken, with the box's applied value. */
export class Watermark {
  private holds: Hold[] = [];
  private head = 0;
  private applied: number;
  /** Holds taken before the last reset end here: until they are released, nothing is safe to save. */
  private resetAt = 0;

  /** Creates the watermark of a box whose applied value is `value`. */
  constructor(value: number) {
    this.applied = value;
  }

  /** Marks the box as applied up to `value` (never backwards). */
  advance(value: number): void {
    if (value > this.applied) this.applied = value;
  }

  /**
   * Moves the applied value anywhere (the server reset the box, a first start). Messages held before it
   * were numbered in the old sequence: until they are handled, the box is not safe to save at all
   * (`blocked`), lest a crash skip them.
   */
  reset(value: number): void {
    this.applied = value;
    this.resetAt = this.holds.length;
  }

  /** Messages held before the last reset are still being handled: nothing may be saved yet. */
  get blocked(): boolean {
    return this.head < this.resetAt;
  }

  /** Keeps the saved value at or before `before` until the returned hold is released. */
  hold(before: number): Hold {
    const hold: Hold = { before, done: false };
    this.holds.push(hold);
    return hold;
  }

  /** Releases a hold (its message was handled). */
  release(hold: Hold): void {
    hold.done = true;
    while (this.head < this.holds.length && this.holds[this.head].done) this.head += 1;
    if (this.head === this.holds.length) {
      this.holds = [];
      this.head = 0;
      this.resetAt = 0;
    } else if (this.head > 1024 && this.head * 2 > this.holds.length) {
      this.holds = this.holds.slice(this.head);
      this.resetAt = Math.max(0, this.resetAt - this.head);
      this.head = 0;
    }
  }

  /** The value it is safe to save: everything up to it was handled (or needs no handling). */
  get safe(): number {
    return this.head < this.holds.length ? Math.min(this.holds[this.head].before, this.applied) : this.applied;
  }
}
