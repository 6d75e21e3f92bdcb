/** Due times: cron in a time zone (with fixed clocks), intervals keeping their cadence, one-off times, and the missed-run policy. */
import { describe, expect, it } from "vitest";
import { checkWhen, nextRunAfter, planStart, type When } from "../../src/automations/timing.js";

const at = (iso: string) => Date.parse(iso);

describe("nextRunAfter", () => {
  it("reads cron in the job's time zone, summer and winter", () => {
    const nine: When = { kind: "cron", pattern: "0 9 * * *", timeZone: "Europe/Berlin" };
    expect(new Date(nextRunAfter(nine, at("2026-07-01T06:00:00Z"))!).toISOString()).toBe("2026-07-01T07:00:00.000Z");
    expect(new Date(nextRunAfter(nine, at("2026-12-01T06:00:00Z"))!).toISOString()).toBe("2026-12-01T08:00:00.000Z");
    expect(new Date(nextRunAfter(nine, at("2026-12-01T08:00:00Z"))!).toISOString()).toBe("2026-12-02T08:00:00.000Z");
    const tokyo: When = { kind: "cron", pattern: "30 8 * * 1-5", timeZone: "Asia/Tokyo" };
    // Friday 2026-12-04 23:40 UTC is Saturday in Tokyo: the next weekday 08:30 there is Monday.
    expect(new Date(nextRunAfter(tokyo, at("2026-12-04T23:40:00Z"))!).toISOString()).toBe("2026-12-06T23:30:00.000Z");
  });

  it("keeps an interval's cadence from its last due time", () => {
    const every: When = { kind: "every", ms: 2000 };
    expect(nextRunAfter(every, 10_000)).toBe(12_000);
    expect(nextRunAfter(every, 10_050, 10_000)).toBe(12_000);
    expect(nextRunAfter(every, 15_500, 10_000)).toBe(16_000);
    expect(nextRunAfter(every, 16_000, 16_000)).toBe(18_000);
  });

  it("runs a one-off time once, read in its time zone", () => {
    const once: When = { kind: "at", time: "2026-12-24T18:00:00", timeZone: "Europe/Berlin" };
    expect(new Date(nextRunAfter(once, at("2026-12-01T00:00:00Z"))!).toISOString()).toBe("2026-12-24T17:00:00.000Z");
    expect(nextRunAfter(once, at("2026-12-25T00:00:00Z"))).toBeUndefined();
  });

  it("rejects bad patterns and zones", () => {
    expect(() => checkWhen({ kind: "cron", pattern: "61 * * * *" })).toThrow();
    expect(() => checkWhen({ kind: "cron", pattern: "* * * * *", timeZone: "Mars/Base" })).toThrow();
    expect(() => checkWhen({ kind: "every", ms: 10 })).toThrow("at least 1s");
  });
});

describe("planStart", () => {
  const every: When = { kind: "every", ms: 2000 };
  it("waits for the stored due time when it is still ahead", () => {
    expect(planStart(every, 12_000, 11_000, "skip")).toEqual({ next: 12_000 });
  });
  it("drops runs missed while stopped under skip, and runs one under once", () => {
    // Stopped at 11 s with 12 s due; back at 17.5 s: 12, 14 and 16 s fell.
    expect(planStart(every, 12_000, 17_500, "skip")).toEqual({ next: 18_000 });
    expect(planStart(every, 12_000, 17_500, "once")).toEqual({ missedRun: 12_000, next: 18_000 });
  });
  it("a missed one-off time runs under once and is over under skip", () => {
    const once: When = { kind: "at", time: "2026-12-24T18:00:00Z" };
    const due = at("2026-12-24T18:00:00Z");
    expect(planStart(once, due, due + 60_000, "once")).toEqual({ missedRun: due, next: undefined });
    expect(planStart(once, due, due + 60_000, "skip")).toEqual({ next: undefined });
  });
});
