import { errors } from "telegram";
import { describe, expect, it } from "vitest";
import { floodWaitSeconds } from "../../src/errors.js";
import { FloodWaitError } from "../../src/handlers/errors.js";
import { type FloodWaitPolicy, withFloodWait } from "../../src/telegram/floodWait.js";

/** GramJS's own error for FLOOD_WAIT_X, built the way its RPC layer builds it. */
function gramjsFloodWait(seconds: number): Error {
  return new errors.FloodWaitError({ request: undefined, capture: seconds });
}

/** A call that fails with the given errors in turn, then returns "ok". */
function flaky(failures: unknown[]): { call: () => Promise<string>; calls: () => number } {
  let count = 0;
  return {
    call: async () => {
      const failure = failures[count];
      count += 1;
      if (failure !== undefined) throw failure;
      return "ok";
    },
    calls: () => count,
  };
}

/** A policy whose sleeps are recorded and return at once. */
function policy(overrides: Partial<FloodWaitPolicy> = {}): { policy: FloodWaitPolicy; slept: number[]; waits: number[] } {
  const slept: number[] = [];
  const waits: number[] = [];
  return {
    slept,
    waits,
    policy: {
      maxSleepSeconds: 10,
      maxRetries: 3,
      sleep: async (ms) => void slept.push(ms),
      onWait: ({ seconds }) => void waits.push(seconds),
      ...overrides,
    },
  };
}

describe("floodWaitSeconds", () => {
  it("recognises GramJS flood errors by their seconds and raw FLOOD_WAIT_X names", () => {
    expect(floodWaitSeconds(gramjsFloodWait(7))).toBe(7);
    expect(floodWaitSeconds(new errors.SlowModeWaitError({ request: undefined, capture: 30 }))).toBe(30);
    expect(floodWaitSeconds(new errors.RPCError("FLOOD_WAIT_12", undefined as never, 420))).toBe(12);
    expect(floodWaitSeconds({ errorMessage: "FLOOD_PREMIUM_WAIT_3" })).toBe(3);
    expect(floodWaitSeconds({ errorMessage: "SLOWMODE_WAIT_5" })).toBe(5);
  });

  it("ignores other errors, including look-alikes without code 420", () => {
    expect(floodWaitSeconds(new errors.RPCError("PEER_ID_INVALID", undefined as never, 400))).toBeUndefined();
    expect(floodWaitSeconds({ seconds: 5 })).toBeUndefined();
    expect(floodWaitSeconds(new Error("FLOOD_WAIT_5"))).toBeUndefined();
    expect(floodWaitSeconds("FLOOD_WAIT_5")).toBeUndefined();
    expect(floodWaitSeconds(null)).toBeUndefined();
  });
});

describe("withFloodWait", () => {
  it("sleeps through short waits and retries", async () => {
    const { policy: p, slept, waits } = policy();
    const call = flaky([gramjsFloodWait(2), gramjsFloodWait(3)]);
    await expect(withFloodWait("messages.sendMessage", call.call, p)).resolves.toBe("ok");
    expect(call.calls()).toBe(3);
    expect(slept).toEqual([2000, 3000]);
    expect(waits).toEqual([2, 3]);
  });

  it("raises a typed FloodWaitError at once for a wait above the threshold", async () => {
    const { policy: p, slept } = policy();
    const original = gramjsFloodWait(3600);
    const call = flaky([original]);
    const error = await withFloodWait("messages.sendMessage", call.call, p).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FloodWaitError);
    expect(error).toMatchObject({ seconds: 3600, method: "messages.sendMessage", cause: original });
    expect(call.calls()).toBe(1);
    expect(slept).toEqual([]);
  });

  it("gives up after maxRetries", async () => {
    const { policy: p, slept } = policy({ maxRetries: 2 });
    const call = flaky([gramjsFloodWait(1), gramjsFloodWait(1), gramjsFloodWait(1), gramjsFloodWait(1)]);
    const error = await withFloodWait("users.getUsers", call.call, p).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "FloodWaitError", seconds: 1, method: "users.getUsers" });
    expect(call.calls()).toBe(3);
    expect(slept).toEqual([1000, 1000]);
  });

  it("passes other errors and its own FloodWaitError through untouched", async () => {
    const { policy: p } = policy({ maxSleepSeconds: 1_000_000 });
    const other = new Error("USER_IS_BLOCKED");
    await expect(withFloodWait("m", flaky([other]).call, p)).rejects.toBe(other);
    const ours = new FloodWaitError(5, "inner");
    await expect(withFloodWait("outer", flaky([ours]).call, p)).rejects.toBe(ours);
  });
});
