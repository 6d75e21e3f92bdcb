import { existsSync, readFileSync } from "node:fs";
import { parse as parseDotenv } from "dotenv";
import { type AccessConfig, parseAccessConfig } from "./access/config.js";
import { parseCatchUp } from "./config/catchUp.js";
import { ConfigError, type Env, optionalInteger, optionalNumber, type Problems } from "./config/values.js";
import { LOG_LEVELS, type LogFormat, type LogLevel } from "./log.js";
import type { RateLimits } from "./telegram/rateLimiter.js";
import { isValidSessionName, SESSION_NAME_RULE } from "./telegram/sessionStore.js";
import type { CatchUpOptions } from "./updates/options.js";

export { CONFIG_EXIT_CODE, ConfigError, type Env } from "./config/values.js";

/** A custom server (such as the emulator): where it listens and its RSA public key. */
export interface ServerConfig {
  readonly host: string;
  /** 1..32767: GramJS stores the port as a signed 16-bit number in the session string. */
  readonly port: number;
  readonly keyPath: string;
  /** Contents of the PEM file at keyPath. */
  readonly publicKeyPem: string;
}

/** Everything the runtime reads from the environment, validated. */
export interface Config {
  readonly apiId: number;
  readonly apiHash: string;
  /** "bot" when TELEGRAM_BOT_TOKEN is set, otherwise "user". */
  readonly mode: "user" | "bot";
  readonly botToken?: string;
  readonly sessionName: string;
  /** Set only when TELEGRAM_SERVER and TELEGRAM_SERVER_KEY are; Telegram itself otherwise. */
  readonly server?: ServerConfig;
  readonly log: { readonly level: LogLevel; readonly format: LogFormat };
  /** Command prefix in user mode. */
  readonly commandPrefix: string;
  readonly dispatch: { readonly concurrency: number; readonly queuePerChat: number; readonly slowHandlerMs: number };
  readonly rateLimits: RateLimits;
  readonly flood: { readonly maxSleepSeconds: number; readonly maxRetries: number };
  /** Access control: owners, default, membership cache lifetimes, refusal texts, log retention (ACCESS_*). */
  readonly access: AccessConfig;
  /** Updates missed while stopped or disconnected: on/off, how far back, what to do on tooLong (CATCH_UP_*). */
  readonly catchUp: CatchUpOptions;
  /** Where the plugins are loaded from (PLUGINS_DIR; default src/plugins/). */
  readonly pluginsDir?: string;
}

/** Reads variables from a .env file (default ./.env, if present) under the real environment, which wins. */
export function readEnv(options: { file?: string; env?: Env } = {}): Env {
  const file = options.file ?? ".env";
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  return { ...fromFile, ...(options.env ?? process.env) };
}

/** Loads .env and the environment into a Config; throws ConfigError naming the first bad variable. */
export function loadConfig(options: { file?: string; env?: Env } = {}): Config {
  return parseConfig(readEnv(options));
}

/** Validates variables into a Config; `readFile` reads TELEGRAM_SERVER_KEY (injectable for tests). */
export function parseConfig(env: Env, readFile: (path: string) => string = (path) => readFileSync(path, "utf8")): Config {
  const problems: Problems = [];
  const get = (name: string) => {
    const value = env[name]?.trim();
    return value === "" ? undefined : value;
  };
  const apiId = parseApiId(get("TELEGRAM_API_ID"), problems);
  const apiHash = parseApiHash(get("TELEGRAM_API_HASH"), problems);
  const botToken = parseBotToken(get("TELEGRAM_BOT_TOKEN"), problems);
  const sessionName = get("TELEGRAM_SESSION") ?? "default";
  if (!isValidSessionName(sessionName)) problems.push(["TELEGRAM_SESSION", `TELEGRAM_SESSION must be ${SESSION_NAME_RULE}, e.g. default or work`]);
  const server = parseServer(get("TELEGRAM_SERVER"), get("TELEGRAM_SERVER_KEY"), readFile, problems);
  const level = get("LOG_LEVEL") ?? "info";
  if (!(LOG_LEVELS as readonly string[]).includes(level)) problems.push(["LOG_LEVEL", `LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}`]);
  const format = get("LOG_FORMAT") ?? "auto";
  if (!["auto", "pretty", "json"].includes(format))
    problems.push(["LOG_FORMAT", "LOG_FORMAT must be auto (pretty on a terminal, JSON otherwise), pretty or json"]);
  const commandPrefix = get("COMMAND_PREFIX") ?? ".";
  if (!/^[^\sA-Za-z0-9]{1,3}$/.test(commandPrefix)) problems.push(["COMMAND_PREFIX", "COMMAND_PREFIX must be 1-3 punctuation characters, e.g. . or !"]);
  const config: Config = {
    apiId: apiId ?? 0,
    apiHash: apiHash ?? "",
    mode: botToken === undefined ? "user" : "bot",
    botToken,
    sessionName,
    server,
    log: { level: level as LogLevel, format: format as LogFormat },
    commandPrefix,
    dispatch: {
      concurrency: optionalInteger(env, "DISPATCH_CONCURRENCY", 8, 1, 1000, problems),
      queuePerChat: optionalInteger(env, "DISPATCH_QUEUE_PER_CHAT", 100, 1, 100_000, problems),
      slowHandlerMs: optionalInteger(env, "HANDLER_SLOW_MS", 30_000, 1, 3_600_000, problems),
    },
    rateLimits: {
      globalPerSecond: optionalNumber(env, "RATE_GLOBAL_PER_SECOND", 30, problems),
      chatPerSecond: optionalNumber(env, "RATE_CHAT_PER_SECOND", 1, problems),
      groupPerMinute: optionalNumber(env, "RATE_GROUP_PER_MINUTE", 20, problems),
    },
    flood: {
      maxSleepSeconds: optionalInteger(env, "FLOOD_SLEEP_THRESHOLD", 60, 0, 86_400, problems),
      maxRetries: optionalInteger(env, "FLOOD_RETRIES", 3, 0, 100, problems),
    },
    access: parseAccessConfig(env, problems),
    catchUp: parseCatchUp(env, problems),
    pluginsDir: get("PLUGINS_DIR"),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Secret values of a config, to register with the logger's SecretRegistry (api_hash, bot token and its key part). */
export function configSecrets(config: Config): string[] {
  const token = config.botToken;
  return [config.apiHash, ...(token === undefined ? [] : [token, token.slice(token.indexOf(":") + 1)])];
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
