/**
 * Bringing a session string from another program (`npm run login -- --import-session`) and handing one to
 * another program (`--export-session`). A session string is the whole login of an account: it is read from
 * standard input only, never from the command line (where `ps` and shell history would keep it), and
 * printed only when explicitly asked, with a warning.
 */
import { Api } from "telegram";
import type { Logger } from "../../log.js";
import { secrets } from "../../log.js";
import { createTelegramClient, sessionString } from "../client.js";
import type { TelegramConfig } from "../config.js";
import { isDuplicatedError, isRevokedError } from "../errors.js";
import { parseSessionString, type SessionFormat, toGramjsString, toTelethonString } from "../sessionString.js";
import { explainLoginError, LoginError } from "./loginError.js";

/** Said on stderr before an exported session string. */
export const EXPORT_WARNING =
  "This session string is the whole login of the account: whoever has it can use the account with no code or password. " +
  "Keep it secret; if it leaks, end the session in Telegram (Settings → Devices).";

/** The formats --export-session writes. */
export const EXPORT_FORMATS: readonly SessionFormat[] = ["gramjs", "telethon"];

/** A session string as GramJS uses it, or a LoginError saying what was given instead. */
export function importedSessionString(text: string): string {
  const session = parseSessionString(text);
  if (session === undefined) {
    throw new LoginError(
      "That is not a session string: give the text GramJS's StringSession.save() or Telethon's StringSession.save() printed (it starts with 1), on standard input.",
    );
  }
  if (session.port > 32_767) throw new LoginError(`That session's server port ${session.port} cannot be used by GramJS (it stores ports up to 32767).`);
  return toGramjsString(session);
}

/** The saved session in the asked format; a LoginError when Telethon's cannot hold it (a host name). */
export function exportedSessionString(saved: string, format: SessionFormat): string {
  const session = parseSessionString(saved);
  if (session === undefined) throw new LoginError("The saved session cannot be read: log in again with `npm run login`.");
  if (format === "gramjs") return toGramjsString(session);
  try {
    return toTelethonString(session);
  } catch (error) {
    throw new LoginError(`${(error as Error).message}: export it with --format gramjs instead.`, { cause: error });
  }
}

/**
 * Connects with an imported session and checks it is signed in; resolves with the account and the session
 * string to save (as the client holds it). A session Telegram no longer accepts is a LoginError.
 */
export async function verifyImportedSession(config: TelegramConfig, session: string, log: Logger): Promise<{ user: Api.User; session: string }> {
  secrets.add(session);
  const client = createTelegramClient(config, session, log);
  try {
    await client.connect();
    const user = await client.getMe();
    if (!(user instanceof Api.User)) throw new Error("users.getUsers did not return the account itself");
    const saved = sessionString(client);
    secrets.add(saved);
    return { user, session: saved };
  } catch (error) {
    if (isDuplicatedError(error)) {
      throw new LoginError(
        "Telegram ended that session because it was used from two places at once (AUTH_KEY_DUPLICATED): log in with `npm run login` instead.",
        {
          cause: error,
        },
      );
    }
    if (isRevokedError(error)) {
      throw new LoginError("Telegram does not accept that session (it was logged out, revoked or never signed in): log in with `npm run login` instead.", {
        cause: error,
      });
    }
    throw explainLoginError(error);
  } finally {
    await client.destroy();
  }
}
