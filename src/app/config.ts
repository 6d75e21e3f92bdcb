/**
 * The Config `npm start`, the demo and the scripts run on: each feature's settings, read by the
 * feature itself, assembled here; the first bad variable stops with a ConfigError naming it.
 */
import { readFileSync } from "node:fs";
import { type AccessConfig, parseAccessConfig } from "../access/config.js";
import { ConfigError, type Env, type Problems, readEnv } from "../config.js";
import { parseHandlersConfig } from "../handlers/config.js";
import { parseLogConfig } from "../log.js";
import { type MetricsConfig, parseMetricsConfig } from "../metrics/config.js";
import type { RuntimeConfig } from "../runtime/config.js";
import { parseTelegramConfig } from "../telegram/config.js";
import { parseUpdatesConfig } from "../updates/config.js";

/** Everything the userbot reads from the environment, validated. */
export interface Config extends RuntimeConfig {
  /** Access control: owners, default, membership cache lifetimes, refusal texts, log retention (ACCESS_*). */
  readonly access: AccessConfig;
  /** Watching it run: METRICS_PORT, METRICS_HOST, STATUS_LOG_INTERVAL. */
  readonly metrics: MetricsConfig;
}

/** Loads .env and the environment into a Config; throws ConfigError naming the first bad variable. */
export function loadConfig(options: { file?: string; env?: Env } = {}): Config {
  return parseConfig(readEnv(options));
}

/** Validates variables into a Config; `readFile` reads TELEGRAM_SERVER_KEY (injectable for tests). */
export function parseConfig(env: Env, readFile: (path: string) => string = (path) => readFileSync(path, "utf8")): Config {
  const problems: Problems = [];
  const config: Config = {
    ...parseTelegramConfig(env, problems, readFile),
    log: parseLogConfig(env, problems),
    ...parseHandlersConfig(env, problems),
    ...parseUpdatesConfig(env, problems),
    access: parseAccessConfig(env, problems),
    metrics: parseMetricsConfig(env, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
