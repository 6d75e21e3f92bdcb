/**
 * Catch-up throughput: 20,000 messages sent (through the standalone emulator's control API, by simulated
 * people, across four private chats, a basic group and three channels) while nothing runs; then plain GramJS
 * connects with the same account (`addEventHandler` + `NewMessage`, and GramJS's `catchUp()`), and the full
 * runtime starts from its saved update state. The runtime's figure is missed messages handled per second,
 * from startRuntime's call to the last one handled; plain GramJS handles none of them (its catchUp() is an
 * empty TODO), which a live message sent after its wait shows is not for want of a working handler.
 */

import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import type { TelegramClient } from "telegram";
import { catchUp } from "telegram/client/updates.js";
import { NewMessage, type NewMessageEvent } from "telegram/events/index.js";
import { createLogger } from "../src/log.js";
import { createTelegramClient } from "../src/telegram/client.js";
import { SessionStore } from "../src/telegram/sessionStore.js";
import { countdown } from "../test/kit/deferred.js";
import { type BenchWorld, loginTestNumber, runtimeOn, type Send, sendAll, startBenchWorld } from "./runtime-support.js";
import type { Benchmark, Metric } from "./types.js";

const MISSED = 20_000;
const ROUNDS = 2;
/** How long plain GramJS is given to deliver the missed messages. */
const PLAIN_WAIT_MS = 5_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Plain GramJS on the same account: how many of the missed messages its NewMessage handler sees, and whether it sees a live one. */
async function plainGramjs(world: BenchWorld, session: string, live: Send): Promise<{ missed: number; live: boolean }> {
  const client: TelegramClient = createTelegramClient(world.config(), session, createLogger({ level: "silent" }));
  let missed = 0;
  let sawLive = false;
  client.addEventHandler((event: NewMessageEvent) => {
    if (event.message.message === live.text) sawLive = true;
    else missed += 1;
  }, new NewMessage({}));
  try {
    await client.connect();
    await client.getMe();
    catchUp();
    await sleep(PLAIN_WAIT_MS);
    await world.control.sendMessage(live.fromId, live.peer, live.text);
    for (let waited = 0; !sawLive && waited < 5_000; waited += 50) await sleep(50);
    return { missed, live: sawLive };
  } finally {
    await client.destroy();
  }
}

export default {
  name: "catchup",
  description: `catch-up of ${MISSED.toLocaleString("en-US")} messages missed while stopped: full runtime vs plain GramJS (best of ${ROUNDS})`,
  async run(): Promise<Metric[]> {
    const world = await startBenchWorld();
    try {
      const { control } = world;
      const config = world.config();
      const owner = await control.createUser({ firstName: "Olivia", phone: "9996621600" });
      const people = await Promise.all(["Alice", "Bob", "Carol", "Dave"].map((firstName) => control.createUser({ firstName })));
      const ids = people.map((person) => person.id);
      const group = await control.createChat({
        type: "group",
        title: "Family",
        creatorId: owner.id,
        members: ids.map((userId) => ({ userId, role: "member" })),
      });
      const channels = await Promise.all([
        control.createChat({ type: "channel", title: "News", creatorId: owner.id, members: ids.map((userId) => ({ userId, role: "admin" })) }),
        ...["Team", "Club"].map((title) =>
          control.createChat({ type: "supergroup", title, creatorId: owner.id, members: ids.map((userId) => ({ userId, role: "member" })) }),
        ),
      ]);
      const targets: { peer: Send["peer"]; senders: string[] }[] = [
        ...ids.map((id) => ({ peer: { type: "user" as const, id: owner.id }, senders: [id] })),
        { peer: { type: "chat", id: group.id }, senders: ids },
        ...channels.map((chat) => ({ peer: { type: "channel" as const, id: chat.id }, senders: ids })),
      ];
      const traffic = (round: number): Send[] =>
        Array.from({ length: MISSED }, (_, n) => {
          const target = targets[n % targets.length];
          return { fromId: target.senders[Math.floor(n / targets.length) % target.senders.length], peer: target.peer, text: `round ${round} message ${n}` };
        });
      const session = await loginTestNumber(world, "9996621600");
      const store = new SessionStore(mkdtempSync(join(world.dir, "sessions-")));
      store.save("default", session);
      const first = await runtimeOn(config, store, () => {});
      await first.caughtUp;
      await first.stop();

      let best = 0;
      let bestSeconds = 0;
      let fewest = Infinity;
      let plainMissed = 0;
      let plainLive = true;
      for (let round = 0; round < ROUNDS; round += 1) {
        await sendAll(world, traffic(round));
        const plain = await plainGramjs(world, session, { fromId: ids[0], peer: { type: "user", id: owner.id }, text: `live after round ${round}` });
        plainMissed = Math.max(plainMissed, plain.missed);
        plainLive &&= plain.live;
        // The runtime missed the live message too: MISSED + 1 to catch up.
        const clock = countdown(MISSED + 1);
        const started = performance.now();
        const runtime = await runtimeOn(config, store, () => clock.tick());
        await Promise.race([clock.done, sleep(120_000)]);
        const seconds = (performance.now() - started) / 1000;
        await runtime.stop();
        fewest = Math.min(fewest, clock.ticks);
        if (clock.ticks / seconds > best) {
          best = clock.ticks / seconds;
          bestSeconds = seconds;
        }
      }
      return [
        {
          name: "runtime: missed messages handled",
          value: fewest,
          unit: "messages",
          target: { op: ">=", value: MISSED + 1 },
          note: `of ${MISSED + 1} (worst round)`,
        },
        {
          name: "runtime: catch-up throughput",
          value: Math.round(best),
          unit: "msg/s",
          note: `from startRuntime to the last one handled (${bestSeconds.toFixed(1)} s); channel gaps past 100 updates are refetched with messages.getHistory`,
        },
        {
          name: "plain GramJS: missed messages handled",
          value: plainMissed,
          unit: "messages",
          note: `NewMessage handler, GramJS's catchUp() called, ${PLAIN_WAIT_MS / 1000} s wait; it did handle the live message sent after: ${plainLive ? "yes" : "no"}`,
        },
        {
          name: "plain GramJS: catch-up throughput",
          value: plainMissed / (PLAIN_WAIT_MS / 1000),
          unit: "msg/s",
          note: "GramJS 2.26's catchUp() is an empty TODO",
        },
      ];
    } finally {
      await world.stop();
    }
  },
} satisfies Benchmark;
