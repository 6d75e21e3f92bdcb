/**
 * Promises settled from outside, for driving concurrency without sleeps: a deferred (a promise with its
 * resolve and reject) and a countdown (a promise that resolves after a number of ticks).
 */

/** A promise with its resolve and reject functions. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * A promise with its resolve function, for driving concurrency without sleeps.
 *
 * @example
 * const started = deferred();
 * handler = async () => { started.resolve(); ... };
 * await started.promise;
 */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A promise that resolves once tick() was called `count` times. */
export interface Countdown {
  tick(): void;
  readonly done: Promise<void>;
  /** Ticks so far. */
  readonly ticks: number;
}

/** Resolves `done` after `count` calls of tick() (at once for a count of 0). */
export function countdown(count: number): Countdown {
  const finished = deferred();
  let ticks = 0;
  if (count <= 0) finished.resolve();
  return {
    tick() {
      ticks += 1;
      if (ticks === count) finished.resolve();
    },
    done: finished.promise,
    get ticks() {
      return ticks;
    },
  };
}
