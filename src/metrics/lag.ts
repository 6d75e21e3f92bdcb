/**
 * How far behind the handlers are: the age (now − its date) of the last message whose handlers finished,
 * while messages still wait or run; 0 when nothing waits. During a catch-up it is how old the caught-up
 * messages being handled are; live, a second or two at most.
 */

/** Notes handled messages' dates and answers the lag in seconds. */
export class LagTracker {
  private lastDate: number | undefined;

  /** Notes a handled message's date (Unix seconds). */
  handled(date: number): void {
    this.lastDate = date;
  }

  /** Seconds behind, given how many messages wait or run now and the time (Unix seconds). */
  seconds(pending: number, now: number = Date.now() / 1000): number {
    if (pending === 0 || this.lastDate === undefined) return 0;
    return Math.max(0, Math.round(now - this.lastDate));
  }
}
