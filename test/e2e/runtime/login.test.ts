/**
 * The login flows against the emulator over TCP, with real GramJS: code, 2FA with the hint shown, wrong
 * code / password then right, phone numbers Telegram refuses, flood waits, QR login, bot tokens; and the
 * saved session string signs a new client in without any prompt.
 */

import { Api, type TelegramClient } from "telegram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/log.js";
import { createTelegramClient, sessionString } from "../../../src/telegram/client.js";
import { loginBot } from "../../../src/telegram/login/bot.js";
import { loginWithCode } from "../../../src/telegram/login/code.js";
import { LoginError, type LoginIO } from "../../../src/telegram/login/loginError.js";
import { loginWithQr, qrLoginUrl } from "../../../src/telegram/login/qr.js";
import { preSharedSession, startWorld, type World } from "../../kit/world.js";

let world: World;
const quiet = createLogger({ level: "silent" });
const clients: TelegramClient[] = [];

/** A connected client on a fresh, not yet signed-in auth key (no handshake: the key is pre-shared). */
async function freshClient(): Promise<TelegramClient> {
  const client = createTelegramClient(world.config(), await preSharedSession(world.emu), quiet);
  clients.push(client);
  await client.connect();
  return client;
}

/** An answer, or a function that looks it up when asked (e.g. the code the emulator sent). */
type Answer = string | (() => Promise<string>);

/** Scripted answers, what was asked and what the flow said. */
function scripted(answers: Answer[]): LoginIO & { asked: string[]; said: string[] } {
  const said: string[] = [];
  const asked: string[] = [];
  const next = async (question: string) => {
    asked.push(question);
    const answer = answers.shift();
    if (answer === undefined) throw new Error(`unexpected question: ${question}`);
    return typeof answer === "string" ? answer : answer();
  };
  return {
    prompter: { text: async (question) => (await next(question)).trim(), password: next, close: () => {} },
    say: (line) => void said.push(line),
    said,
    asked,
  };
}

/** A second, logged-in device accepts the QR token; the emulator pushes updateLoginToken to the waiting client. */
async function acceptAndNotify(userId: string, url: string): Promise<void> {
  await world.control.acceptQr(userId, Buffer.from(url.slice("tg://login?token=".length), "base64url"));
}

function idOf(user: Api.TypeUser): string {
  return user.id.toString();
}

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.destroy()));
  await world?.stop();
});

describe("login with a code", () => {
  it("signs in a test number with its code and saves a session that reconnects without prompts", async () => {
    const olivia = await world.control.createUser({ firstName: "Olivia", username: "olivia_login", phone: "9996621101" });
    const client = await freshClient();
    const io = scripted(["+999 662 1101", "22222"]);
    const user = await loginWithCode(client, world.config(), io);
    expect(idOf(user)).toBe(olivia.id);
    expect(io.asked).toEqual(["Phone number (international format, e.g. +15551234567):", "Login code:"]);
    expect(io.said).toEqual(["Telegram sent a login code by SMS."]);

    const again = createTelegramClient(world.config(), sessionString(client), quiet);
    clients.push(again);
    await again.connect();
    expect(idOf(await again.getMe())).toBe(olivia.id);
  });

  it("asks again after a wrong code and after text that is not a code", async () => {
    const dana = await world.control.createUser({ firstName: "Dana", phone: "15550001111" });
    const client = await freshClient();
    const sentCode = async () => (await world.control.loginCode("15550001111")).code;
    const wrongCode = async () => ((Number(await sentCode()) + 1) % 100_000).toString().padStart(5, "0");
    const io = scripted(["15550001111", wrongCode, "twelve", sentCode]);
    expect(idOf(await loginWithCode(client, world.config(), io))).toBe(dana.id);
    expect(io.said).toEqual([
      "Telegram sent a login code by SMS.",
      "That code is wrong; try again (2 attempts left).",
      "The code is the digits Telegram sent, e.g. 12345; try again (1 attempt left).",
    ]);
  });

  it("gives up after three wrong codes with a clear message", async () => {
    await world.control.createUser({ firstName: "Eve", phone: "9996621102" });
    const client = await freshClient();
    const io = scripted(["9996621102", "11111", "33333", "44444"]);
    await expect(loginWithCode(client, world.config(), io)).rejects.toThrow(new LoginError("Wrong login code 3 times: run the login again to get a new code."));
  });

  it("asks for the 2FA password showing the hint, and again after a wrong one", async () => {
    const frank = await world.control.createUser({ firstName: "Frank", phone: "9996621103", password: "correct horse", passwordHint: "stable animal" });
    const client = await freshClient();
    const io = scripted(["9996621103", "22222", "wrong horse", "", "correct horse"]);
    const user = await loginWithCode(client, world.config(), io);
    expect(idOf(user)).toBe(frank.id);
    expect(io.asked.slice(2)).toEqual([
      "Two-step verification password (hint: stable animal):",
      "Two-step verification password (hint: stable animal):",
      "Two-step verification password (hint: stable animal):",
    ]);
    expect(io.said.slice(1)).toEqual(["Wrong password; try again (2 attempts left).", "The password cannot be empty; try again (1 attempt left)."]);
  });

  it("asks again for a phone number that is malformed or refused", async () => {
    await world.control.createUser({ firstName: "Gus", phone: "9996621104" });
    await world.control.addFault({ method: "auth.SendCode", error: "PHONE_NUMBER_INVALID", count: 1 });
    const client = await freshClient();
    const io = scripted(["call me maybe", "+1 555 0000", "9996621104", "22222"]);
    await loginWithCode(client, world.config(), io);
    expect(io.said.slice(0, 2)).toEqual([
      "That is not a phone number; type it with the country code, e.g. +15551234567 (2 attempts left).",
      "Telegram does not accept that number (PHONE_NUMBER_INVALID); type it with the country code, e.g. +15551234567 (1 attempt left).",
    ]);
  });

  it("says how long a FLOOD_WAIT lasts", async () => {
    await world.control.addFault({ method: "auth.SendCode", error: "FLOOD_WAIT_125", count: 1 });
    const client = await freshClient();
    await expect(loginWithCode(client, world.config(), scripted(["9996621105"]))).rejects.toThrow(
      "Telegram asks to wait 2 min 5 s before the next login attempt (FLOOD_WAIT_125). Try again after that.",
    );
  });

  it("explains that a number without an account must sign up in an official app", async () => {
    const client = await freshClient();
    await expect(loginWithCode(client, world.config(), scripted(["9996621199", "22222"]))).rejects.toThrow(
      /has no Telegram account yet: sign up in an official Telegram app/,
    );
  });
});

describe("QR login", () => {
  it("shows a tg://login link and signs in once a logged-in device accepts it", async () => {
    const hana = await world.control.createUser({ firstName: "Hana", phone: "9996621106" });
    const client = await freshClient();
    const shown: string[] = [];
    const user = await loginWithQr(client, world.config(), scripted([]), (url) => {
      shown.push(url);
      expect(qrLoginUrl(Buffer.from(url.slice("tg://login?token=".length), "base64url"))).toBe(url);
      void acceptAndNotify(hana.id, url);
    });
    expect(idOf(user)).toBe(hana.id);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatch(/^tg:\/\/login\?token=[A-Za-z0-9_-]+$/);
  });

  it("asks for the 2FA password after the scan when the account has one", async () => {
    const ivan = await world.control.createUser({ firstName: "Ivan", phone: "9996621107", password: "pw-ivan", passwordHint: "usual" });
    const client = await freshClient();
    const io = scripted(["pw-ivan"]);
    const user = await loginWithQr(client, world.config(), io, (url) => void acceptAndNotify(ivan.id, url));
    expect(idOf(user)).toBe(ivan.id);
    expect(io.asked).toEqual(["Two-step verification password (hint: usual):"]);
  });
});

describe("bot login", () => {
  it("imports a bot token and refuses a wrong one clearly", async () => {
    const bot = await world.control.createUser({ firstName: "Helper", username: "helper_login_bot", bot: true });
    const client = await freshClient();
    const user = await loginBot(client, world.config(), bot.botToken!);
    expect(user).toBeInstanceOf(Api.User);
    expect(idOf(user)).toBe(bot.id);
    expect((user as Api.User).bot).toBe(true);

    const other = await freshClient();
    const forged = `${bot.id}:${"x".repeat(35)}`;
    await expect(loginBot(other, world.config(), forged)).rejects.toThrow(
      "Telegram refused the bot token (ACCESS_TOKEN_INVALID): copy it again from @BotFather.",
    );
  });
});
