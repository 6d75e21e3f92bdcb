import { setImmediate as tick } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { AdaptiveConcurrency } from "../../src/audit/concurrency.js";
import { AuditError, AuditInterrupted } from "../../src/audit/errors.js";
import { isTransientError, type PageResult, type ParticipantsSource, runPlan } from "../../src/audit/fetcher.js";
import { EnumerationPlan, type PageTask } from "../../src/audit/plan.js";
import { FakeChat, type FakePerson, seenSink } from "./fakeTelegram.js";

function chatOf(count: number): FakeChat {
  const people: FakePerson[] = [{ id: 1, role: "creator", first: "Owner" }];
  for (let i = 2; i <= count; i++) people.push({ id: i, role: "member", first: `Person${i}` });
  return new FakeChat(people, Infinity);
}

/** A source answering from the chat a tick later, recording when each page started and how many were in flight. */
function timedSource(chat: FakeChat, fail: (task: PageTask, call: number) => unknown = () => undefined) {
  const starts: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let calls = 0;
  const source: ParticipantsSource = {
    async fetch(task): Promise<PageResult> {
      const call = ++calls;
      starts.push(performance.now());
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await tick();
        const error = fail(task, call);
        if (error !== undefined) throw error;
        return chat.page(task);
      } finally {
        inFlight--;
      }
    },
  };
  return { source, starts, stats: () => ({ maxInFlight, calls }) };
}

const floodWait = (seconds: number) =>
  Object.assign(new Error(`A wait of ${seconds} seconds is required`), { code: 420, seconds, errorMessage: "FLOOD_WAIT_X" });

describe("the fetcher", () => {
  it("keeps requests in flight up to the limit, growing it while calls succeed", async () => {
    const chat = chatOf(20_000);
    const { source, stats } = timedSource(chat);
    const { seen, sink } = seenSink();
    const concurrency = new AdaptiveConcurrency({ initial: 2, max: 6 });
    const totals = await runPlan(new EnumerationPlan({ memberCount: chat.memberCount, canListBanned: false }), source, sink, {
      concurrency,
      maxFloodWaitSeconds: 60,
    });
    expect(seen.size).toBe(20_000);
    expect(totals).toEqual({ requests: 100, floodWaits: 0, retries: 0 });
    expect(stats().maxInFlight).toBe(6);
    expect(concurrency.limit).toBe(6);
  });

  it("on FLOOD_WAIT pauses every request for the wait, halves the limit, retries the page and recovers", async () => {
    const chat = chatOf(8_000);
    const { source, starts } = timedSource(chat, (_task, call) => (call === 10 ? floodWait(0.2) : undefined));
    const { seen, sink } = seenSink();
    const concurrency = new AdaptiveConcurrency({ initial: 8, max: 8 });
    const effects: { from: number; to: number; seconds: number }[] = [];
    let floodAt = 0;
    const totals = await runPlan(new EnumerationPlan({ memberCount: chat.memberCount, canListBanned: false }), source, sink, {
      concurrency,
      maxFloodWaitSeconds: 60,
      onFloodWait: (effect) => {
        floodAt = performance.now();
        effects.push(effect);
      },
    });
    expect(seen.size).toBe(8_000);
    expect(totals.floodWaits).toBe(1);
    expect(totals.requests).toBe(41);
    expect(effects).toEqual([expect.objectContaining({ seconds: 0.2, from: 8, to: 4 })]);
    const startedDuringPause = starts.filter((t) => t > floodAt && t < floodAt + 190);
    expect(startedDuringPause).toEqual([]);
    expect(concurrency.limit).toBeGreaterThan(4);
  });

  it("stops with a clear error when Telegram asks for a longer wait than allowed", async () => {
    const chat = chatOf(2_000);
    const { source } = timedSource(chat, (_task, call) => (call === 3 ? floodWait(3600) : undefined));
    const { sink } = seenSink();
    const run = runPlan(new EnumerationPlan({ memberCount: chat.memberCount, canListBanned: false }), source, sink, {
      concurrency: new AdaptiveConcurrency(),
      maxFloodWaitSeconds: 300,
    });
    await expect(run).rejects.toThrow(AuditError);
    await expect(run).rejects.toThrow(/wait 3600 s/);
  });

  it("retries transient server errors with a growing pause", async () => {
    const chat = chatOf(1_000);
    const internal = Object.assign(new Error("INTERNAL"), { code: 500, errorMessage: "INTERNAL" });
    const { source } = timedSource(chat, (_task, call) => (call <= 2 ? internal : undefined));
    const { seen, sink } = seenSink();
    const totals = await runPlan(new EnumerationPlan({ memberCount: chat.memberCount, canListBanned: false }), source, sink, {
      concurrency: new AdaptiveConcurrency({ initial: 1 }),
      maxFloodWaitSeconds: 60,
      retryBaseMs: 5,
    });
    expect(seen.size).toBe(1_000);
    expect(totals.retries).toBe(2);
    expect(isTransientError({ errorMessage: "TIMEOUT" })).toBe(true);
    expect(isTransientError({ code: 400, errorMessage: "CHANNEL_INVALID" })).toBe(false);
  });

  it("stops on an error that is not worth retrying, once pages in flight settle", async () => {
    const chat = chatOf(5_000);
    const denied = Object.assign(new Error("CHAT_ADMIN_REQUIRED"), { code: 403, errorMessage: "CHAT_ADMIN_REQUIRED" });
    const { source, stats } = timedSource(chat, (_task, call) => (call === 4 ? denied : undefined));
    const { sink } = seenSink();
    await expect(
      runPlan(new EnumerationPlan({ memberCount: chat.memberCount, canListBanned: false }), source, sink, {
        concurrency: new AdaptiveConcurrency({ initial: 4 }),
        maxFloodWaitSeconds: 60,
      }),
    ).rejects.toBe(denied);
    expect(stats().calls).toBeLessThan(25);
  });

  it("stops when aborted: no page starts afterwards and AuditInterrupted is thrown", async () => {
    const chat = chatOf(10_000);
    const controller = new AbortController();
    const { source, stats } = timedSource(chat);
    const { sink } = seenSink();
    let callsAtAbort = 0;
    const run = runPlan(new EnumerationPlan({ memberCount: chat.memberCount, canListBanned: false }), source, sink, {
      concurrency: new AdaptiveConcurrency({ initial: 2, max: 2 }),
      signal: controller.signal,
      maxFloodWaitSeconds: 60,
      onProgress: (p) => {
        if (p.requests >= 6 && !controller.signal.aborted) {
          callsAtAbort = stats().calls;
          controller.abort();
        }
      },
    });
    await expect(run).rejects.toBeInstanceOf(AuditInterrupted);
    expect(stats().calls).toBe(callsAtAbort);
  });
});

describe("the adaptive limit", () => {
  it("grows by one after as many successes as the limit, halves on a flood wait and pauses", () => {
    let now = 0;
    const limit = new AdaptiveConcurrency({ initial: 4, min: 1, max: 5 }, () => now);
    for (let i = 0; i < 4; i++) limit.success();
    expect(limit.limit).toBe(5);
    for (let i = 0; i < 10; i++) limit.success();
    expect(limit.limit).toBe(5);
    expect(limit.floodWait(3)).toEqual({ seconds: 3, resumeAt: 3000, from: 5, to: 2 });
    expect(limit.pauseLeft()).toBe(3000);
    now = 2500;
    expect(limit.pauseLeft()).toBe(500);
    limit.floodWait(1);
    limit.floodWait(1);
    expect(limit.limit).toBe(1);
    now = 10_000;
    expect(limit.pauseLeft()).toBe(0);
  });
});
