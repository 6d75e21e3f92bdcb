/**
 * Edits and deletions handled per second, side by side on the same traffic: plain GramJS
 * (`addEventHandler` with `EditedMessage` / `DeletedMessage`) against the full pipeline (update intake,
 * exactly-once ledger in the session database on disk, access layer, dispatcher, router, onEdited /
 * onDeleted). A person's messages in a supergroup are edited, then deleted one by one, through the
 * emulator's model (in this process: pushed to the connected client as Telegram pushes them); the clock
 * runs from the first edit (deletion) to the last one handled. The sides alternate over several rounds;
 * rates are medians, ratios the median of each round's ratio (issue 13: pipeline ≥ 1.0× plain).
 */
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { deleteChannelMessages, editChannelMessage, postMessage } from "@tg-toolkit/emulator/model";
import { DeletedMessage } from "telegram/events/DeletedMessage.js";
import { EditedMessage } from "telegram/events/EditedMessage.js";
import { startUserbot } from "../src/app/userbot.js";
import { onDeleted, onEdited } from "../src/handlers/eventHandlers.js";
import { any } from "../src/handlers/filters.js";
import { definePlugin } from "../src/handlers/plugin.js";
import { createLogger } from "../src/log.js";
import { createTelegramClient } from "../src/telegram/client.js";
import { SessionStore } from "../src/telegram/sessionStore.js";
import { countdown } from "../test/kit/deferred.js";
import { preSharedSession, startWorld, type World } from "../test/kit/world.js";
import { median } from "./runtime-support.js";
import type { Benchmark, Metric } from "./types.js";

const ROUNDS = 5;
const MESSAGES = 2000;

interface Counters {
  edited: ReturnType<typeof countdown>;
  deleted: ReturnType<typeof countdown>;
}

interface Setup {
  readonly world: World;
  readonly session: string;
  readonly chatId: number;
  readonly personId: number;
}

/** Posts the round's messages, lets the side start, then times the edits and the deletions; [edits/s, deletions/s]. */
async function timed(setup: Setup, round: number, start: (counters: Counters) => Promise<() => Promise<void>>): Promise<[number, number]> {
  const model = setup.world.emu.model;
  const chat = model.chats.get(setup.chatId)!;
  const ids = Array.from({ length: MESSAGES }, (_, n) => postMessage(model, setup.personId, { type: "channel", id: setup.chatId }, { text: `m${n}` }).id);
  const counters = { edited: countdown(MESSAGES), deleted: countdown(MESSAGES) };
  const stop = await start(counters);
  try {
    let began = performance.now();
    for (const id of ids) editChannelMessage(model, chat, setup.personId, id, { text: `edited ${round}` });
    await counters.edited.done;
    const edits = MESSAGES / ((performance.now() - began) / 1000);
    began = performance.now();
    for (const id of ids) deleteChannelMessages(model, chat, setup.personId, [id]);
    await counters.deleted.done;
    return [edits, MESSAGES / ((performance.now() - began) / 1000)];
  } finally {
    await stop();
  }
}

async function plainGramjs(setup: Setup, round: number): Promise<[number, number]> {
  return timed(setup, round, async (counters) => {
    const client = createTelegramClient(setup.world.config(), setup.session, createLogger({ level: "silent" }));
    await client.connect();
    await client.getMe();
    client.addEventHandler(() => counters.edited.tick(), new EditedMessage({}));
    client.addEventHandler((event) => {
      for (const _ of event.deletedIds) counters.deleted.tick();
    }, new DeletedMessage({}));
    return () => client.destroy();
  });
}

async function pipeline(setup: Setup, round: number): Promise<[number, number]> {
  return timed(setup, round, async (counters) => {
    const store = new SessionStore(mkdtempSync(join(setup.world.dir, "sessions-")));
    store.save("default", setup.session);
    const plugin = definePlugin({
      name: "bench",
      handlers: [
        onEdited(any, () => counters.edited.tick()),
        onDeleted((ctx) => {
          for (const _ of ctx.messageIds) counters.deleted.tick();
        }),
      ],
    });
    const runtime = await startUserbot({
      config: setup.world.config(),
      store,
      sessionName: "default",
      plugins: [plugin],
      log: createLogger({ level: "silent" }),
    });
    await runtime.caughtUp;
    return async () => void (await runtime.stop());
  });
}

export default {
  name: "events",
  description: `edits and deletions handled/s, full pipeline (onEdited / onDeleted) vs plain GramJS EditedMessage / DeletedMessage (medians of ${ROUNDS} alternating rounds of ${MESSAGES})`,
  async run(): Promise<Metric[]> {
    const world = await startWorld({ defaults: { LOG_LEVEL: "silent" } });
    try {
      const owner = await world.control.createUser({ firstName: "Olivia" });
      const person = await world.control.createUser({ firstName: "Alice" });
      const chat = await world.control.createChat({
        type: "supergroup",
        title: "Edits",
        creatorId: owner.id,
        members: [{ userId: person.id, role: "member" }],
      });
      const setup: Setup = { world, session: await preSharedSession(world.emu, owner.id), chatId: Number(chat.id), personId: Number(person.id) };
      const plain: [number, number][] = [];
      const ours: [number, number][] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        const sides = [
          () => plainGramjs(setup, round * 2).then((rates) => plain.push(rates)),
          () => pipeline(setup, round * 2 + 1).then((rates) => ours.push(rates)),
        ];
        if (round % 2 === 1) sides.reverse();
        for (const side of sides) await side();
      }
      const ratio = (kind: 0 | 1) => median(ours.map((rates, round) => rates[kind] / plain[round][kind]));
      return [
        { name: "plain GramJS edits", value: Math.round(median(plain.map((rates) => rates[0]))), unit: "edits/s" },
        { name: "pipeline edits", value: Math.round(median(ours.map((rates) => rates[0]))), unit: "edits/s" },
        { name: "pipeline / plain, edits", value: Number(ratio(0).toFixed(2)), unit: "×", target: { op: ">=", value: 1.0 } },
        { name: "plain GramJS deletions", value: Math.round(median(plain.map((rates) => rates[1]))), unit: "deletions/s" },
        { name: "pipeline deletions", value: Math.round(median(ours.map((rates) => rates[1]))), unit: "deletions/s" },
        { name: "pipeline / plain, deletions", value: Number(ratio(1).toFixed(2)), unit: "×", target: { op: ">=", value: 1.0 } },
      ];
    } finally {
      await world.stop();
    }
  },
} satisfies Benchmark;
