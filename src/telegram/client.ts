/**
 * The GramJS client a config asks for: api_id / api_hash, Telegram's servers (or a custom server only when
 * TELEGRAM_SERVER and TELEGRAM_SERVER_KEY are set), GramJS's own logger silenced (our logger reports
 * instead), flood waits handed to our policy, and reconnection without end.
 */
import { TelegramClient } from "telegram";
import { Logger as GramLogger, LogLevel } from "telegram/extensions/Logger.js";
import { StringSession } from "telegram/sessions/index.js";
import type { Logger } from "../log.js";
import type { TelegramConfig } from "./config.js";
import { customServerConnection, dcAddressBook, pointSessionAt, trustServerKey } from "./customServer.js";
import { type DcAddressBook, followDcSwitches, guardContainersOnConnect, useDcOptions } from "./internals.js";

/** How the client introduces itself to Telegram (shown in the account's list of active sessions). */
export const DEVICE_MODEL = "tg-userbot-toolkit";

/** Builds (does not connect) the client for a config and a saved session string ("" for a new login). */
export function createTelegramClient(config: TelegramConfig, session: string, log: Logger): TelegramClient {
  const stringSession = new StringSession(session);
  const server = config.server;
  let book: DcAddressBook | undefined;
  if (server !== undefined) {
    trustServerKey(server.publicKeyPem);
    book = dcAddressBook(stringSession, server.host, server.port);
    pointSessionAt(stringSession, server.host, server.port, book);
  }
  const client = new TelegramClient(stringSession, config.apiId, config.apiHash, {
    baseLogger: new GramLogger(LogLevel.NONE),
    connectionRetries: Infinity,
    reconnectRetries: Infinity,
    autoReconnect: true,
    retryDelay: 1000,
    floodSleepThreshold: 0,
    deviceModel: DEVICE_MODEL,
    appVersion: "0.1.0",
    systemVersion: `Node.js ${process.versions.node}`,
    ...(server !== undefined && { connection: customServerConnection(server.host, server.port, undefined, book) }),
  });
  guardContainersOnConnect(client);
  if (book !== undefined) useDcOptions(client, book);
  // A DC switch (PHONE_MIGRATE at login, USER_MIGRATE while running) keeps the account signed in.
  followDcSwitches(client);
  client.onError = async (error: Error) => {
    log.warn({ err: { type: error.constructor.name, message: error.message } }, "connection problem; GramJS retries");
  };
  return client;
}

/** The session string a client holds now (its auth key, DC and address), to save after a login. */
export function sessionString(client: TelegramClient): string {
  return (client.session as StringSession).save();
}
