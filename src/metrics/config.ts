/**
 * Watching a running userbot, from the environment: METRICS_PORT (HTTP /healthz and /metrics; unset: no
 * server, nothing of it loaded), METRICS_HOST (default 127.0.0.1) and STATUS_LOG_INTERVAL (seconds between
 * two status log lines; default 600, 0 turns them off).
 */
import { type Env, optionalInteger, type Problems, variable } from "../config.js";

/** Default seconds between two status log lines. */
export const DEFAULT_STATUS_LOG_INTERVAL = 600;

/** How a running userbot is watched. */
export interface MetricsConfig {
  /** Port of the /healthz and /metrics server (0: any free port, written to the instance file); undefined: no server. */
  readonly port?: number;
  /** Address the server listens on (default 127.0.0.1: this machine only). */
  readonly host: string;
  /** Seconds between two status log lines (0: none). */
  readonly statusLogIntervalSeconds: number;
}

/** Reads METRICS_PORT, METRICS_HOST and STATUS_LOG_INTERVAL, recording each problem. */
export function parseMetricsConfig(env: Env, problems: Problems): MetricsConfig {
  const port = variable(env, "METRICS_PORT") === undefined ? undefined : optionalInteger(env, "METRICS_PORT", 0, 0, 65_535, problems);
  const host = variable(env, "METRICS_HOST") ?? "127.0.0.1";
  if (!/^[A-Za-z0-9.:[\]-]{1,253}$/.test(host)) {
    problems.push(["METRICS_HOST", "METRICS_HOST must be an address or host name to listen on, e.g. 127.0.0.1 (default) or 0.0.0.0 in a container"]);
  }
  const statusLogIntervalSeconds = optionalInteger(env, "STATUS_LOG_INTERVAL", DEFAULT_STATUS_LOG_INTERVAL, 0, 86_400, problems);
  return { port, host, statusLogIntervalSeconds };
}
