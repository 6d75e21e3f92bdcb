/**
 * Opening the saved session `npm start` runs on: load it, connect, check it is still signed in. In bot
 * mode (TELEGRAM_BOT_TOKEN) a missing, unusable or revoked session is replaced by importing the token,
 * and the new session is saved so the next start does not import it again.
 */
import { Api, type TelegramClient } from "telegram";
import { UserError } from "../errors.js";
import { type Logger, secrets } from "../log.js";
import { botIdOf } from "./botToken.js";
import { createTelegramClient, sessionString } from "./client.js";
import type { TelegramConfig } from "./config.js";
import { isDuplicatedError, isRevokedError } from "./errors.js";
import { followDcSwitches } from "./internals.js";
import { loginBot } from "./login/bot.js";
import { SessionError, type SessionStore } from "./sessionStore.js";

export { chooseSessionName } from "./sessionName.js";

/** A connected client and the account it is signed in as. */
export interface OpenSession {
  readonly client: TelegramClient;
  readonly user: Api.User;
}

/** Connects with the saved session `name`; in bot mode logs the bot in with its token when that session cannot be used. */
export async function openSession(config: TelegramConfig, store: SessionStore, name: string, log: Logger): Promise<OpenSession> {
  const token = config.botToken;
  if (token === undefined) return connectSaved(config, store, name, log);
  let saved: OpenSession | undefined;
  try {
    saved = await connectSaved(config, store, name, log);
  } catch (error) {
    if (!(error instanceof SessionError)) throw error;
    if (error.problem === "invalid-name") throw error;
    log.info({ sessionName: name, problem: error.problem, keptAs: error.keptAs }, "bot session unusable; logging the bot in with TELEGRAM_BOT_TOKEN");
  }
  if (saved !== undefined) {
    if (saved.user.id.toString() === botIdOf(token)) return saved;
    await saved.client.destroy();
    throw new UserError(
      `Session "${name}" is signed in as ${describe(saved.user)}, not as the bot of TELEGRAM_BOT_TOKEN: ` +
        "choose another session name with --session or TELEGRAM_SESSION, or unset TELEGRAM_BOT_TOKEN.",
    );
  }
  return importBotToken(config, store, name, token, log);
}

/** Connects with a saved session and checks it is signed in; revoked sessions are kept aside and reported. */
async function connectSaved(config: TelegramConfig, store: SessionStore, name: string, log: Logger): Promise<OpenSession> {
  const saved = store.load(name);
  secrets.add(saved);
  const client = createTelegramClient(config, saved, log);
  saveOnDcSwitch(client, store, name, log);
  try {
    await client.connect();
    const user = await client.getMe();
    if (!(user instanceof Api.User)) throw new Error("users.getUsers did not return the account itself");
    return { client, user };
  } catch (error) {
    await client.destroy();
    if (isRevokedError(error)) throw store.revoked(name, isDuplicatedError(error));
    throw error;
  }
}

/** Logs the bot in with its token on a fresh session and saves it. */
async function importBotToken(config: TelegramConfig, store: SessionStore, name: string, token: string, log: Logger): Promise<OpenSession> {
  const client = createTelegramClient(config, "", log);
  try {
    await client.connect();
    await loginBot(client, config, token);
    const user = await client.getMe();
    if (!(user instanceof Api.User)) throw new Error("users.getUsers did not return the bot itself");
    const saved = sessionString(client);
    secrets.add(saved);
    store.save(name, saved);
    saveOnDcSwitch(client, store, name, log);
    log.info({ sessionName: name, path: store.pathOf(name) }, "bot logged in with its token; session saved");
    return { client, user };
  } catch (error) {
    await client.destroy();
    throw error;
  }
}

/**
 * Telegram moved the account to another DC (USER_MIGRATE) and the client followed with its authorization
 * (internals.ts, followDcSwitches): the session file is rewritten with the new DC and key, so the next start
 * connects there.
 */
function saveOnDcSwitch(client: TelegramClient, store: SessionStore, name: string, log: Logger): void {
  followDcSwitches(client, (dcId) => {
    const moved = sessionString(client);
    secrets.add(moved);
    store.save(name, moved);
    log.info({ sessionName: name, dcId }, `Telegram moved the account to DC ${dcId}; followed it and saved the session`);
  });
}

/** "@name (id 42)" or "First (id 42)". */
export function describe(user: Api.User): string {
  const name = user.username ? `@${user.username}` : [user.firstName, user.lastName].filter(Boolean).join(" ") || "an account";
  return `${name} (id ${user.id.toString()})`;
}
