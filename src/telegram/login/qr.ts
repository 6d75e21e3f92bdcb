import { Api, type TelegramClient } from "telegram";
import { Raw } from "telegram/events/Raw.js";
import { rpcErrorName } from "../../errors.js";
import { switchDataCenter } from "../internals.js";
import { type Credentials, explainLoginError, LoginError, type LoginIO, userOf } from "./loginError.js";
import { checkTwoFactor } from "./password.js";

/** How long the QR login waits for a scan before giving up. */
export const QR_LOGIN_TIMEOUT_MS = 5 * 60_000;

/** The tg:// link a QR code encodes for a login token (core.telegram.org/api/qr-login). */
export function qrLoginUrl(token: Buffer): string {
  return `tg://login?token=${token.toString("base64url")}`;
}

/** What the QR login shows: the link to encode, until when it is valid. */
export type ShowQr = (url: string, expires: Date) => void;

/**
 * Logs a user in by QR code: exports a login token (auth.exportLoginToken), has `show` display it, and
 * waits for updateLoginToken, when a logged-in device accepted it; an expired token is replaced by a
 * fresh one. Follows auth.loginTokenMigrateTo to another DC and asks for the 2FA password when needed.
 */
export async function loginWithQr(
  client: TelegramClient,
  credentials: Credentials,
  io: LoginIO,
  show: ShowQr,
  timeoutMs = QR_LOGIN_TIMEOUT_MS,
): Promise<Api.TypeUser> {
  const accepted = new Signal();
  const builder = new Raw({ types: [Api.UpdateLoginToken] });
  const onAccepted = () => accepted.fire();
  client.addEventHandler(onAccepted, builder);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const answer = await exportToken(client, credentials);
      if (answer instanceof Api.auth.LoginTokenSuccess) return userOf(answer.authorization);
      if (answer instanceof Api.auth.LoginTokenMigrateTo) return await importElsewhere(client, answer);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new LoginError(`The QR code was not scanned within ${Math.round(timeoutMs / 60_000)} minutes: run the login again.`);
      const expires = new Date(answer.expires * 1000);
      show(qrLoginUrl(Buffer.from(answer.token)), expires);
      const validFor = Math.min(Math.max(answer.expires * 1000 - Date.now(), 1000), remaining);
      await accepted.wait(validFor);
    }
  } catch (error) {
    if (rpcErrorName(error) === "SESSION_PASSWORD_NEEDED") {
      io.say("The account has two-step verification.");
      return checkTwoFactor(client, io);
    }
    throw explainLoginError(error);
  } finally {
    accepted.cancel();
    client.removeEventHandler(onAccepted, builder);
  }
}

function exportToken(client: TelegramClient, credentials: Credentials): Promise<Api.auth.TypeLoginToken> {
  return client.invoke(new Api.auth.ExportLoginToken({ apiId: credentials.apiId, apiHash: credentials.apiHash, exceptIds: [] }));
}

/** The token was accepted by an account of another DC: move there and import it. */
async function importElsewhere(client: TelegramClient, migrate: Api.auth.LoginTokenMigrateTo): Promise<Api.TypeUser> {
  await switchDataCenter(client, migrate.dcId);
  const answer = await client.invoke(new Api.auth.ImportLoginToken({ token: migrate.token }));
  if (answer instanceof Api.auth.LoginTokenSuccess) return userOf(answer.authorization);
  throw new LoginError(`QR login failed: Telegram answered ${answer.className} after moving to DC ${migrate.dcId}.`);
}

/** Something waited for with a timeout: `wait` resolves when fired or when the time is up. */
class Signal {
  private fired = false;
  private wake: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  fire(): void {
    this.fired = true;
    this.wake?.();
  }

  wait(ms: number): Promise<void> {
    if (this.fired) {
      this.fired = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.wake = () => {
        this.cancel();
        this.fired = false;
        resolve();
      };
      this.timer = setTimeout(this.wake, ms);
    });
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.wake = undefined;
  }
}
