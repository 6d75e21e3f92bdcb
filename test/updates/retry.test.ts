/**
 * Retries of catch-up steps, on fake timers: the pauses double from 1 s to 30 s; a step abandoned because the
 * connection came back is made again at once and the pauses start over; a FLOOD_WAIT_X is waited X seconds,
 * once; stop ends a pause under way and makes no more attempts.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConnectionResetError } from "../../src/updates/calls.js";
import { Retrier, retryDelayMs } from "../../src/updates/retry.js";
import { captureLog } from "../kit/log.js";

afterEach(() => {
  vi.useRealTimers();
});

/** A step that fails with the given errors, in order, then succeeds; it counts its attempts. */
function failing(...errors: Error[]) {
  const step = { attempts: 0, run: async () => {} };
  step.run = async () => {
    step.attempts += 1;
    const error = errors.shift();
    if (error !== undefined) throw error;
  };
  return step;
}

const retried = (lines: string[]) =>
  lines.map((line) => JSON.parse(line) as { msg: string; retryMs: number }).filter((line) => line.msg === "could not fetch the difference; retrying");

describe("retryDelayMs", () => {
  it("doubles from 1 s and stops growing at 30 s", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });
});

describe("Retrier", () => {
  it("makes a failed step again after each pause, saying so, until it succeeds", async () => {
    vi.useFakeTimers();
    const { log, lines } = captureLog();
    const step = failing(new Error("one"), new Error("two"));
    let done = false;
    void new Retrier(log).run("fetch the difference", step.run).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(step.attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(step.attempts).toBe(2);
    await vi.advanceTimersByTimeAsync(2000);
    expect(step.attempts).toBe(3);
    expect(done).toBe(true);
    expect(retried(lines).map((line) => line.retryMs)).toEqual([1000, 2000]);
  });

  it("waits a FLOOD_WAIT_X once, X seconds, saying so, instead of calling sooner; later pauses start at 1 s", async () => {
    vi.useFakeTimers();
    const { log, entries } = captureLog();
    const flood = Object.assign(new Error("A wait of 30 seconds is required"), { code: 420, seconds: 30, errorMessage: "FLOOD_WAIT_30" });
    const step = failing(flood, new Error("one"));
    void new Retrier(log).run("fetch the difference of channel -1005", step.run);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(step.attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(step.attempts).toBe(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(step.attempts).toBe(3);
    expect(entries().filter((entry) => String(entry.msg).startsWith("flood wait"))).toEqual([
      expect.objectContaining({ seconds: 30, msg: "flood wait: waiting 30 s before trying to fetch the difference of channel -1005 again" }),
    ]);
  });

  it("makes a step abandoned by a reconnection again at once, and starts the pauses over", async () => {
    vi.useFakeTimers();
    const { log, lines } = captureLog();
    const step = failing(new Error("one"), new ConnectionResetError(), new Error("two"));
    void new Retrier(log).run("fetch the difference", step.run);
    await vi.advanceTimersByTimeAsync(1000);
    expect(step.attempts).toBe(3);
    await vi.advanceTimersByTimeAsync(1000);
    expect(step.attempts).toBe(4);
    expect(retried(lines).map((line) => line.retryMs)).toEqual([1000, 1000]);
  });

  it("stop ends a pause under way; the step is not made again", async () => {
    vi.useFakeTimers();
    const { log } = captureLog();
    const retrier = new Retrier(log);
    const step = failing(new Error("one"));
    const running = retrier.run("fetch the difference", step.run);
    await vi.advanceTimersByTimeAsync(10);
    retrier.stop();
    await running;
    expect(step.attempts).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("makes no attempt once stopped", async () => {
    const retrier = new Retrier(captureLog().log);
    retrier.stop();
    const step = failing();
    await retrier.run("fetch the difference", step.run);
    expect(step.attempts).toBe(0);
  });
});
