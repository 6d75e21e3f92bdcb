/**
 * Scheduled messages end to end: npm start's composition (startUserbot) over the emulator, the
 * `schedule:` section of automations.yaml and a plugin's schedule() job sending through the gateway,
 * received by a second account's GramJS client; a stop spanning two due times follows the job's policy.
 */
import { join } from "node:path";
import type { TelegramClient } from "telegram";
import { NewMessage, type NewMessageEvent } from "telegram/events/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUserbot } from "../../../src/app/userbot.js";
import { parseAutomations } from "../../../src/automations/load.js";
import type { Automations } from "../../../src/automations/schema.js";
import { definePlugin } from "../../../src/handlers/plugin.js";
import { type MissedRunPolicy, schedule } from "../../../src/handlers/schedule.js";
import type { Runtime } from "../../../src/runtime/index.js";
import { SessionStore } from "../../../src/telegram/sessionStore.js";
import { captureLog } from "../../kit/log.js";
import { preSharedSession, signedInClient, startWorld, type World, workingDir } from "../../kit/world.js";

let world: World;
let owner: { id: string };
let alice: { id: string };
let aliceClient: TelegramClient;
let store: SessionStore;
/** Every message Alice received, with when it arrived. */
const received: { text: string; at: number }[] = [];
const waiters = new Set<() => void>();

/** Resolves once Alice has `count` messages matching, or rejects after timeoutMs. */
function receivedCount(match: (text: string) => boolean, count: number, timeoutMs = 15_000): Promise<{ text: string; at: number }[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const found = received.filter((entry) => match(entry.text));
      if (found.length < count) return;
      waiters.delete(check);
      clearTimeout(timer);
      resolve(found);
    };
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(new Error(`Alice received ${received.filter((entry) => match(entry.text)).length} of ${count} messages within ${timeoutMs} ms`));
    }, timeoutMs);
    waiters.add(check);
    check();
  });
}

function automations(yaml: string): Automations {
  const result = parseAutomations(yaml, "automations.yaml");
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.automations;
}

function ticker(missed: MissedRunPolicy) {
  return definePlugin({
    name: "ticker",
    handlers: [],
    jobs: [
      schedule(
        { every: "2s" },
        async (ctx) => {
          const user = await ctx.telegram.getUser({ username: "alice_sched" });
          await ctx.telegram.sendMessage(user?.id ?? "", `tick ${ctx.scheduledAt.getTime()}`);
        },
        { name: `tick-${missed}`, missed },
      ),
    ],
  });
}

const logs = captureLog({ level: "info" });

function start(options: { automations?: Automations; plugins: ReturnType<typeof ticker>[] }): Promise<Runtime> {
  return startUserbot({ config: world.config(), store, sessionName: "default", plugins: options.plugins, automations: options.automations, log: logs.log });
}

beforeAll(async () => {
  world = await startWorld();
  owner = await world.control.createUser({ firstName: "Olivia", phone: "9996621501" });
  alice = await world.control.createUser({ firstName: "Alice", username: "alice_sched" });
  aliceClient = await signedInClient(world.emu, alice.id, { getMe: true });
  aliceClient.addEventHandler((event: NewMessageEvent) => {
    received.push({ text: event.message.message, at: Date.now() });
    for (const check of [...waiters]) check();
  }, new NewMessage({}));
  const cwd = workingDir(world, await preSharedSession(world.emu, owner.id));
  store = new SessionStore(join(cwd, "sessions"));
});

afterAll(async () => {
  await aliceClient?.destroy();
  await world?.stop();
});

describe("schedule", () => {
  it("sends the file's scheduled text to a chat by @username, every 2 s on time", async () => {
    const runtime = await start({
      automations: automations("schedule:\n  - name: hello\n    every: 2s\n    to: '@alice_sched'\n    text: Scheduled hello\n"),
      plugins: [],
    });
    try {
      const arrivals = (await receivedCount((text) => text === "Scheduled hello", 3)).map((entry) => entry.at);
      const gaps = arrivals.slice(1).map((at, index) => at - arrivals[index]);
      for (const gap of gaps) expect(Math.abs(gap - 2000)).toBeLessThan(300);
    } finally {
      await runtime.stop();
    }
  });

  for (const missed of ["skip", "once"] as const) {
    it(`a stop spanning two due times: ${missed}`, async () => {
      const ticks = (text: string) => text.startsWith("tick ");
      received.length = 0;
      const first = await start({ plugins: [ticker(missed)] });
      const [firstTick] = await receivedCount(ticks, 1);
      await first.stop();
      const stoppedAt = Date.now();
      // Stay stopped across two due times (every 2 s): a wait for time itself, which is what is tested.
      await new Promise((resolve) => setTimeout(resolve, 4500));
      const restartAt = Date.now();
      const second = await start({ plugins: [ticker(missed)] });
      try {
        await receivedCount(ticks, missed === "once" ? 3 : 2);
      } finally {
        await second.stop();
      }
      const due = received.filter((entry) => ticks(entry.text)).map((entry) => Number(entry.text.slice(5)));
      expect(new Set(due).size).toBe(due.length);
      const whileStopped = due.filter((at) => at > Number(firstTick.text.slice(5)) && at < restartAt);
      expect(logs.entries().filter((entry) => (entry.level ?? 0) >= 50)).toEqual([]);
      expect(whileStopped.length).toBe(missed === "once" ? 1 : 0);
      if (missed === "once") expect(whileStopped[0]).toBeGreaterThan(stoppedAt - 2000);
    }, 30_000);
  }
});
