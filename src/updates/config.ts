/**
 * The update pipeline's settings from the environment: the dispatcher (DISPATCH_CONCURRENCY,
 * DISPATCH_QUEUE_PER_CHAT, HANDLER_SLOW_MS) and catch-up (CATCH_UP_*: what the runtime does about
 * updates missed while stopped or disconnected).
 */

import { type Env, optionalInteger, type Problems } from "../config.js";
import { type CatchUpOptions, DEFAULT_CATCH_UP, TOO_LONG_POLICIES, type TooLongPolicy } from "./options.js";

/** Reads CATCH_UP (on/off), CATCH_UP_MAX_AGE (seconds, 0 = no limit), CATCH_UP_TOO_LONG (history/skip) and CATCH_UP_HISTORY_LIMIT. */
export function parseCatchUp(env: Env, problems: Problems): CatchUpOptions {
  const switched = env.CATCH_UP?.trim().toLowerCase() || "on";
  if (!["on", "off"].includes(switched)) problems.push(["CATCH_UP", "CATCH_UP must be on (handle what arrived while stopped) or off (default on)"]);
  const tooLong = env.CATCH_UP_TOO_LONG?.trim().toLowerCase() || DEFAULT_CATCH_UP.tooLong;
  if (!(TOO_LONG_POLICIES as readonly string[]).includes(tooLong)) {
    problems.push(["CATCH_UP_TOO_LONG", "CATCH_UP_TOO_LONG must be history (refetch missed messages from chat histories) or skip (default history)"]);
  }
  return {
    enabled: switched !== "off",
    maxAgeSeconds: optionalInteger(env, "CATCH_UP_MAX_AGE", DEFAULT_CATCH_UP.maxAgeSeconds, 0, 366 * 86_400, problems),
    tooLong: (TOO_LONG_POLICIES as readonly string[]).includes(tooLong) ? (tooLong as TooLongPolicy) : DEFAULT_CATCH_UP.tooLong,
    historyLimit: optionalInteger(env, "CATCH_UP_HISTORY_LIMIT", DEFAULT_CATCH_UP.historyLimit, 1, 1_000_000, problems),
  };
}

/** How the dispatcher runs handlers. */
export interface DispatchConfig {
  readonly concurrency: number;
  readonly queuePerChat: number;
  readonly slowHandlerMs: number;
}

/** The update pipeline's settings. */
export interface UpdatesConfig {
  readonly dispatch: DispatchConfig;
  /** Updates missed while stopped or disconnected: on/off, how far back, what to do on tooLong (CATCH_UP_*). */
  readonly catchUp: CatchUpOptions;
}

/** Reads the dispatcher's and catch-up's variables, recording each problem. */
export function parseUpdatesConfig(env: Env, problems: Problems): UpdatesConfig {
  return {
    dispatch: {
      concurrency: optionalInteger(env, "DISPATCH_CONCURRENCY", 8, 1, 1000, problems),
      queuePerChat: optionalInteger(env, "DISPATCH_QUEUE_PER_CHAT", 100, 1, 100_000, problems),
      slowHandlerMs: optionalInteger(env, "HANDLER_SLOW_MS", 30_000, 1, 3_600_000, problems),
    },
    catchUp: parseCatchUp(env, problems),
  };
}
