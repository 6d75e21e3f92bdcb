/** The CATCH_UP_* variables: what the runtime does about updates missed while stopped or disconnected. */
import { type CatchUpOptions, DEFAULT_CATCH_UP, TOO_LONG_POLICIES, type TooLongPolicy } from "../updates/options.js";
import { type Env, optionalInteger, type Problems } from "./values.js";

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
