/**
 * The GramJS client a config asks for: api_id / api_hash, Telegram's servers (or a custom server only when
 * TELEGRAM_SERVER and TELEGRAM_SERVER_KEY are set), through TELEGRAM_PROXY when set, GramJS's own logger
 * silenced (our logger reports instead), flood waits handed to our policy, and reconnection without end,
 * except when the proxy refuses its credentials while connecting: then connect() throws that one line.
 */
import { TelegramClient } from "telegram";
import { Logger as GramLogger, LogLevel } from "telegram/extensions/Logger.js";
import { StringSession } from "telegram/sessions/index.js";
import { UserError } from "../errors.js";
import { type Logger, secrets } from "../log.js";
import type { TelegramConfig } from "./config.js";
import { customServerConnection, dcAddressBook, pointSessionAt, trustServerKey } from "./customServer.js";
import { type DcAddressBook, followDcSwitches, guardContainersOnConnect, stopConnectRetries, useDcOptions } from "./internals.js";
import { gramjsProxy, proxyRefusal, proxySecrets } from "./proxy.js";

/** How the client introduces itself to Telegram (shown in the account's list of active sessions). */
export const DEVICE_MODEL = "tg-userbot-toolkit";

/** Builds (does not connect) the client for a config and a saved session string ("" for a new login). */
export function createTelegramClient(config: TelegramConfig, session: string, log: Logger): TelegramClient {
  const stringSession = new StringSession(session);
  const server = config.server;
  let book: DcAddressBook | undefined;
  const proxy = config.proxy;
  secrets.add(...proxySecrets(proxy));
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
    // Through a SOCKS proxy the override still dials the custom server's port (the proxy connects to it); an
    // MTProxy connection dials the proxy itself, whatever the connection class (GramJS replaces it).
    ...(server !== undefined && { connection: customServerConnection(server.host, server.port, undefined, book) }),
    ...(proxy !== undefined && { proxy: gramjsProxy(proxy) }),
  });
  guardContainersOnConnect(client);
  if (book !== undefined) useDcOptions(client, book);
  // A DC switch (PHONE_MIGRATE at login, USER_MIGRATE while running) keeps the account signed in.
  followDcSwitches(client);
  let connecting = false;
  let refused: string | undefined;
  client.onError = async (error: Error) => {
    const refusal = proxy === undefined ? undefined : proxyRefusal(error, proxy);
    if (refusal !== undefined && connecting) {
      refused = refusal;
      stopConnectRetries(client);
      return;
    }
    log.warn({ err: { type: error.constructor.name, message: error.message } }, "connection problem; GramJS retries");
  };
  const connect = client.connect.bind(client);
  client.connect = async () => {
    connecting = true;
    try {
      const connected = await connect();
      if (refused !== undefined) throw new UserError(refused);
      return connected;
    } finally {
      connecting = false;
    }
  };
  return client;
}

/** The session string a client holds now (its auth key, DC and address), to save after a login. */
export function sessionString(client: TelegramClient): string {
  return (client.session as StringSession).save();
}
