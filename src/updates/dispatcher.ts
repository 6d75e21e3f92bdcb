import type { Logger } from "../log.js";

/** Options of the Dispatcher. */
export interface DispatcherOptions<T> {
  /** Queue key of an item: items with one key run one at a time, in arrival order (the chat id). */
  readonly keyOf: (item: T) => string;
  /** Work to do for one item; a throw is logged, never propagated. */
  readonly process: (item: T) => Promise<void>;
  readonly log: Logger;
  /** Items processed at once across all keys (default 8). */
  readonly concurrency?: number;
  /** Items waiting per key beyond which the log says handlers fall behind in that chat (default 100); nothing is dropped. */
  readonly maxQueuePerKey?: number;
  /** Items waiting in all at which `whenWritable` makes producers that can wait (catch-up) wait (default concurrency × maxQueuePerKey). */
  readonly maxQueued?: number;
  /** After this many milliseconds a running item stops counting against `concurrency`, so other chats go on;
   * its own chat still waits for it (default 30000). */
  readonly slowAfterMs?: number;
}

/** What happened to a pushed item: queued (always, while open), or refused after drain. */
export type PushResult = "queued" | "closed";

/** Outcome of drain: whether every running item finished in time, and what was left. */
export interface DrainResult {
  readonly completed: boolean;
  /** Items still running when drain returned. */
  readonly running: number;
  /** Queued items that were never started. */
  readonly abandoned: number;
}

/** Counts for monitoring. */
export interface DispatcherStats {
  readonly running: number;
  readonly queued: number;
  readonly keys: number;
}

/**
 * Per-key ordered queues under a global concurrency limit. Items of one key (chat) run one after another in
 * arrival order; different keys run concurrently. Nothing is ever dropped: a chat whose queue grows past
 * maxQueuePerKey is logged once per episode (with its peak when it ends), and producers that can wait
 * (catch-up fetching missed messages) await `whenWritable` before adding more, so memory stays bounded by
 * what arrives live.
 */
export class Dispatcher<T> {
  private readonly queues = new Map<string, T[]>();
  private readonly busy = new Set<string>();
  private readonly ready: string[] = [];
  private readonly backlogged = new Map<string, number>();
  private readonly concurrency: number;
  private readonly maxQueuePerKey: number;
  private readonly maxQueued: number;
  private readonly slowAfterMs: number;
  private slots = 0;
  private inFlight = 0;
  private queued = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private writableWaiters: (() => void)[] = [];

  /** Creates an open dispatcher. */
  constructor(private readonly options: DispatcherOptions<T>) {
    this.concurrency = positive(options.concurrency, 8, "concurrency");
    this.maxQueuePerKey = positive(options.maxQueuePerKey, 100, "maxQueuePerKey");
    this.maxQueued = positive(options.maxQueued, this.concurrency * this.maxQueuePerKey, "maxQueued");
    this.slowAfterMs = positive(options.slowAfterMs, 30_000, "slowAfterMs");
  }

  /** Queues an item behind the others of its key (never dropped); "closed" after drain. */
  push(item: T): PushResult {
    if (this.closed) return "closed";
    const key = this.options.keyOf(item);
    let queue = this.queues.get(key);
    if (queue === undefined) {
      queue = [];
      this.queues.set(key, queue);
    }
    queue.push(item);
    this.queued += 1;
    if (queue.length > this.maxQueuePerKey) this.noteBacklog(key, queue.length);
    if (!this.busy.has(key) && queue.length === 1) this.ready.push(key);
    this.pump();
    return "queued";
  }

  /** Resolves once fewer than maxQueued items wait (at once when they do, or after drain). */
  whenWritable(): Promise<void> {
    if (this.queued < this.maxQueued || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.writableWaiters.push(resolve));
  }

  /** Stops taking work, abandons queued items and waits up to timeoutMs for running ones to finish. */
  async drain(timeoutMs: number): Promise<DrainResult> {
    this.closed = true;
    let abandoned = 0;
    for (const [key, queue] of this.queues) {
      abandoned += queue.length;
      if (!this.busy.has(key)) this.queues.delete(key);
      else queue.length = 0;
    }
    this.queued = 0;
    this.ready.length = 0;
    this.wakeWriters();
    if (this.inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([idle, timeout]);
      clearTimeout(timer);
    }
    if (abandoned > 0) this.options.log.warn({ abandoned }, "dispatcher drained with queued messages left unhandled");
    return { completed: this.inFlight === 0, running: this.inFlight, abandoned };
  }

  /** Current counts: running items, queued items, keys with work. */
  stats(): DispatcherStats {
    return { running: this.inFlight, queued: this.queued, keys: this.queues.size };
  }

  private pump(): void {
    while (this.slots < this.concurrency && this.ready.length > 0) {
      const key = this.ready.shift()!;
      const item = this.queues.get(key)!.shift()!;
      this.queued -= 1;
      void this.start(key, item);
    }
    if (this.queued < this.maxQueued) this.wakeWriters();
  }

  private wakeWriters(): void {
    if (this.writableWaiters.length === 0) return;
    const waiters = this.writableWaiters;
    this.writableWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async start(key: string, item: T): Promise<void> {
    this.busy.add(key);
    this.slots += 1;
    this.inFlight += 1;
    let holdsSlot = true;
    const release = () => {
      if (!holdsSlot) return;
      holdsSlot = false;
      this.slots -= 1;
    };
    const started = Date.now();
    const slow = setTimeout(() => {
      this.options.log.warn({ chat: key, ms: Date.now() - started }, "slow handler: its chat waits, other chats go on");
      release();
      this.pump();
    }, this.slowAfterMs);
    slow.unref();
    try {
      await this.options.process(item);
    } catch (err) {
      this.options.log.error({ chat: key, err }, "message processing failed");
    } finally {
      clearTimeout(slow);
      release();
      this.inFlight -= 1;
      this.finish(key);
    }
  }

  private finish(key: string): void {
    this.busy.delete(key);
    const queue = this.queues.get(key);
    if (queue !== undefined && queue.length > 0) {
      this.ready.push(key);
    } else {
      this.queues.delete(key);
      this.endBacklog(key);
    }
    this.pump();
    if (this.inFlight === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private noteBacklog(key: string, length: number): void {
    const peak = this.backlogged.get(key);
    if (peak === undefined) this.options.log.info({ chat: key, limit: this.maxQueuePerKey }, "chat queue long: its handlers fall behind (nothing is dropped)");
    if (peak === undefined || length > peak) this.backlogged.set(key, length);
  }

  private endBacklog(key: string): void {
    const peak = this.backlogged.get(key);
    if (peak === undefined) return;
    this.backlogged.delete(key);
    this.options.log.info({ chat: key, peak }, "chat queue caught up");
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  return value;
}
