/**
 * When scheduled jobs run, as pure functions of the time: the next run after a moment (croner for cron
 * expressions in a time zone and for one-off times; intervals keep their cadence from the last due time),
 * and what a start does with the run the database says was due while stopped.
 */
import { Cron } from "croner";
import type { MissedRunPolicy } from "../handlers/schedule.js";

/** A job's timing. */
export type When =
  | { readonly kind: "cron"; readonly pattern: string; readonly timeZone?: string }
  | { readonly kind: "every"; readonly ms: number }
  | { readonly kind: "at"; readonly time: string | Date; readonly timeZone?: string };

/** A stable text of a timing, stored beside its state: a changed timing starts afresh. */
export function whenKey(when: When): string {
  if (when.kind === "cron") return `cron ${when.pattern} ${when.timeZone ?? "UTC"}`;
  if (when.kind === "every") return `every ${when.ms}`;
  return `at ${when.time instanceof Date ? when.time.toISOString() : when.time} ${when.timeZone ?? "UTC"}`;
}

/** Checks a timing (a bad cron pattern, time zone or date throws a one-line Error). */
export function checkWhen(when: When): void {
  if (when.kind === "every") {
    if (!(when.ms >= 1000)) throw new Error("an interval must be at least 1s");
    return;
  }
  if (when.timeZone !== undefined) new Intl.DateTimeFormat("en", { timeZone: when.timeZone });
  const pattern = when.kind === "cron" ? when.pattern : when.time;
  new Cron(pattern, { paused: true, timezone: when.timeZone ?? "UTC" }).stop();
}

/**
 * The first due time strictly after `after` (Unix ms), or undefined when there is none (a past one-off
 * time). Intervals count from `anchor` (the last due time) when given, so they keep their cadence.
 */
export function nextRunAfter(when: When, after: number, anchor?: number): number | undefined {
  if (when.kind === "every") {
    if (anchor === undefined) return after + when.ms;
    const steps = Math.max(1, Math.floor((after - anchor) / when.ms) + 1);
    return anchor + steps * when.ms;
  }
  const pattern = when.kind === "cron" ? when.pattern : when.time;
  const cron = new Cron(pattern, { paused: true, timezone: when.timeZone ?? "UTC" });
  const next = cron.nextRun(new Date(after));
  cron.stop();
  return next === null ? undefined : next.getTime();
}

/** What a job's stored state says at start. */
export interface StartPlan {
  /** The due time of a run missed while stopped that runs now (policy once). */
  readonly missedRun?: number;
  /** The next due time to wait for; undefined: the job is over (a one-off time already gone). */
  readonly next?: number;
}

/**
 * Plans a job at start from the due time stored before the stop: when it passed, the missed run is
 * dropped (skip) or run now (once, however many fell), and waiting resumes at the next due time after now.
 */
export function planStart(when: When, storedNext: number | undefined, now: number, missed: MissedRunPolicy): StartPlan {
  if (storedNext === undefined) return { next: nextRunAfter(when, now) };
  if (storedNext > now) return { next: storedNext };
  const next = when.kind === "at" ? undefined : nextRunAfter(when, now, storedNext);
  return missed === "once" ? { missedRun: storedNext, next } : { next };
}
