/**
 * The account's connection settings from the environment: TELEGRAM_API_ID / TELEGRAM_API_HASH,
 * TELEGRAM_BOT_TOKEN, TELEGRAM_SESSION, TELEGRAM_SERVER / TELEGRAM_SERVER_KEY (a custom server such as
 * the emulator), TELEGRAM_PROXY (a SOCKS5, SOCKS4 or MTProto proxy), the outgoing rate limits (RATE_*) and
 * the flood-wait policy (FLOOD_*).
 */
import { type Env, optionalInteger, optionalNumber, type Problems, variable } from "../config.js";
import { type ProxyConfig, parseProxy, proxySecrets } from "./proxy.js";
import type { RateLimits } from "./rateLimiter.js";
import { isValidSessionName, SESSION_NAME_RULE } from "./sessionStore.js";

/** A custom server (such as the emulator): where it listens and its RSA public key. */
export interface ServerConfig {
  readonly host: string;
  /** 1..32767: GramJS stores the port as a signed 16-bit number in the session string. */
  readonly port: number;
  readonly keyPath: string;
  /** Contents of the PEM file at keyPath. */
  readonly publicKeyPem: string;
}

/** How the account connects to Telegram and how fast it may call it. */
export interface TelegramConfig {
  readonly apiId: number;
  readonly apiHash: string;
  /** "bot" when TELEGRAM_BOT_TOKEN is set, otherwise "user". */
  readonly mode: "user" | "bot";
  readonly botToken?: string;
  readonly sessionName: string;
  /** Set only when TELEGRAM_SERVER and TELEGRAM_SERVER_KEY are; Telegram itself otherwise. */
  readonly server?: ServerConfig;
  /** Set only when TELEGRAM_PROXY is: the proxy every connection goes through. */
  readonly proxy?: ProxyConfig;
  readonly rateLimits: RateLimits;
  readonly flood: { readonly maxSleepSeconds: number; readonly maxRetries: number };
}

/** Reads the connection settings, recording each problem; `readFile` reads TELEGRAM_SERVER_KEY. */
export function parseTelegramConfig(env: Env, problems: Problems, readFile: (path: string) => string): TelegramConfig {
  const apiId = parseApiId(variable(env, "TELEGRAM_API_ID"), problems);
  const apiHash = parseApiHash(variable(env, "TELEGRAM_API_HASH"), problems);
  const botToken = parseBotToken(variable(env, "TELEGRAM_BOT_TOKEN"), problems);
  const sessionName = variable(env, "TELEGRAM_SESSION") ?? "default";
  if (!isValidSessionName(sessionName)) problems.push(["TELEGRAM_SESSION", `TELEGRAM_SESSION must be ${SESSION_NAME_RULE}, e.g. default or work`]);
  const server = parseServer(variable(env, "TELEGRAM_SERVER"), variable(env, "TELEGRAM_SERVER_KEY"), readFile, problems);
  const proxyText = variable(env, "TELEGRAM_PROXY");
  const proxy = proxyText === undefined ? undefined : parseProxy(proxyText);
  if (typeof proxy === "string") problems.push(["TELEGRAM_PROXY", proxy]);
  return {
    apiId: apiId ?? 0,
    apiHash: apiHash ?? "",
    mode: botToken === undefined ? "user" : "bot",
    botToken,
    sessionName,
    server,
    ...(typeof proxy === "object" && { proxy }),
    rateLimits: {
      globalPerSecond: optionalNumber(env, "RATE_GLOBAL_PER_SECOND", 30, problems),
      chatPerSecond: optionalNumber(env, "RATE_CHAT_PER_SECOND", 1, problems),
      groupPerMinute: optionalNumber(env, "RATE_GROUP_PER_MINUTE", 20, problems),
    },
    flood: {
      maxSleepSeconds: optionalInteger(env, "FLOOD_SLEEP_THRESHOLD", 60, 0, 86_400, problems),
      maxRetries: optionalInteger(env, "FLOOD_RETRIES", 3, 0, 100, problems),
    },
  };
}

/** Secret values of the settings, to register with the logger's SecretRegistry (api_hash, bot token and its key part, the proxy's credentials). */
export function configSecrets(config: Pick<TelegramConfig, "apiHash" | "botToken" | "proxy">): string[] {
  const token = config.botToken;
  return [config.apiHash, ...(token === undefined ? [] : [token, token.slice(token.indexOf(":") + 1)]), ...proxySecrets(config.proxy)];
}

function parseApiId(value: string | undefined, problems: Problems): number | undefined {
  const rule = "TELEGRAM_API_ID must be a positive integer: get it at my.telegram.org (API development tools)";
  if (value === undefined) return void problems.push(["TELEGRAM_API_ID", `${rule}; it is not set`]);
  const id = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
  if (!(id >= 1 && id <= 2 ** 31 - 1)) return void problems.push(["TELEGRAM_API_ID", rule]);
  return id;
}

function parseApiHash(value: string | undefined, problems: Problems): string | undefined {
  const rule = "TELEGRAM_API_HASH must be the 32 hexadecimal characters of api_hash from my.telegram.org";
  if (value === undefined) return void problems.push(["TELEGRAM_API_HASH", `${rule}; it is not set`]);
  if (!/^[0-9a-fA-F]{32}$/.test(value)) return void problems.push(["TELEGRAM_API_HASH", rule]);
  return value;
}

function parseBotToken(value: string | undefined, problems: Problems): string | undefined {
  if (value === undefined) return undefined;
  if (/^\d{1,20}:[A-Za-z0-9_-]{30,}$/.test(value)) return value;
  problems.push([
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_BOT_TOKEN must look like 123456789:AAF... (the token @BotFather gives), or be empty to run as your own account",
  ]);
  return undefined;
}

function parseServer(
  address: string | undefined,
  keyPath: string | undefined,
  readFile: (path: string) => string,
  problems: Problems,
): ServerConfig | undefined {
  if (address === undefined && keyPath === undefined) return undefined;
  if (address === undefined) {
    return void problems.push([
      "TELEGRAM_SERVER",
      "TELEGRAM_SERVER must be set when TELEGRAM_SERVER_KEY is: host:port of the custom server, e.g. 127.0.0.1:4430",
    ]);
  }
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(address);
  const port = match === null ? NaN : Number(match[3]);
  if (match === null || !(port >= 1 && port <= 32767)) {
    return void problems.push([
      "TELEGRAM_SERVER",
      "TELEGRAM_SERVER must be host:port with a port from 1 to 32767 (GramJS stores ports as signed 16-bit), e.g. 127.0.0.1:4430",
    ]);
  }
  if (keyPath === undefined) {
    return void problems.push([
      "TELEGRAM_SERVER_KEY",
      "TELEGRAM_SERVER_KEY must be set together with TELEGRAM_SERVER: the path of the server's PEM public key file",
    ]);
  }
  let pem: string;
  try {
    pem = readFile(keyPath);
  } catch {
    return void problems.push(["TELEGRAM_SERVER_KEY", `TELEGRAM_SERVER_KEY must be the path of a readable PEM public key file; cannot read ${keyPath}`]);
  }
  if (/PRIVATE KEY/.test(pem)) {
    return void problems.push([
      "TELEGRAM_SERVER_KEY",
      `TELEGRAM_SERVER_KEY must be a public key (-----BEGIN RSA PUBLIC KEY-----); ${keyPath} holds a private key`,
    ]);
  }
  if (!/-----BEGIN (RSA )?PUBLIC KEY-----/.test(pem)) {
    return void problems.push([
      "TELEGRAM_SERVER_KEY",
      `TELEGRAM_SERVER_KEY must be a PEM public key file (-----BEGIN RSA PUBLIC KEY-----); ${keyPath} is not one`,
    ]);
  }
  return { host: match[1] ?? match[2], port, keyPath, publicKeyPem: pem };
}
