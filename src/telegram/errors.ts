/** Reading Telegram's RPC errors as GramJS raises them. */
import { rpcErrorName } from "../errors.js";

/** Error names meaning the session's authorization is gone for good (core.telegram.org/api/errors, 401). */
export const REVOKED_ERRORS: ReadonlySet<string> = new Set([
  "AUTH_KEY_UNREGISTERED",
  "AUTH_KEY_INVALID",
  "AUTH_KEY_PERM_EMPTY",
  "SESSION_REVOKED",
  "SESSION_EXPIRED",
  "USER_DEACTIVATED",
  "USER_DEACTIVATED_BAN",
]);

/**
 * 406 AUTH_KEY_DUPLICATED: the same session (auth key) was used from two places at once, and Telegram
 * invalidated it; it cannot be used again (core.telegram.org/api/errors lists it among the 406 errors;
 * Telethon's error list: "The authorization key (session file) was used under two different IP addresses
 * simultaneously, and can no longer be used. Use the same session exclusively, or use different sessions.").
 */
export const DUPLICATED_ERROR = "AUTH_KEY_DUPLICATED";

/** True when the error says the session was revoked, expired, duplicated or the account is gone: the user must log in again. */
export function isRevokedError(error: unknown): boolean {
  const name = rpcErrorName(error);
  return name !== undefined && (REVOKED_ERRORS.has(name) || name === DUPLICATED_ERROR);
}

/** True for AUTH_KEY_DUPLICATED (see DUPLICATED_ERROR). */
export function isDuplicatedError(error: unknown): boolean {
  return rpcErrorName(error) === DUPLICATED_ERROR;
}

/** A wait in words: "45 s", "3 min 20 s", "2 h 5 min". */
export function formatWait(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes > 0) return rest > 0 ? `${minutes} min ${rest} s` : `${minutes} min`;
  return `${rest} s`;
}
