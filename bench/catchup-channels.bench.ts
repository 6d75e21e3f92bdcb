/**
 * Catch-up with many quiet channels saved (issue 12): 20,000 messages sent while nothing runs, by simulated
 * people, into 5 chats (two private chats, a basic group, two supergroups), the account also in 1,000 quiet
 * supergroups it has saved; then the runtime starts from its saved update state. Measured per start: every
 * missed message handled exactly once, the time from startRuntime to the last one handled, and the calls
 * the catch-up made (the emulator's call statistics). Side by side, in the same run: catch-up as it is now
 * (the common difference, then only the channels it names) and as it was before (every saved channel's
 * difference at every start: the runtime's silenceMs 0).
 */

import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../src/app/config.js";
import { SessionStore } from "../src/telegram/sessionStore.js";
import { countdown } from "../test/kit/deferred.js";
import { type BenchWorld, loginTestNumber, runtimeOn, type Send, sendAll, startBenchWorld } from "./runtime-support.js";
import type { Benchmark, Metric } from "./types.js";

const MISSED = 20_000;
const QUIET_CHANNELS = 1_000;
/** The calls catch-up makes (the rest are the start's own: getMe, getConfig, ...). */
const CATCH_UP_METHODS = ["updates.getDifference", "updates.getChannelDifference", "updates.getState", "messages.getHistory", "messages.getDialogs"];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Round {
  readonly handled: number;
  readonly distinct: number;
  readonly seconds: number;
  readonly calls: Record<string, number>;
}

/** Sends the traffic, starts the runtime (silenceMs as given), and measures until every missed message was handled. */
async function round(world: BenchWorld, config: Config, store: SessionStore, traffic: readonly Send[], silenceMs?: number): Promise<Round> {
  await sendAll(world, traffic);
  const before = (await world.control.stats()).rpc;
  const keys = new Set<string>();
  const clock = countdown(traffic.length);
  const started = performance.now();
  const runtime = await runtimeOn(
    config,
    store,
    (message) => {
      keys.add(`${message.chatId}:${message.messageId}`);
      clock.tick();
    },
    { silenceMs },
  );
  await Promise.race([clock.done, sleep(180_000)]);
  const seconds = (performance.now() - started) / 1000;
  await runtime.caughtUp;
  await runtime.stop();
  const after = (await world.control.stats()).rpc;
  const calls = Object.fromEntries(CATCH_UP_METHODS.map((method) => [method, (after[method] ?? 0) - (before[method] ?? 0)]));
  return { handled: clock.ticks, distinct: keys.size, seconds, calls };
}

const total = (calls: Record<string, number>) => Object.values(calls).reduce((sum, count) => sum + count, 0);
const listed = (calls: Record<string, number>) =>
  Object.entries(calls)
    .filter(([, count]) => count > 0)
    .map(([method, count]) => `${method.split(".")[1]} ${count}`)
    .join(", ");

export default {
  name: "catchup-channels",
  description: `catch-up of ${MISSED.toLocaleString("en-US")} messages missed in 5 chats with ${QUIET_CHANNELS.toLocaleString("en-US")} quiet channels saved: now vs every saved channel fetched (before)`,
  async run(): Promise<Metric[]> {
    const world = await startBenchWorld();
    try {
      const { control } = world;
      const config = world.config();
      const owner = await control.createUser({ firstName: "Olivia", phone: "9996621700" });
      const people = await Promise.all(["Alice", "Bob", "Carol"].map((firstName) => control.createUser({ firstName })));
      const ids = people.map((person) => person.id);
      const members = ids.map((userId) => ({ userId, role: "member" as const }));
      const group = await control.createChat({ type: "group", title: "Family", creatorId: owner.id, members });
      const supergroups = await Promise.all(["Team", "Club"].map((title) => control.createChat({ type: "supergroup", title, creatorId: owner.id, members })));
      for (let n = 0; n < QUIET_CHANNELS; n += 1) {
        await control.createChat({ type: "supergroup", title: `Quiet ${n}`, creatorId: ids[0], members: [{ userId: owner.id, role: "member" }] });
      }
      const targets: { peer: Send["peer"]; senders: string[] }[] = [
        { peer: { type: "user", id: owner.id }, senders: [ids[0]] },
        { peer: { type: "user", id: owner.id }, senders: [ids[1]] },
        { peer: { type: "chat", id: group.id }, senders: ids },
        ...supergroups.map((chat) => ({ peer: { type: "channel" as const, id: chat.id }, senders: ids })),
      ];
      const traffic = (label: string): Send[] =>
        Array.from({ length: MISSED }, (_, n) => {
          const target = targets[n % targets.length];
          return { fromId: target.senders[Math.floor(n / targets.length) % target.senders.length], peer: target.peer, text: `${label} message ${n}` };
        });
      const session = await loginTestNumber(world, "9996621700");
      const store = new SessionStore(mkdtempSync(join(world.dir, "sessions-")));
      store.save("default", session);
      // The first start records the state and the dialogs' channels: a second after the channels were made, so they are quiet.
      await sleep(1_100);
      const first = await runtimeOn(config, store, () => {});
      await first.caughtUp;
      await first.stop();

      const before = await round(world, config, store, traffic("before"), 0);
      const now = await round(world, config, store, traffic("now"));
      const metric = (label: string, r: Round): Metric[] => [
        {
          name: `${label}: missed messages handled once`,
          value: r.distinct,
          unit: "messages",
          target: { op: ">=", value: MISSED },
          note: `${r.handled} handled in all (a duplicate would count twice)`,
        },
        { name: `${label}: catch-up time`, value: Number(r.seconds.toFixed(2)), unit: "s", note: "from startRuntime to the last missed message handled" },
        { name: `${label}: catch-up calls`, value: total(r.calls), unit: "RPCs", note: listed(r.calls) },
      ];
      return [...metric("now (named channels only)", now), ...metric("before (every saved channel)", before)];
    } finally {
      await world.stop();
    }
  },
} satisfies Benchmark;
