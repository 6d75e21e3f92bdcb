import { Api, type TelegramClient } from "telegram";
import { rpcErrorName } from "../../errors.js";
import { attemptsLeft, type Credentials, DEFAULT_ATTEMPTS, explainLoginError, LoginError, type LoginIO, userOf } from "./loginError.js";
import { checkTwoFactor } from "./password.js";

/** A phone number as typed ("+1 555 123-4567") reduced to its digits, or undefined when it cannot be one. */
export function normalizePhone(text: string): string | undefined {
  const digits = text.replace(/[\s().-]/g, "").replace(/^\+/, "");
  return /^\d{5,15}$/.test(digits) ? digits : undefined;
}

/** Where Telegram says it sent the code, for the prompt. */
export function describeCodeType(type: Api.auth.TypeSentCodeType): string {
  if (type instanceof Api.auth.SentCodeTypeApp) return "to your Telegram app (look for a message from Telegram on a device where you are logged in)";
  if (type instanceof Api.auth.SentCodeTypeSms || type instanceof Api.auth.SentCodeTypeSmsWord || type instanceof Api.auth.SentCodeTypeSmsPhrase)
    return "by SMS";
  if (type instanceof Api.auth.SentCodeTypeFirebaseSms) return "by SMS";
  if (type instanceof Api.auth.SentCodeTypeCall) return "by a phone call";
  if (type instanceof Api.auth.SentCodeTypeFlashCall || type instanceof Api.auth.SentCodeTypeMissedCall)
    return "as a missed call (the code is the last digits of the calling number)";
  if (type instanceof Api.auth.SentCodeTypeEmailCode) return "to your login email";
  if (type instanceof Api.auth.SentCodeTypeFragmentSms) return "through Fragment";
  return "";
}

/**
 * auth.sentCodeTypeSetUpEmailRequired: Telegram sends no code until the account has a login email
 * (core.telegram.org/api/auth, "Email verification"); setting one up is done in an official app.
 */
export const SET_UP_EMAIL_REQUIRED =
  "Telegram wants this account to set up a login email before it can log in here, and sent no code: add one in an official Telegram app " +
  "(Settings → Privacy and Security → Login Email), then run `npm run login` again.";

/** Errors of a wrong phone number: ask again. */
const BAD_PHONE = new Set(["PHONE_NUMBER_INVALID", "PHONE_NUMBER_UNOCCUPIED"]);
/** Errors of a wrong code: ask again. */
const BAD_CODE = new Set(["PHONE_CODE_INVALID", "PHONE_CODE_EMPTY"]);

interface CodeRequest {
  readonly phone: string;
  readonly sent: Api.auth.TypeSentCode;
}

/**
 * Logs a user in with a phone number and the code Telegram sends (auth.sendCode, auth.signIn), then the
 * two-step verification password when the account has one. Wrong numbers, codes and passwords are asked
 * again up to `attempts` times each; an expired code is replaced by a new one; flood waits say how long.
 */
export async function loginWithCode(client: TelegramClient, credentials: Credentials, io: LoginIO, attempts = DEFAULT_ATTEMPTS): Promise<Api.TypeUser> {
  const request = await requestCode(client, credentials, io, attempts);
  if (request.sent instanceof Api.auth.SentCodeSuccess) return userOf(request.sent.authorization);
  const { phone } = request;
  let sent: Api.auth.SentCode = request.sent;
  if (sent.type instanceof Api.auth.SentCodeTypeSetUpEmailRequired) throw new LoginError(SET_UP_EMAIL_REQUIRED);
  const where = describeCodeType(sent.type);
  io.say(`Telegram sent a login code${where === "" ? "" : ` ${where}`}.`);
  for (let attempt = 1; ; attempt += 1) {
    const retry = (why: string, cause?: unknown) => {
      if (attempt >= attempts) throw new LoginError(`Wrong login code ${attempts} times: run the login again to get a new code.`, { cause });
      io.say(`${why}; try again (${attemptsLeft(attempts - attempt)}).`);
    };
    const code = (await io.prompter.text("Login code:")).replace(/[\s-]/g, "");
    if (!/^\d{3,10}$/.test(code)) {
      retry("The code is the digits Telegram sent, e.g. 12345");
      continue;
    }
    try {
      return userOf(await client.invoke(new Api.auth.SignIn({ phoneNumber: phone, phoneCodeHash: sent.phoneCodeHash, phoneCode: code })));
    } catch (error) {
      const name = rpcErrorName(error);
      if (name === "SESSION_PASSWORD_NEEDED") return checkTwoFactor(client, io, attempts);
      if (BAD_CODE.has(name ?? "")) {
        retry("That code is wrong", error);
      } else if (name === "PHONE_CODE_EXPIRED") {
        retry("That code has expired and Telegram is sending a new one", error);
        const again = await sendCode(client, credentials, phone).catch((failure: unknown) => Promise.reject(explainLoginError(failure)));
        if (again instanceof Api.auth.SentCodeSuccess) return userOf(again.authorization);
        sent = again;
      } else {
        throw explainLoginError(error);
      }
    }
  }
}

/** Asks for the phone number until Telegram accepts it and sends a code. */
async function requestCode(client: TelegramClient, credentials: Credentials, io: LoginIO, attempts: number): Promise<CodeRequest> {
  for (let attempt = 1; ; attempt += 1) {
    const retry = (why: string, cause?: unknown) => {
      if (attempt >= attempts) throw new LoginError(`No valid phone number after ${attempts} tries: run the login again.`, { cause });
      io.say(`${why}; type it with the country code, e.g. +15551234567 (${attemptsLeft(attempts - attempt)}).`);
    };
    const phone = normalizePhone(await io.prompter.text("Phone number (international format, e.g. +15551234567):"));
    if (phone === undefined) {
      retry("That is not a phone number");
      continue;
    }
    try {
      return { phone, sent: await sendCode(client, credentials, phone) };
    } catch (error) {
      const name = rpcErrorName(error);
      if (name === undefined || !BAD_PHONE.has(name)) throw explainLoginError(error);
      retry(`Telegram does not accept that number (${name})`, error);
    }
  }
}

function sendCode(client: TelegramClient, credentials: Credentials, phone: string): Promise<Api.auth.TypeSentCode> {
  return client.invoke(
    new Api.auth.SendCode({ phoneNumber: phone, apiId: credentials.apiId, apiHash: credentials.apiHash, settings: new Api.CodeSettings({}) }),
  );
}
