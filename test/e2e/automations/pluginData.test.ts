/**
 * ctx.store and ctx.settings end to end: a plugin under npm start's composition counts messages in its
 * key-value store (kept across a restart, in the session database) and answers with its plugins.<name>
 * settings from automations.yaml.
 */
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startUserbot } from "../../../src/app/userbot.js";
import { parseAutomations } from "../../../src/automations/load.js";
import { definePlugin, onMessage } from "../../../src/handlers/plugin.js";
import { SessionStore } from "../../../src/telegram/sessionStore.js";
import { captureLog } from "../../kit/log.js";
import { latest, type Peer, preSharedSession, say, startWorld, type World, workingDir } from "../../kit/world.js";

let world: World;
let owner: { id: string };
let alice: { id: string };
let store: SessionStore;

const counter = definePlugin({
  name: "counter",
  handlers: [
    onMessage(
      (message) => message.text === "count",
      async (ctx) => {
        const n = ctx.store.transaction((kv) => {
          const next = (kv.get<number>(`by:${ctx.sender?.id}`) ?? 0) + 1;
          kv.set(`by:${ctx.sender?.id}`, next);
          return next;
        });
        const { greeting } = ctx.settings as { greeting: string };
        await ctx.respond(`${greeting} ${n} (${ctx.store.list("by:").length} people)`);
      },
    ),
  ],
});

beforeAll(async () => {
  world = await startWorld();
  owner = await world.control.createUser({ firstName: "Olivia", phone: "9996621601" });
  alice = await world.control.createUser({ firstName: "Alice" });
  store = new SessionStore(join(workingDir(world, await preSharedSession(world.emu, owner.id)), "sessions"));
});

afterAll(async () => {
  await world?.stop();
});

it("a plugin's store outlives a restart, and its settings come from plugins.<name>", async () => {
  const parsed = parseAutomations("plugins:\n  counter:\n    greeting: Count is\n", "automations.yaml");
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  const start = () =>
    startUserbot({
      config: world.config(),
      store,
      sessionName: "default",
      plugins: [counter],
      automations: parsed.automations,
      log: captureLog({ level: "warn" }).log,
    });
  const chat: Peer = { type: "user", id: owner.id };
  const answer = async (runtime: Awaited<ReturnType<typeof start>>) => {
    await say(world, runtime, alice.id, chat, "count");
    return (await latest(world, { type: "user", id: owner.id }, alice.id)).text;
  };
  const first = await start();
  try {
    expect(await answer(first)).toBe("Count is 1 (1 people)");
    expect(await answer(first)).toBe("Count is 2 (1 people)");
  } finally {
    await first.stop();
  }
  const second = await start();
  try {
    expect(await answer(second)).toBe("Count is 3 (1 people)");
  } finally {
    await second.stop();
  }
});
