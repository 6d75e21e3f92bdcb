/**
 * Server salts (https://core.telegram.org/mtproto/description#server-salt): one salt per auth key
 * and time window, derived from a server secret so future salts need no storage. A salt stays
 * accepted for 300 seconds after its window ends, as the protocol asks.
 */
import { createHmac } from "node:crypto";

/** Length of one salt's validity window, in seconds. */
export const SALT_WINDOW = 3600;
/** How long an old salt is still accepted after its window, in seconds. */
export const SALT_GRACE = 300;

/** One entry of future_salts. */
export interface FutureSalt {
  validSince: number;
  validUntil: number;
  salt: bigint;
}

/** Derives the salts of auth keys from a secret. */
export class SaltSchedule {
  constructor(private readonly secret: Buffer) {}

  /** The salt of `authKeyId` (8 bytes) for window number `window`. */
  saltFor(authKeyId: Buffer, window: number): bigint {
    const mac = createHmac("sha256", this.secret).update(authKeyId).update(String(window)).digest();
    return mac.readBigInt64LE(0);
  }

  /** The window a unix time falls in. */
  windowAt(unixSeconds: number): number {
    return Math.floor(unixSeconds / SALT_WINDOW);
  }

  /** Whether `salt` is acceptable for the key at `unixSeconds`: the current one, or the previous within the grace period. */
  accepts(authKeyId: Buffer, salt: bigint, unixSeconds: number): boolean {
    const w = this.windowAt(unixSeconds);
    if (salt === this.saltFor(authKeyId, w)) return true;
    return unixSeconds - w * SALT_WINDOW < SALT_GRACE && salt === this.saltFor(authKeyId, w - 1);
  }

  /** `count` salts starting with the current window. */
  future(authKeyId: Buffer, unixSeconds: number, count: number): FutureSalt[] {
    const w = this.windowAt(unixSeconds);
    const out: FutureSalt[] = [];
    for (let i = 0; i < count; i++) {
      out.push({
        validSince: (w + i) * SALT_WINDOW,
        validUntil: (w + i + 1) * SALT_WINDOW,
        salt: this.saltFor(authKeyId, w + i),
      });
    }
    return out;
  }
}
