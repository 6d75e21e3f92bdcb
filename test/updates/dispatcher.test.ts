import { describe, expect, it } from "vitest";
import { Dispatcher } from "../../src/updates/dispatcher.js";
import { captureLogger, deferred } from "../runtime/fakes.js";

interface Item {
  chat: string;
  n: number;
}

describe("Dispatcher never drops", () => {
  it("keeps every message of a chat past its queue length, in order, and logs the backlog once with its peak", async () => {
    const { log, lines } = captureLogger();
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
    const { log } = captureLogger();
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
    const { log } = captureLogger();
    const dispatcher = new Dispatcher<Item>({ keyOf: (item) => item.chat, process: () => new Promise(() => {}), log, concurrency: 1, maxQueued: 1 });
    dispatcher.push({ chat: "A", n: 0 });
    dispatcher.push({ chat: "A", n: 1 });
    const waiting = dispatcher.whenWritable();
    await dispatcher.drain(1);
    await waiting;
    expect(dispatcher.push({ chat: "A", n: 2 })).toBe("closed");
  });
});
