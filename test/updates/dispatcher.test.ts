import { afterEach, describe, expect, it, vi } from "vitest";
import { Dispatcher, type DispatcherOptions } from "../../src/updates/dispatcher.js";
import { deferred } from "../kit/deferred.js";
import { captureLog } from "../kit/log.js";

interface Item {
  chat: string;
  n: number;
}

/** A dispatcher whose items each wait on their own deferred; records start and end order. */
function harness(options: Partial<DispatcherOptions<Item>> = {}) {
  const { log, lines } = captureLog();
  const gates = new Map<string, ReturnType<typeof deferred<void>>>();
  const started = new Map<string, ReturnType<typeof deferred<void>>>();
  const events: string[] = [];
  const key = (item: Item) => `${item.chat}${item.n}`;
  const signal = (name: string) => {
    if (!started.has(name)) started.set(name, deferred());
    return started.get(name)!;
  };
  const gate = (name: string) => {
    if (!gates.has(name)) gates.set(name, deferred());
    return gates.get(name)!;
  };
  const dispatcher = new Dispatcher<Item>({
    keyOf: (item) => item.chat,
    process: async (item) => {
      events.push(`start ${key(item)}`);
      signal(key(item)).resolve();
      await gate(key(item)).promise;
      events.push(`end ${key(item)}`);
    },
    log,
    ...options,
  });
  return {
    dispatcher,
    events,
    lines,
    started: (name: string) => signal(name).promise,
    finish: (name: string) => gate(name).resolve(),
    fail: (name: string, error: Error) => gate(name).reject(error),
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("Dispatcher", () => {
  it("handles the messages of one chat one at a time, in arrival order", async () => {
    const h = harness();
    for (const n of [1, 2, 3]) expect(h.dispatcher.push({ chat: "A", n })).toBe("queued");
    await h.started("A1");
    expect(h.events).toEqual(["start A1"]);
    h.finish("A1");
    await h.started("A2");
    expect(h.events).toEqual(["start A1", "end A1", "start A2"]);
    h.finish("A2");
    await h.started("A3");
    h.finish("A3");
    await h.dispatcher.drain(1000);
    expect(h.events).toEqual(["start A1", "end A1", "start A2", "end A2", "start A3", "end A3"]);
  });

  it("lets other chats go on while one chat's handler is slow", async () => {
    const h = harness();
    h.dispatcher.push({ chat: "A", n: 1 });
    h.dispatcher.push({ chat: "B", n: 1 });
    h.dispatcher.push({ chat: "B", n: 2 });
    await h.started("B1");
    h.finish("B1");
    await h.started("B2");
    h.finish("B2");
    expect(h.events).toContain("end B1");
    expect(h.events).not.toContain("end A1");
    h.finish("A1");
    const result = await h.dispatcher.drain(1000);
    expect(result).toEqual({ completed: true, running: 0, abandoned: 0 });
  });

  it("never runs more chats at once than the concurrency limit", async () => {
    const h = harness({ concurrency: 2 });
    for (const chat of ["A", "B", "C"]) h.dispatcher.push({ chat, n: 1 });
    await h.started("A1");
    await h.started("B1");
    expect(h.events).toEqual(["start A1", "start B1"]);
    expect(h.dispatcher.stats()).toMatchObject({ running: 2, queued: 1 });
    h.finish("B1");
    await h.started("C1");
    expect(h.events).toEqual(["start A1", "start B1", "end B1", "start C1"]);
    h.finish("A1");
    h.finish("C1");
    await h.dispatcher.drain(1000);
  });

  it("logs a failure with its chat and keeps handling that chat's next messages", async () => {
    const h = harness();
    h.dispatcher.push({ chat: "A", n: 1 });
    h.dispatcher.push({ chat: "A", n: 2 });
    h.fail("A1", new Error("boom"));
    await h.started("A2");
    h.finish("A2");
    await h.dispatcher.drain(1000);
    const failure = h.lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === "message processing failed");
    expect(failure).toMatchObject({ chat: "A", err: { message: "boom" } });
    expect(h.events).toContain("end A2");
  });

  it("drain stops taking work, abandons queued messages and waits for running ones", async () => {
    const h = harness();
    h.dispatcher.push({ chat: "A", n: 1 });
    h.dispatcher.push({ chat: "A", n: 2 });
    await h.started("A1");
    const drained = h.dispatcher.drain(5000);
    expect(h.dispatcher.push({ chat: "B", n: 1 })).toBe("closed");
    h.finish("A1");
    expect(await drained).toEqual({ completed: true, running: 0, abandoned: 1 });
    expect(h.events).toEqual(["start A1", "end A1"]);
  });

  it("drain gives up after its timeout when a handler hangs", async () => {
    vi.useFakeTimers();
    const h = harness();
    h.dispatcher.push({ chat: "A", n: 1 });
    const drained = h.dispatcher.drain(2000);
    await vi.advanceTimersByTimeAsync(2000);
    expect(await drained).toEqual({ completed: false, running: 1, abandoned: 0 });
  });

  it("frees the slot of a handler slower than slowAfterMs, while its own chat keeps waiting", async () => {
    vi.useFakeTimers();
    const h = harness({ concurrency: 1, slowAfterMs: 1000 });
    h.dispatcher.push({ chat: "A", n: 1 });
    h.dispatcher.push({ chat: "A", n: 2 });
    h.dispatcher.push({ chat: "B", n: 1 });
    expect(h.events).toEqual(["start A1"]);
    await vi.advanceTimersByTimeAsync(1000);
    await h.started("B1");
    expect(h.events).toEqual(["start A1", "start B1"]);
    expect(h.lines.some((line) => JSON.parse(line).msg.startsWith("slow handler"))).toBe(true);
    h.finish("B1");
    h.finish("A1");
    await h.started("A2");
    h.finish("A2");
    await h.dispatcher.drain(1000);
    expect(h.events.indexOf("start A2")).toBeGreaterThan(h.events.indexOf("end A1"));
  });

  it("rejects nonsensical limits", () => {
    const { log } = captureLog();
    expect(() => new Dispatcher({ keyOf: String, process: async () => {}, log, concurrency: 0 })).toThrow(/concurrency/);
  });
});

describe("Dispatcher never drops", () => {
  it("keeps every message of a chat past its queue length, in order, and logs the backlog once with its peak", async () => {
    const { log, lines } = captureLog();
    const gate = deferred();
    const all = deferred();
    const done: number[] = [];
    const dispatcher = new Dispatcher<Item>({
      keyOf: (item) => item.chat,
      process: async (item) => {
        if (item.n === 0) await gate.promise;
        done.push(item.n);
        if (done.length === 10) all.resolve();
      },
      log,
      maxQueuePerKey: 3,
    });
    const results = Array.from({ length: 10 }, (_, n) => dispatcher.push({ chat: "A", n }));
    expect(new Set(results)).toEqual(new Set(["queued"]));
    expect(dispatcher.stats()).toMatchObject({ running: 1, queued: 9 });
    gate.resolve();
    await all.promise;
    await dispatcher.drain(1000);
    expect(done).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const entries = lines.map((line) => JSON.parse(line));
    expect(entries.filter((entry) => entry.msg.startsWith("chat queue long"))).toHaveLength(1);
    expect(entries.find((entry) => entry.msg === "chat queue caught up")).toMatchObject({ chat: "A", peak: 9 });
  });

  it("whenWritable makes a patient producer wait while maxQueued items wait, and lets it go as they run", async () => {
    const { log } = captureLog();
    const gates = [deferred(), deferred(), deferred()];
    const dispatcher = new Dispatcher<Item>({
      keyOf: (item) => item.chat,
      process: (item) => gates[item.n].promise,
      log,
      concurrency: 1,
      maxQueued: 2,
    });
    for (const n of [0, 1, 2]) dispatcher.push({ chat: "A", n });
    let writable = false;
    const waiting = dispatcher.whenWritable().then(() => {
      writable = true;
    });
    await Promise.resolve();
    expect(writable).toBe(false);
    gates[0].resolve();
    await waiting;
    expect(dispatcher.stats().queued).toBe(1);
    gates[1].resolve();
    gates[2].resolve();
    await dispatcher.drain(1000);
  });

  it("lets waiting producers go when it drains", async () => {
    const { log } = captureLog();
    const dispatcher = new Dispatcher<Item>({ keyOf: (item) => item.chat, process: () => new Promise(() => {}), log, concurrency: 1, maxQueued: 1 });
    dispatcher.push({ chat: "A", n: 0 });
    dispatcher.push({ chat: "A", n: 1 });
    const waiting = dispatcher.whenWritable();
    await dispatcher.drain(1);
    await waiting;
    expect(dispatcher.push({ chat: "A", n: 2 })).toBe("closed");
  });
});
