/**
 * Away replies end to end: the owner's .afk (from another device) under npm start's composition, a
 * person writing in private gets one reply per interval (received by their own GramJS client), none
 * after the owner writes, and .back ends it too.
 */
import { join } from "node:path";
import type { TelegramClient } from "telegram";
import { NewMessage, type NewMessageEvent } from "telegram/events/index.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startUserbot } from "../../../src/app/userbot.js";
import { parseAutomations } from "../../../src/automations/load.js";
import type { Runtime } from "../../../src/runtime/index.js";
import { SessionStore } from "../../../src/telegram/sessionStore.js";
import { captureLog } from "../../kit/log.js";
import { handled, type Peer, preSharedSession, signedInClient, startWorld, type World, workingDir } from "../../kit/world.js";

let world: World;
let owner: { id: string };
let alice: { id: string };
let aliceClient: TelegramClient;
let runtime: Runtime;
const received: string[] = [];
const waiters = new Set<() => void>();

/** Resolves once Alice has received a message with this text. */
function aliceGets(text: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!received.includes(text)) return;
      waiters.delete(check);
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(new Error(`Alice did not receive ${JSON.stringify(text)} within ${timeoutMs} ms; she has ${JSON.stringify(received)}`));
    }, timeoutMs);
    waiters.add(check);
    check();
  });
}

beforeAll(async () => {
  world = await startWorld();
  owner = await world.control.createUser({ firstName: "Olivia", phone: "9996621701" });
  alice = await world.control.createUser({ firstName: "Alice" });
  aliceClient = await signedInClient(world.emu, alice.id, { getMe: true });
  aliceClient.addEventHandler((event: NewMessageEvent) => {
    received.push(event.message.message);
    for (const check of [...waiters]) check();
  }, new NewMessage({}));
  const store = new SessionStore(join(workingDir(world, await preSharedSession(world.emu, owner.id)), "sessions"));
  const parsed = parseAutomations("autoReply:\n  text: I am away.\n  interval: 1h\n", "automations.yaml");
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  runtime = await startUserbot({
    config: world.config(),
    store,
    sessionName: "default",
    plugins: [],
    automations: parsed.automations,
    log: captureLog({ level: "warn" }).log,
  });
});

afterAll(async () => {
  await runtime?.stop();
  await aliceClient?.destroy();
  await world?.stop();
});

it("one away reply per person per interval, none after the owner writes, .back ends it", async () => {
  const toOwner: Peer = { type: "user", id: owner.id };
  const toAlice: Peer = { type: "user", id: alice.id };
  const awayReplies = () => received.filter((text) => text.startsWith("I am away.")).length;
  const aliceSays = async (text: string) => {
    const done = handled(runtime, (message) => message.text === text);
    await world.control.sendMessage(alice.id, toOwner, text);
    await done;
  };
  /** The owner writes to Alice from another device; resolves once she has it (everything sent before it to her has been sent). */
  const ownerSays = async (text: string) => {
    await world.control.sendMessage(owner.id, toAlice, text);
    await aliceGets(text);
  };

  await world.control.sendMessage(owner.id, { type: "user", id: owner.id }, ".afk at lunch");
  await aliceSays("hello?");
  await aliceGets("I am away.\nReason: at lunch");
  await aliceSays("still there?");
  await ownerSays("marker 1");
  expect(awayReplies()).toBe(1);

  // The owner wrote (marker 1): back, so Alice gets no reply now.
  await aliceSays("and now?");
  await ownerSays("marker 2");
  expect(awayReplies()).toBe(1);

  // Away again, then .back.
  await world.control.sendMessage(owner.id, { type: "user", id: owner.id }, ".afk");
  await aliceSays("ping");
  await aliceGets("I am away.");
  await world.control.sendMessage(owner.id, { type: "user", id: owner.id }, ".back");
  await aliceSays("pong");
  await ownerSays("marker 3");
  expect(awayReplies()).toBe(2);
}, 60_000);
