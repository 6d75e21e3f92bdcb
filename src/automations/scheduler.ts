/**
 * Runs scheduled jobs: each waits for its next due time on a timer (an injectable clock), saves the
 * following due time before it runs (so a restart knows what fell while stopped), and never runs twice at
 * once: a due time that comes while the previous run is still going is skipped and logged.
 */
import type { MissedRunPolicy } from "../handlers/schedule.js";
import type { Logger } from "../log.js";
import type { JobStore } from "./jobStore.js";
import { nextRunAfter, planStart, type When, whenKey } from "./timing.js";

/** The clock and timers the scheduler uses (the real ones by default; tests pass their own). */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The system clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** A job as the scheduler runs it. */
export interface Job {
  /** Its key in the store: "plugin/job" or "schedule/NAME". */
  readonly id: string;
  readonly when: When;
  readonly missed: MissedRunPolicy;
  /** One run; `scheduledAt` is the time it was due (Unix ms). */
  run(scheduledAt: number): void | Promise<void>;
}

/** Longest single timer (setTimeout's limit is 2^31-1 ms); longer waits re-arm. */
const MAX_TIMER_MS = 2_147_483_647;

interface Slot {
  readonly job: Job;
  timer?: unknown;
  running?: Promise<void>;
}

/** Runs jobs until stopped. */
export class Scheduler {
  private readonly slots = new Map<string, Slot>();
  private stopped = false;

  constructor(
    private readonly store: JobStore,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Adds a job and starts waiting for it (a missed run under "once" starts at once). */
  add(job: Job): void {
    if (this.slots.has(job.id)) throw new Error(`two scheduled jobs are named ${job.id}`);
    const slot: Slot = { job };
    this.slots.set(job.id, slot);
    const key = whenKey(job.when);
    const saved = this.store.get(job.id);
    const storedNext = saved?.when === key ? saved.nextRunAt : undefined;
    const oneOffDone = saved?.when === key && job.when.kind === "at" && saved.nextRunAt === undefined && saved.lastRunAt !== undefined;
    if (oneOffDone) return;
    const plan = planStart(job.when, storedNext, this.clock.now(), job.missed);
    if (storedNext !== undefined && storedNext <= this.clock.now()) {
      this.log.info(
        { job: job.id, dueAt: new Date(storedNext).toISOString(), policy: job.missed },
        plan.missedRun === undefined ? "missed run skipped" : "missed run runs now",
      );
    }
    this.store.save({ id: job.id, when: key, nextRunAt: plan.next, lastRunAt: plan.missedRun ?? saved?.lastRunAt });
    if (plan.missedRun !== undefined) this.start(slot, plan.missedRun);
    if (plan.next !== undefined) this.arm(slot, plan.next);
  }

  /** Stops every timer and waits for the runs in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const slot of this.slots.values()) if (slot.timer !== undefined) this.clock.clearTimeout(slot.timer);
    await Promise.all([...this.slots.values()].map((slot) => slot.running));
  }

  private arm(slot: Slot, dueAt: number): void {
    if (this.stopped) return;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, dueAt - this.clock.now()));
    slot.timer = this.clock.setTimeout(() => {
      slot.timer = undefined;
      if (this.clock.now() < dueAt) this.arm(slot, dueAt);
      else this.fire(slot, dueAt);
    }, wait);
  }

  private fire(slot: Slot, dueAt: number): void {
    if (this.stopped) return;
    const { job } = slot;
    const next = job.when.kind === "at" ? undefined : nextRunAfter(job.when, Math.max(this.clock.now(), dueAt), dueAt);
    this.store.save({ id: job.id, when: whenKey(job.when), nextRunAt: next, lastRunAt: dueAt });
    if (slot.running !== undefined) this.log.warn({ job: job.id, dueAt: new Date(dueAt).toISOString() }, "run skipped: the previous run is still going");
    else this.start(slot, dueAt);
    if (next !== undefined) this.arm(slot, next);
  }

  private start(slot: Slot, dueAt: number): void {
    const running = (async () => {
      try {
        await slot.job.run(dueAt);
      } catch (error) {
        this.log.error({ job: slot.job.id, err: error }, "scheduled job failed");
      }
    })();
    slot.running = running;
    void running.then(() => {
      if (slot.running === running) slot.running = undefined;
    });
  }
}
