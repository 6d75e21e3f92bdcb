/**
 * Scheduled jobs of plugins: `schedule(spec, fn, options)` declares one, listed in definePlugin's `jobs`.
 * The automations feature runs them: persisted in the session database, never two runs of one job at
 * once, runs missed while stopped following `missed` (skip, or once).
 */
import type { Logger } from "../log.js";
import type { Me } from "./context.js";
import type { TelegramGateway } from "./gateway.js";
import type { KeyValueStore } from "./pluginStore.js";

/** When a job runs: a cron expression (five or six fields), or cron with a time zone, an interval ("2s", "5m", "1h30m"), or one time. */
export type ScheduleSpec =
  | string
  | { readonly cron: string; readonly timeZone?: string }
  | { readonly every: string }
  | { readonly at: string | Date; readonly timeZone?: string };

/** What a run that fell while the userbot was stopped does at the next start: dropped, or run one time. */
export type MissedRunPolicy = "skip" | "once";

/** Options of `schedule`. */
export interface ScheduleOptions {
  /** The job's name within its plugin (its key in the database, and `job: plugin/name` in automations.yaml). */
  readonly name: string;
  /** Runs missed while stopped: "skip" (default) or "once". */
  readonly missed?: MissedRunPolicy;
}

/** What a job's function is given. */
export interface JobContext {
  /** "plugin/job". */
  readonly job: string;
  /** The time this run was due. */
  readonly scheduledAt: Date;
  readonly me: Me;
  /** The rate-limited gateway, as handlers use it. */
  readonly telegram: TelegramGateway;
  readonly log: Logger;
  /** The plugin's key-value store, as ctx.store in its handlers. */
  readonly store: KeyValueStore;
  /** The plugin's settings, `plugins.<name>` of automations.yaml. */
  readonly settings: unknown;
}

/** A job as schedule() declares it. */
export interface ScheduledJob {
  readonly kind: "schedule";
  readonly name: string;
  readonly spec: ScheduleSpec;
  readonly missed: MissedRunPolicy;
  readonly run: (ctx: JobContext) => void | Promise<void>;
}

const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * Declares a scheduled job of a plugin.
 *
 * @example
 * definePlugin({ name: "water", handlers: [], jobs: [schedule({ every: "2h" }, (ctx) => ctx.telegram.sendMessage(ctx.me.id, "Drink water"), { name: "remind" })] });
 */
export function schedule(spec: ScheduleSpec, run: ScheduledJob["run"], options: ScheduleOptions): ScheduledJob {
  if (!JOB_NAME.test(options.name)) throw new Error(`invalid job name ${JSON.stringify(options.name)}: use 1-64 letters, digits, "-" or "_"`);
  return Object.freeze({ kind: "schedule", name: options.name, spec, missed: options.missed ?? "skip", run });
}
