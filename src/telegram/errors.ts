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

/** True when the error says the session was revoked, expired or the account is gone: the user must log in again. */
export function isRevokedError(error: unknown): boolean {
  const name = rpcErrorName(error);
  return name !== undefined && REVOKED_ERRORS.has(name);
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
