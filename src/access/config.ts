/**
 * The access layer's settings from the environment (ACCESS_*), validated with the helpers of src/config.ts
 * like every other feature's: every problem names its variable and a valid value.
 */
import { type Env, optionalInteger, type Problems } from "../config.js";
import type { DefaultAccess } from "./policy.js";

/** Access settings; times in seconds as configured. */
export interface AccessConfig {
  /** User ids who may do everything, besides the logged-in account (the owners of a bot). */
  readonly owners: readonly string[];
  /** Commands without a rule: open to anyone or closed; undefined picks by mode (bot open, user closed). */
  readonly defaultAccess?: DefaultAccess;
  /** How long "is in the group" answers are cached. */
  readonly memberTtlSeconds: number;
  /** How long "is not in the group" answers are cached (at most memberTtlSeconds). */
  readonly absentTtlSeconds: number;
  /** Longest wait for a membership answer before denying. */
  readonly checkTimeoutMs: number;
  /** What a refused person is told; empty (ACCESS_REFUSAL_TEXT=none): nothing. */
  readonly refusalText: string;
  /** A person is told the refusal at most once per this many seconds. */
  readonly refusalIntervalSeconds: number;
  /** What a person is told when membership could not be verified (at most once a minute). */
  readonly unverifiedText: string;
  /** Access log retention, in days and rows. */
  readonly logRetentionDays: number;
  readonly logMaxRows: number;
}

/** The refusal people get by default. */
export const DEFAULT_REFUSAL = "You are not authorized to use this bot.";

/** The answer when membership cannot be verified, by default. */
export const DEFAULT_UNVERIFIED = "Could not verify your membership right now, please try again later.";

/** Reads the ACCESS_* variables, recording problems. */
export function parseAccessConfig(env: Env, problems: Problems): AccessConfig {
  const get = (name: string) => {
    const value = env[name]?.trim();
    return value === "" ? undefined : value;
  };
  const owners = (get("ACCESS_OWNERS") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (owners.some((id) => !/^[1-9]\d{0,19}$/.test(id))) {
    problems.push(["ACCESS_OWNERS", "ACCESS_OWNERS must be user ids separated by commas, e.g. 12345,67890 (ids never change; the id command shows them)"]);
  }
  const defaultAccess = get("ACCESS_DEFAULT");
  if (defaultAccess !== undefined && defaultAccess !== "open" && defaultAccess !== "closed") {
    problems.push([
      "ACCESS_DEFAULT",
      "ACCESS_DEFAULT must be open (anyone may use commands without a rule) or closed (only allowed chats and people), or empty for open in bot mode and closed in user mode",
    ]);
  }
  const memberTtlSeconds = optionalInteger(env, "ACCESS_MEMBER_TTL", 600, 1, 604_800, problems);
  const absentTtlSeconds = optionalInteger(env, "ACCESS_ABSENT_TTL", 60, 1, 604_800, problems);
  if (absentTtlSeconds > memberTtlSeconds) {
    problems.push([
      "ACCESS_ABSENT_TTL",
      `ACCESS_ABSENT_TTL must not exceed ACCESS_MEMBER_TTL (${memberTtlSeconds}): answers that someone is not a member are kept for a shorter time`,
    ]);
  }
  const refusal = get("ACCESS_REFUSAL_TEXT");
  return {
    owners: [...new Set(owners)],
    defaultAccess: defaultAccess === "open" || defaultAccess === "closed" ? defaultAccess : undefined,
    memberTtlSeconds,
    absentTtlSeconds,
    checkTimeoutMs: optionalInteger(env, "ACCESS_CHECK_TIMEOUT_MS", 5000, 100, 120_000, problems),
    refusalText: refusal === "none" ? "" : (refusal ?? DEFAULT_REFUSAL),
    refusalIntervalSeconds: optionalInteger(env, "ACCESS_REFUSAL_INTERVAL", 3600, 1, 604_800, problems),
    unverifiedText: get("ACCESS_UNVERIFIED_TEXT") ?? DEFAULT_UNVERIFIED,
    logRetentionDays: optionalInteger(env, "ACCESS_LOG_RETENTION_DAYS", 30, 1, 3650, problems),
    logMaxRows: optionalInteger(env, "ACCESS_LOG_MAX_ROWS", 100_000, 100, 100_000_000, problems),
  };
}
