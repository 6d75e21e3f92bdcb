/** The scheduler on a manual clock: on time, persisted, never two runs at once, the missed-run policy across a stop. */
import { describe, expect, it } from "vitest";
import { SqliteJobStore } from "../../src/automations/jobStore.js";
import { type Clock, type Job, Scheduler } from "../../src/automations/scheduler.js";
import { captureLog } from "../kit/log.js";
import { memoryDatabases } from "../kit/memoryDatabases.js";

/** A clock whose time moves only when told; timers due by then fire in order. */
class ManualClock implements Clock {
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private ids = 0;
  constructor(public time: number) {}
  now = () => this.time;
  setTimeout = (fn: () => void, ms: number) => {
    const id = ++this.ids;
    this.timers.push({ at: this.time + ms, fn, id });
    return id;
  };
  clearTimeout = (handle: unknown) => {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  };
  /** Moves the time forward, firing each timer at its time (and letting the promises it starts settle). */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      const due = this.timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.time = due.at;
      due.fn();
    }
    this.time = end;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const database = memoryDatabases();

function job(id: string, runs: number[], extra: Partial<Job> = {}): Job {
  return { id, when: { kind: "every", ms: 2000 }, missed: "skip", run: (at) => void runs.push(at), ...extra };
}

describe("Scheduler", () => {
  it("runs an interval job at each due time and saves the next one", async () => {
    const store = new SqliteJobStore(database());
    const clock = new ManualClock(100_000);
    const scheduler = new Scheduler(store, captureLog().log, clock);
    const runs: number[] = [];
    scheduler.add(job("p/tick", runs));
    await clock.advance(6_500);
    expect(runs).toEqual([102_000, 104_000, 106_000]);
    expect(store.get("p/tick")).toMatchObject({ nextRunAt: 108_000, lastRunAt: 106_000 });
    await scheduler.stop();
    await clock.advance(10_000);
    expect(runs).toHaveLength(3);
  });

  it("never runs one job twice at once: a due time during a run is skipped", async () => {
    const clock = new ManualClock(0);
    const capture = captureLog();
    const scheduler = new Scheduler(new SqliteJobStore(database()), capture.log, clock);
    let release!: () => void;
    let active = 0;
    let most = 0;
    const starts: number[] = [];
    scheduler.add(
      job("p/slow", [], {
        run: async (at) => {
          starts.push(at);
          active++;
          most = Math.max(most, active);
          await new Promise<void>((resolve) => {
            release = resolve;
          });
          active--;
        },
      }),
    );
    await clock.advance(7_000); // due at 2 s (runs), 4 s and 6 s (skipped: still running)
    expect(starts).toEqual([2000]);
    release();
    await clock.advance(1_000); // 8 s
    expect(starts).toEqual([2000, 8000]);
    expect(most).toBe(1);
    expect(capture.entries().filter((entry) => entry.msg === "run skipped: the previous run is still going")).toHaveLength(2);
    release();
    await scheduler.stop();
  });

  it("across a stop spanning two due times: skip drops them, once runs one", async () => {
    for (const missed of ["skip", "once"] as const) {
      const store = new SqliteJobStore(database());
      const clock = new ManualClock(0);
      const runs: number[] = [];
      const first = new Scheduler(store, captureLog().log, clock);
      first.add(job("p/tick", runs, { missed }));
      await clock.advance(2_500); // ran at 2 s; 4 s is due next
      await first.stop();
      clock.time = 9_000; // stopped across 4, 6 and 8 s
      const second = new Scheduler(store, captureLog().log, clock);
      second.add(job("p/tick", runs, { missed }));
      await clock.advance(1_500);
      await second.stop();
      expect(runs).toEqual(missed === "skip" ? [2000, 10_000] : [2000, 4000, 10_000]);
    }
  });

  it("runs a one-off time once, not again after a restart", async () => {
    const store = new SqliteJobStore(database());
    const clock = new ManualClock(Date.parse("2026-12-24T16:59:00Z"));
    const runs: number[] = [];
    const oneOff: Job = {
      id: "p/xmas",
      when: { kind: "at", time: "2026-12-24T18:00:00", timeZone: "Europe/Berlin" },
      missed: "once",
      run: (at) => void runs.push(at),
    };
    const first = new Scheduler(store, captureLog().log, clock);
    first.add(oneOff);
    await clock.advance(120_000);
    await first.stop();
    const second = new Scheduler(store, captureLog().log, clock);
    second.add(oneOff);
    await clock.advance(120_000);
    await second.stop();
    expect(runs).toEqual([Date.parse("2026-12-24T17:00:00Z")]);
  });

  it("a failing run is logged and the job goes on", async () => {
    const clock = new ManualClock(0);
    const capture = captureLog();
    const scheduler = new Scheduler(new SqliteJobStore(database()), capture.log, clock);
    let calls = 0;
    scheduler.add(
      job("p/boom", [], {
        run: () => {
          calls++;
        },
      }),
    );
    scheduler.add(
      job("p/fail", [], {
        run: () => {
          throw new Error("no");
        },
      }),
    );
    await clock.advance(4_000);
    await scheduler.stop();
    expect(calls).toBe(2);
    expect(capture.entries().filter((entry) => entry.msg === "scheduled job failed" && entry.job === "p/fail")).toHaveLength(2);
  });
});
