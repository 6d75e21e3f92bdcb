/** The answer of GET /healthz, from the runtime's state (pure). */
import type { RuntimeHealth, RuntimeStats } from "../runtime/index.js";

/** The state a health check reports. */
export type HealthState = "starting" | "ready" | "disconnected" | "catching-up" | "stopping";

/** The JSON body of /healthz (and what `npm run status` prints). */
export interface HealthBody {
  readonly state: HealthState;
  readonly connected: boolean;
  readonly caughtUp: boolean;
  readonly session: string;
  readonly pid: number;
  readonly uptimeSeconds: number;
  readonly handled: number;
  readonly queued: number;
  readonly running: number;
  readonly lagSeconds: number;
}

/** What the health check reads; undefined runtime: not ready yet. */
export interface HealthInput {
  readonly session: string;
  readonly pid: number;
  readonly uptimeSeconds: number;
  readonly runtime?: { readonly health: RuntimeHealth; readonly stats: RuntimeStats; readonly lagSeconds: number };
}

/** 200 when connected and caught up (and not stopping), 503 otherwise, with the state as JSON. */
export function healthOf(input: HealthInput): { status: 200 | 503; body: HealthBody } {
  const { runtime } = input;
  const state: HealthState =
    runtime === undefined
      ? "starting"
      : runtime.health.stopping
        ? "stopping"
        : !runtime.health.connected
          ? "disconnected"
          : !runtime.health.caughtUp
            ? "catching-up"
            : "ready";
  return {
    status: state === "ready" ? 200 : 503,
    body: {
      state,
      connected: runtime?.health.connected ?? false,
      caughtUp: runtime?.health.caughtUp ?? false,
      session: input.session,
      pid: input.pid,
      uptimeSeconds: Math.round(input.uptimeSeconds),
      handled: runtime?.stats.handled ?? 0,
      queued: runtime?.stats.queued ?? 0,
      running: runtime?.stats.running ?? 0,
      lagSeconds: runtime?.lagSeconds ?? 0,
    },
  };
}
