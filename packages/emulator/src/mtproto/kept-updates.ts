/**
 * Updates kept for a session whose connection is down, delivered when the same session (auth key +
 * session_id) comes back on a new connection. The session, not the connection, is what a message is
 * meant for: "The session is attached to the client device (the application, to be more exact) rather
 * than a specific http/https/tcp connection ... in no case can a message be returned through a connection
 * belonging to a different session" (https://core.telegram.org/mtproto, "High-Level Component").
 *
 * How many Telegram keeps is not documented; the server "may unilaterally forget any client sessions"
 * (https://core.telegram.org/mtproto/description#session). Here a session keeps at most `maxUpdates`
 * serialized Updates (and `maxBytes`); past either bound they are dropped and the session gets a single
 * updatesTooLong when it comes back, which tells a client to fetch the difference
 * (https://core.telegram.org/constructor/updatesTooLong). Sessions are forgotten, kept updates with them,
 * after the server's idle time (server.ts).
 */

/** Default bounds on what one session keeps. */
export const KEPT_UPDATES_LIMITS = { maxUpdates: 1000, maxBytes: 8 * 1024 * 1024 } as const;

/** What one session keeps while it has no connection. */
export class KeptUpdates {
  private bodies: Buffer[] = [];
  private bytes = 0;
  private overflowed = false;

  constructor(private readonly limits: { maxUpdates: number; maxBytes: number } = KEPT_UPDATES_LIMITS) {}

  /** Keeps one serialized Updates object; past the bounds everything kept is dropped for updatesTooLong. */
  keep(body: Buffer): void {
    if (this.overflowed) return;
    if (this.bodies.length + 1 > this.limits.maxUpdates || this.bytes + body.length > this.limits.maxBytes) {
      this.bodies = [];
      this.bytes = 0;
      this.overflowed = true;
      return;
    }
    this.bodies.push(body);
    this.bytes += body.length;
  }

  /** Updates kept so far. */
  get size(): number {
    return this.bodies.length;
  }

  /** Takes what is kept, in order: the bodies, or "tooLong" when the bounds were passed. */
  take(): Buffer[] | "tooLong" {
    const taken: Buffer[] | "tooLong" = this.overflowed ? "tooLong" : this.bodies;
    this.bodies = [];
    this.bytes = 0;
    this.overflowed = false;
    return taken;
  }
}
