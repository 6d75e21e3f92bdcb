import { type DestinationStream, type LevelWithSilent, type Logger as PinoLogger, pino } from "pino";
import pretty from "pino-pretty";
import { type Env, type Problems, variable } from "./config.js";

/** The structured logger every module takes. */
export type Logger = PinoLogger;

/** Level names LOG_LEVEL accepts. */
export type LogLevel = LevelWithSilent;

/** Every valid LOG_LEVEL, most severe first. */
export const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

/** Output format: pretty on a terminal and JSON otherwise ("auto"), or forced. */
export type LogFormat = "auto" | "pretty" | "json";

/** What replaces a secret in log output. */
export const REDACTED = "[REDACTED]";

/** Secret values shorter than this are redacted by key only (masking them everywhere would garble output). */
export const MIN_SECRET_LENGTH = 4;

/** The user-info part of a URL (socks5://user:pass@host, mtproxy://SECRET@host): credentials, wherever a URL is written. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;

/** Secret strings (api_hash, session string, bot token...) masked wherever they appear in log output. */
export class SecretRegistry {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;

  /** Registers secret values; undefined and too-short values are ignored. */
  add(...values: (string | undefined)[]): void {
    for (const value of values) {
      if (value === undefined || value.length < MIN_SECRET_LENGTH) continue;
      this.values.add(value);
      this.values.add(JSON.stringify(value).slice(1, -1));
    }
    const sorted = [...this.values].sort((a, b) => b.length - a.length);
    this.pattern = sorted.length === 0 ? undefined : new RegExp(sorted.map(escapeRegExp).join("|"), "g");
  }

  /** Returns the text with every registered secret, and the credentials of any URL (user:pass@), replaced by REDACTED. */
  mask(text: string): string {
    const masked = this.pattern === undefined ? text : text.replace(this.pattern, REDACTED);
    return masked.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
  }
}

/** The process-wide registry loggers use unless given another. */
export const secrets = new SecretRegistry();

const SECRET_KEY_PARTS = ["password", "passwd", "secret", "token", "apihash", "authkey", "phonecode", "sessionstring"];
const SECRET_KEYS = new Set(["session", "code", "hash", "pin", "otp", "proxy"]);
const ERROR_CODE = /^[A-Z][A-Z0-9_]+$/;

/**
 * True when a field of this name and value must be hidden: names containing password, secret, token, apihash,
 * authkey, phonecode or sessionstring, and the names session, code, hash, pin, otp and proxy (GramJS's proxy
 * option and the SOCKS client's errors carry its user name and password there). A numeric `code` (an RPC
 * error code such as 420) or an error constant (ECONNREFUSED) is kept.
 */
export function isSecretKey(key: string, value: unknown): boolean {
  const name = key.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (name === "code" && (typeof value === "number" || (typeof value === "string" && ERROR_CODE.test(value)))) return false;
  return SECRET_KEYS.has(name) || SECRET_KEY_PARTS.some((part) => name.includes(part));
}

const MAX_DEPTH = 8;
const MAX_ENTRIES = 100;

/** Deep copy of a log field: secret keys replaced, errors made plain, buffers summarised, size and depth bounded. */
export function redactFields(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "object" || value === null) return value;
  if (seen.has(value)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[Truncated]";
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  seen.add(value);
  try {
    if (value instanceof Error) return redactError(value, depth, seen);
    const json = (value as { toJSON?: unknown }).toJSON;
    if (typeof json === "function") return redactFields(json.call(value), depth, seen);
    if (Array.isArray(value)) {
      const items = value.slice(0, MAX_ENTRIES).map((item) => redactFields(item, depth + 1, seen));
      return value.length > MAX_ENTRIES ? [...items, `[${value.length - MAX_ENTRIES} more]`] : items;
    }
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value).slice(0, MAX_ENTRIES)) {
      out[key] = isSecretKey(key, field) ? REDACTED : redactFields(field, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

function redactError(error: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = { type: error.constructor.name, message: error.message, stack: error.stack };
  for (const [key, field] of Object.entries(error)) {
    out[key] = isSecretKey(key, field) ? REDACTED : redactFields(field, depth + 1, seen);
  }
  if (error.cause !== undefined) out.cause = redactFields(error.cause, depth + 1, seen);
  return out;
}

/** Options of createLogger. */
export interface LoggerOptions {
  /** Minimum level written (default "info"). */
  readonly level?: LogLevel;
  /** "auto" (default) writes pretty lines when the destination is a terminal, JSON lines otherwise. */
  readonly format?: LogFormat;
  /** Where lines go (default: stderr). */
  readonly destination?: DestinationStream & { isTTY?: boolean };
  /** Secret values to mask (default: the process-wide `secrets`). */
  readonly secrets?: SecretRegistry;
}

/** Creates the pino logger: secret keys redacted in fields, secret values masked in the whole written line. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const registry = options.secrets ?? secrets;
  const target = options.destination ?? process.stderr;
  const format = options.format ?? "auto";
  const usePretty = format === "pretty" || (format === "auto" && target.isTTY === true);
  const stream: DestinationStream = usePretty
    ? pretty({ destination: target, colorize: target.isTTY === true, sync: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" })
    : target;
  return pino(
    {
      level: options.level ?? "info",
      formatters: {
        log: (fields) => redactFields(fields) as Record<string, unknown>,
        bindings: (bindings) => redactFields(bindings) as Record<string, unknown>,
      },
      hooks: { streamWrite: (line) => registry.mask(line) },
    },
    stream,
  );
}

/** Masks registered secrets in a text printed outside the logger (e.g. a CLI's last error line). */
export function redactText(text: string, registry: SecretRegistry = secrets): string {
  return registry.mask(text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** How the logger writes. */
export interface LogConfig {
  readonly level: LogLevel;
  readonly format: LogFormat;
}

/** Reads LOG_LEVEL and LOG_FORMAT, recording each problem. */
export function parseLogConfig(env: Env, problems: Problems): LogConfig {
  const level = variable(env, "LOG_LEVEL") ?? "info";
  if (!(LOG_LEVELS as readonly string[]).includes(level)) problems.push(["LOG_LEVEL", `LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}`]);
  const format = variable(env, "LOG_FORMAT") ?? "auto";
  if (!["auto", "pretty", "json"].includes(format))
    problems.push(["LOG_FORMAT", "LOG_FORMAT must be auto (pretty on a terminal, JSON otherwise), pretty or json"]);
  return { level: level as LogLevel, format: format as LogFormat };
}
