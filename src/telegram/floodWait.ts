import { floodWaitSeconds } from "../errors.js";
import { FloodWaitError } from "../handlers/errors.js";

/** When to sleep through a flood wait and when to give up. */
export interface FloodWaitPolicy {
  /** Waits up to this many seconds are slept and retried; longer ones raise FloodWaitError. */
  readonly maxSleepSeconds: number;
  /** How many times one call is retried after a flood wait. */
  readonly maxRetries: number;
  /** Sleep function (tests inject a fake); setTimeout by default. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called before each sleep, e.g. to log it. */
  readonly onWait?: (wait: { method: string; seconds: number; attempt: number }) => void;
}

/** Sleeps through waits of up to 60 s (like GramJS's default floodSleepThreshold), at most 3 times per call. */
export const DEFAULT_FLOOD_POLICY: FloodWaitPolicy = { maxSleepSeconds: 60, maxRetries: 3 };

/** Runs the call, sleeping and retrying on short flood waits; long ones (or too many) raise FloodWaitError. */
export async function withFloodWait<T>(method: string, call: () => Promise<T>, policy: FloodWaitPolicy = DEFAULT_FLOOD_POLICY): Promise<T> {
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (error instanceof FloodWaitError) throw error;
      const seconds = floodWaitSeconds(error);
      if (seconds === undefined) throw error;
      if (seconds > policy.maxSleepSeconds || attempt > policy.maxRetries) {
        throw new FloodWaitError(seconds, method, { cause: error });
      }
      policy.onWait?.({ method, seconds, attempt });
      await sleep(seconds * 1000);
    }
  }
}
