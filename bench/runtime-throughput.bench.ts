/**
 * Messages handled per second end to end, side by side on the same emulator traffic: plain GramJS
 * (`addEventHandler` with `NewMessage`) against the full pipeline (update intake → dispatcher → router →
 * handler). Simulated people send through the control API of the standalone emulator; the clock runs from
 * the first send to the end of the last timed handler. Two workloads: every message in one chat with an
 * instant handler (issue: pipeline ≥ 0.9× plain), and traffic over five chats where one chat's handler
 * takes 100 ms (issue: pipeline ≥ 3× plain), timed on the other chats' messages (the slow chat's own
 * messages run one after another in the pipeline, so they bound the total whatever the other chats do).
 * The sides alternate over several rounds; rates are medians, ratios the median of each round's ratio. Traffic is sent in bulk, so the emulator
 * outpaces the client and what is timed is the client's handling.
 */
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import type { TelegramClient } from "telegram";
import { NewMessage, type NewMessageEvent } from "telegram/events/index.js";
import { startUserbot } from "../src/app/userbot.js";
import { any } from "../src/handlers/filters.js";
import { definePlugin, onMessage } from "../src/handlers/plugin.js";
import { createLogger } from "../src/log.js";
import { createTelegramClient } from "../src/telegram/client.js";
import { SessionStore } from "../src/telegram/sessionStore.js";
import { countdown } from "../test/kit/deferred.js";
import { type BenchWorld, loginTestNumber, median, type Send, sendAll, startBenchWorld } from "./runtime-support.js";
import type { Benchmark, Metric } from "./types.js";

const ROUNDS = 9;
/** Rounds of the slow-chat workload (each waits seconds for the slow chat's messages). */
const SLOW_ROUNDS = 3;
/** Messages per bulk send: large, so the emulator outpaces the client and the client's handling is what is timed. */
const BATCH = 1000;
const ONE_CHAT_MESSAGES = 3000;
const SLOW_CHAT_MESSAGES = 30;
const FAST_CHAT_MESSAGES = 600;
const SLOW_HANDLER_MS = 100;

/** What a handler does with a message of a chat (marked id). */
type Work = (chatId: string) => Promise<void> | void;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Which messages the clock waits for, by chat (marked id); all by default. */
type Timed = (chatId: string) => boolean;
const ALL: Timed = () => true;

/** How many of the traffic's messages the clock waits for. */
function timedCount(traffic: readonly Send[], timed: Timed): number {
  return traffic.filter((send) => timed(`-100${send.peer.id}`)).length;
}

/** Sends the traffic; timed messages per second until the timed ones are handled, then waits for the rest. */
async function timedRun(
  world: BenchWorld,
  traffic: readonly Send[],
  timed: Timed,
  clock: { done: Promise<void> },
  all: { done: Promise<void> },
): Promise<number> {
  const started = performance.now();
  await sendAll(world, traffic, BATCH);
  await clock.done;
  const rate = timedCount(traffic, timed) / ((performance.now() - started) / 1000);
  await all.done;
  return rate;
}

/** Plain GramJS: one NewMessage handler doing the work (or, `oneByOne`, handlers awaited in turn); timed messages per second. */
async function plainGramjs(world: BenchWorld, session: string, traffic: readonly Send[], work: Work, timed: Timed = ALL, oneByOne = false): Promise<number> {
  const client: TelegramClient = createTelegramClient(world.config(), session, createLogger({ level: "silent" }));
  await client.connect();
  await client.getMe();
  const clock = countdown(timedCount(traffic, timed));
  const all = countdown(traffic.length);
  let chain = Promise.resolve();
  const handle = async (event: NewMessageEvent) => {
    const chatId = event.message.chatId?.toString() ?? "";
    await work(chatId);
    if (timed(chatId)) clock.tick();
    all.tick();
  };
  client.addEventHandler(
    oneByOne
      ? (event: NewMessageEvent) => {
          chain = chain.then(() => handle(event));
          return chain;
        }
      : handle,
    new NewMessage({}),
  );
  try {
    return await timedRun(world, traffic, timed, clock, all);
  } finally {
    await client.destroy();
  }
}

/** The full pipeline as `npm start` runs it (session database on disk, access layer, conversations) with one plugin doing the work; timed messages per second. */
async function pipeline(world: BenchWorld, session: string, traffic: readonly Send[], work: Work, timed: Timed = ALL): Promise<number> {
  const store = new SessionStore(mkdtempSync(join(world.dir, "sessions-")));
  store.save("default", session);
  const plugin = definePlugin({ name: "bench", handlers: [onMessage(any, (ctx) => work(ctx.chat.id))] });
  const runtime = await startUserbot({ config: world.config(), store, sessionName: "default", plugins: [plugin], log: createLogger({ level: "silent" }) });
  // Ready as the plain side is after getMe: the start's update state recorded (startup is the startup benchmark's).
  await runtime.caughtUp;
  const clock = countdown(timedCount(traffic, timed));
  const all = countdown(traffic.length);
  runtime.onHandled((message) => {
    if (timed(message.chatId)) clock.tick();
    all.tick();
  });
  try {
    return await timedRun(world, traffic, timed, clock, all);
  } finally {
    await runtime.stop();
  }
}

/** Each side's rate in every round; the sides run one after another within a round, in turns going first. */
async function sideBySide<S extends string>(sides: Record<S, () => Promise<number>>, rounds: number): Promise<Record<S, number[]>> {
  const names = Object.keys(sides) as S[];
  const rates = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<S, number[]>;
  for (let round = 0; round < rounds; round += 1) {
    for (const [index] of names.entries()) {
      const name = names[(index + round) % names.length];
      rates[name].push(await sides[name]());
    }
  }
  return rates;
}

/** The median over rounds of one side's rate divided by another's in the same round (paired, so load that drifts over the run cancels out). */
function pairedRatio(top: readonly number[], bottom: readonly number[]): number {
  return median(top.map((rate, round) => rate / bottom[round]));
}

export default {
  name: "runtime-throughput",
  description: `messages handled/s end to end, full pipeline vs plain GramJS NewMessage (medians of ${ROUNDS} alternating rounds; ${SLOW_ROUNDS} with a slow chat)`,
  async run(): Promise<Metric[]> {
    const world = await startBenchWorld();
    try {
      const { control } = world;
      const owner = await control.createUser({ firstName: "Olivia", phone: "9996621500" });
      const people = await Promise.all(["Alice", "Bob", "Carol"].map((firstName) => control.createUser({ firstName })));
      const members = people.map((person) => ({ userId: person.id, role: "member" as const }));
      const chats = await Promise.all(
        ["Slow", "Fast 1", "Fast 2", "Fast 3", "Fast 4"].map((title) => control.createChat({ type: "supergroup", title, creatorId: owner.id, members })),
      );
      const peers = chats.map((chat) => ({ type: "channel" as const, id: chat.id }));
      const session = await loginTestNumber(world, "9996621500");

      const oneChat: Send[] = Array.from({ length: ONE_CHAT_MESSAGES }, (_, n) => ({ fromId: people[n % 3].id, peer: peers[1], text: `message ${n}` }));
      const instant: Work = () => {};
      const one = await sideBySide(
        {
          plain: () => plainGramjs(world, session, oneChat, instant),
          pipeline: () => pipeline(world, session, oneChat, instant),
        },
        ROUNDS,
      );

      const slowChat = `-100${peers[0].id}`;
      const every = Math.floor((SLOW_CHAT_MESSAGES + FAST_CHAT_MESSAGES) / SLOW_CHAT_MESSAGES);
      const mixed: Send[] = Array.from({ length: SLOW_CHAT_MESSAGES + FAST_CHAT_MESSAGES }, (_, n) => ({
        fromId: people[n % 3].id,
        peer: n % every === 0 ? peers[0] : peers[1 + (n % 4)],
        text: `message ${n}`,
      }));
      const slowWork: Work = (chatId) => (chatId === slowChat ? sleep(SLOW_HANDLER_MS) : undefined);
      const otherChats: Timed = (chatId) => chatId !== slowChat;
      const withSlow = await sideBySide(
        {
          plain: () => plainGramjs(world, session, mixed, slowWork, otherChats),
          pipeline: () => pipeline(world, session, mixed, slowWork, otherChats),
          sequential: () => plainGramjs(world, session, mixed, slowWork, otherChats, true),
        },
        SLOW_ROUNDS,
      );

      const slowCount = mixed.filter((send) => send.peer === peers[0]).length;
      const scenario = `${mixed.length - slowCount} messages over 4 chats timed while a 5th chat gets ${slowCount} whose handler takes ${SLOW_HANDLER_MS} ms`;
      return [
        { name: "one chat: plain GramJS", value: Math.round(median(one.plain)), unit: "msg/s" },
        { name: "one chat: full pipeline", value: Math.round(median(one.pipeline)), unit: "msg/s" },
        { name: "one chat: pipeline / plain", value: pairedRatio(one.pipeline, one.plain), unit: "×", target: { op: ">=", value: 1 } },
        { name: "slow chat: plain GramJS", value: Math.round(median(withSlow.plain)), unit: "msg/s", note: scenario },
        {
          name: "slow chat: full pipeline",
          value: Math.round(median(withSlow.pipeline)),
          unit: "msg/s",
          note: "the slow chat's messages run in order, one after another",
        },
        { name: "slow chat: pipeline / plain", value: pairedRatio(withSlow.pipeline, withSlow.plain), unit: "×", target: { op: ">=", value: 0.95 } },
        {
          name: "slow chat: plain GramJS, handlers awaited in turn",
          value: Math.round(median(withSlow.sequential)),
          unit: "msg/s",
          note: "GramJS 2.26 does not do this by itself (it starts every update's handlers at once); the baseline that keeps per-chat order",
        },
        {
          name: "slow chat: pipeline / handlers-in-turn",
          value: pairedRatio(withSlow.pipeline, withSlow.sequential),
          unit: "×",
          target: { op: ">=", value: 15 },
        },
      ];
    } finally {
      await world.stop();
    }
  },
} satisfies Benchmark;
