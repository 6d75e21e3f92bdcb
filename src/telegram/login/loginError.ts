import type { Api } from "telegram";
import { floodWaitSeconds, rpcErrorName, UserError } from "../../errors.js";
import { formatWait } from "../errors.js";
import type { Prompter } from "../prompter.js";

/** A login that cannot go on; the message is the one line to print. */
export class LoginError extends UserError {
  /** Creates the error with the line to print. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, undefined, options);
  }
}

/** The app's api_id and api_hash, sent with auth requests. */
export interface Credentials {
  readonly apiId: number;
  readonly apiHash: string;
}

/** How a login flow talks to the person: questions through the prompter, remarks through `say`. */
export interface LoginIO {
  readonly prompter: Prompter;
  /** Writes one line for the person (never a secret). */
  say(line: string): void;
}

/** Wrong answers accepted before a login step gives up. */
export const DEFAULT_ATTEMPTS = 3;

const FATAL: Record<string, string> = {
  PHONE_NUMBER_BANNED: "Telegram has banned this phone number (PHONE_NUMBER_BANNED).",
  PHONE_NUMBER_FLOOD: "Too many login attempts for this number: Telegram blocks it for a while (PHONE_NUMBER_FLOOD). Try again later.",
  PHONE_PASSWORD_FLOOD: "Too many login attempts: Telegram blocks this account's logins for a while (PHONE_PASSWORD_FLOOD). Try again later.",
  API_ID_INVALID: "Telegram refused TELEGRAM_API_ID / TELEGRAM_API_HASH (API_ID_INVALID): copy both again from my.telegram.org.",
  API_ID_PUBLISHED_FLOOD:
    "This api_id was published somewhere and Telegram no longer accepts it (API_ID_PUBLISHED_FLOOD): create a new app at my.telegram.org.",
  ACCESS_TOKEN_INVALID: "Telegram refused the bot token (ACCESS_TOKEN_INVALID): copy it again from @BotFather.",
  ACCESS_TOKEN_EXPIRED: "The bot token was revoked (ACCESS_TOKEN_EXPIRED): get a new one from @BotFather with /token.",
  AUTH_TOKEN_EXPIRED: "The QR code expired before it was accepted (AUTH_TOKEN_EXPIRED): run the login again.",
  AUTH_TOKEN_INVALID: "The QR login token was refused (AUTH_TOKEN_INVALID): run the login again.",
};

/** The LoginError to show for a Telegram error that ends a login (flood waits say how long), or the error itself. */
export function explainLoginError(error: unknown): Error {
  if (error instanceof LoginError) return error;
  const seconds = floodWaitSeconds(error);
  if (seconds !== undefined) {
    return new LoginError(`Telegram asks to wait ${formatWait(seconds)} before the next login attempt (FLOOD_WAIT_${seconds}). Try again after that.`, {
      cause: error,
    });
  }
  const name = rpcErrorName(error);
  if (name !== undefined && FATAL[name] !== undefined) return new LoginError(FATAL[name], { cause: error });
  if (name !== undefined) return new LoginError(`Login failed: Telegram answered ${name}.`, { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}

/** The signed-in user of an authorization answer. */
export function userOf(authorization: Api.auth.TypeAuthorization): Api.TypeUser {
  if (!("user" in authorization))
    throw new LoginError("This phone number has no Telegram account yet: sign up in an official Telegram app first, then log in here.");
  return authorization.user;
}

/** "N attempts left" for a retry message. */
export function attemptsLeft(left: number): string {
  return `${left} attempt${left === 1 ? "" : "s"} left`;
}
