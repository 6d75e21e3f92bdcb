/**
 * Waiting for a condition over state that events change (a message handled, an update received, a
 * line printed): the code that changes the state calls changed(), and every waiter whose condition
 * now holds is resolved. No polling, and a timeout that says what never happened.
 */

/** Default time a wait may take before it fails. */
export const WAIT_MS = 10_000;

/** Waiters on conditions, re-checked whenever the watched state changed. */
export class Watch {
  private readonly checks = new Set<() => void>();

  /**
   * Resolves once `condition` holds (at once when it already does); rejects after timeoutMs with
   * `what` (a function, to describe the state at that time).
   *
   * @example
   * const watch = new Watch();
   * source.on("update", (u) => { seen.push(u); watch.changed(); });
   * await watch.until(() => seen.length >= 2, () => `${seen.length} of 2 updates`);
   */
  until(condition: () => boolean, what: string | (() => string) = "the condition", timeoutMs = WAIT_MS): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.checks.delete(check);
        reject(new Error(`${typeof what === "function" ? what() : what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.checks.delete(check);
        resolve();
      };
      this.checks.add(check);
    });
  }

  /** Re-checks every waiting condition. */
  changed(): void {
    for (const check of [...this.checks]) check();
  }
}
