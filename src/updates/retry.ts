/**
 * Retries of catch-up's steps: a failed step is made again after a pause that doubles each time (1 s to
 * 30 s), until it succeeds or the retrier stops; a step whose call was abandoned because the connection came
 * back (ConnectionResetError) is made again at once, and the pauses start over. A FLOOD_WAIT_X is waited
 * once, X seconds, and logged: calling again sooner only meets the same wait
 * (core.telegram.org/api/errors, 420 FLOOD: "a wait of X seconds is required").
 */
import { floodWaitSeconds } from "../errors.js";
import type { Logger } from "../log.js";
import { ConnectionResetError } from "./calls.js";

/** The first pause after a failed step, and the longest. */
export const RETRY_FIRST_MS = 1000;
export const RETRY_MAX_MS = 30_000;

/** The pause after the failure of attempt `attempt` (0 for the first). */
export function retryDelayMs(attempt: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** attempt);
}

/** Runs `wake` after `ms` milliseconds; returns what cancels it (setTimeout by default; tests may run the clock faster). */
export type Schedule = (wake: () => void, ms: number) => () => void;

/** setTimeout as a Schedule. */
export const realTime: Schedule = (wake, ms) => {
  const timer = setTimeout(wake, ms);
  return () => clearTimeout(timer);
};

/** Runs steps until they succeed; `stop` ends every retry (a pause under way included). */
export class Retrier {
  private stopped = false;
  private readonly pauses = new Set<() => void>();

  /** Creates a retrier that logs each failure to `log` and pauses by `schedule`. */
  constructor(
    private readonly log: Logger,
    private readonly schedule: Schedule = realTime,
  ) {}

  /** Runs `step` (`what` it does, for the log) until it succeeds or the retrier stops. */
  async run(what: string, step: () => Promise<void>): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt += 1) {
      try {
        await step();
        return;
      } catch (err) {
        if (this.stopped) return;
        if (err instanceof ConnectionResetError) {
          attempt = -1;
          continue;
        }
        const seconds = floodWaitSeconds(err);
        if (seconds !== undefined) {
          this.log.warn({ seconds }, `flood wait: waiting ${seconds} s before trying to ${what} again`);
          await this.pause(seconds * 1000);
          attempt -= 1;
          continue;
        }
        const retryMs = retryDelayMs(attempt);
        this.log.warn({ err, retryMs }, `could not ${what}; retrying`);
        await this.pause(retryMs);
      }
    }
  }

  /** Stops: no step is made again, and pauses under way end now. */
  stop(): void {
    this.stopped = true;
    for (const wake of this.pauses) wake();
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      let cancel = () => {};
      const wake = () => {
        cancel();
        this.pauses.delete(wake);
        resolve();
      };
      this.pauses.add(wake);
      cancel = this.schedule(wake, ms);
    });
  }
}
