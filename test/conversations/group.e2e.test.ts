/**
 * Conversations in groups in bot mode, against the emulator's bot privacy mode (on by default, as on
 * Telegram): a bot in a group is sent only commands, replies to its own messages and service messages, so
 * ctx.ask and flows ask with force_reply (selective, replying to the person), and the person's app answers
 * with a reply, which reaches the bot. An answer typed without replying never arrives: the question then
 * ends saying how to answer.
 */
import { nextMessage } from "@tg-toolkit/emulator/testing";
import { Api, type TelegramClient } from "telegram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conversationsExtension } from "../../src/conversations/runtime.js";
import { invalid } from "../../src/handlers/conversation.js";
import { command, definePlugin } from "../../src/handlers/plugin.js";
import register from "../../src/plugins/register.js";
import { type Runtime, startRuntime } from "../../src/runtime/index.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import { captureLog } from "../kit/log.js";
import { type Peer, signedInClient, startWorld, type World } from "../kit/world.js";

const tools = definePlugin({
  name: "tools",
  handlers: [
    command("age", async (ctx) => {
      const age = await ctx.ask("How old are you?", { validate: (text) => (/^\d+$/.test(text) ? Number(text) : invalid("Send a number.")) });
      await ctx.respond(`In ten years you will be ${age + 10}.`);
    }),
    command("color", async (ctx) => {
      const color = await ctx.ask("Favourite colour?", { timeoutMs: 1500 });
      await ctx.respond(`${color} it is.`);
    }),
  ],
});

let world: World;
let alice: { id: string };
let bob: { id: string };
let bot: { id: string; botToken?: string };
let supergroup: Peer;
let basicGroup: Peer;
let db: Db;
let runtime: Runtime;
let phone: TelegramClient;

/** Alice sends `text` (a reply to `replyTo` when given) and resolves with the next message of the bot's she receives matching `answer`. */
async function exchange(peer: Peer, text: string, answer: string | RegExp, replyTo?: number): Promise<Api.Message> {
  const arrives = nextMessage(phone, answer);
  await world.control.sendMessage(alice.id, peer, text, replyTo === undefined ? undefined : String(replyTo));
  return (await arrives).message;
}

/** The message a question asks with: force_reply, selective, replying to the person's message. */
function expectAsked(question: Api.Message): void {
  expect(question.replyMarkup).toBeInstanceOf(Api.ReplyKeyboardForceReply);
  expect((question.replyMarkup as Api.ReplyKeyboardForceReply).selective).toBe(true);
  expect(question.replyTo?.replyToMsgId).toBeGreaterThan(0);
}

beforeAll(async () => {
  world = await startWorld();
  const { control } = world;
  const owner = await control.createUser({ firstName: "Olivia", username: "olivia_gc" });
  alice = await control.createUser({ firstName: "Alice", username: "alice_gc" });
  bob = await control.createUser({ firstName: "Bob", username: "bob_gc" });
  bot = await control.createUser({ firstName: "Helper", username: "helper_gc_bot", bot: true });
  const members = [alice, bob, bot].map((user) => ({ userId: user.id, role: "member" as const }));
  supergroup = { type: "channel", id: (await control.createChat({ type: "supergroup", title: "Club", creatorId: owner.id, members })).id };
  basicGroup = { type: "chat", id: (await control.createChat({ type: "group", title: "Family", creatorId: owner.id, members })).id };
  db = openDatabase(":memory:");
  runtime = await startRuntime({
    config: world.config({ TELEGRAM_BOT_TOKEN: bot.botToken }),
    store: world.store(),
    plugins: [register, tools],
    log: captureLog().log,
    extend: [conversationsExtension(db)],
  });
  phone = await signedInClient(world.emu, alice.id, { getMe: true });
});

afterAll(async () => {
  await runtime?.stop();
  await phone?.destroy();
  db?.close();
  await world?.stop();
});

describe.each([
  ["a supergroup", () => supergroup],
  ["a basic group", () => basicGroup],
])("ctx.ask and flows in %s, the bot in privacy mode", (_where, group) => {
  it("ctx.ask asks with a selective force_reply and takes the answer given as a reply", async () => {
    const question = await exchange(group(), "/age", "How old are you?");
    expectAsked(question);
    const again = await exchange(group(), "soon", "Send a number.", question.id);
    expectAsked(again);
    expect((await exchange(group(), "33", /^In ten years/, again.id)).message).toBe("In ten years you will be 43.");
  });

  it("a flow asks each step with force_reply, its answers replies", async () => {
    const name = await exchange(group(), "/register", /^What's your name/);
    expectAsked(name);
    const age = await exchange(group(), "Alice", /How old/, name.id);
    expectAsked(age);
    expect((await exchange(group(), "30", /^Registered/, age.id)).message).toBe("Registered: Alice, 30. Thank you!");
  });

  it("an answer typed without replying never reaches the bot: the question ends saying how to answer", async () => {
    const question = await exchange(group(), "/color", "Favourite colour?");
    const ended = nextMessage(phone, /^No answer in time/);
    await world.control.sendMessage(alice.id, group(), "blue");
    expect((await ended).message.message).toBe("No answer in time, so I stopped here. In groups I only see answers sent as a reply to my question.");
    const seen = await world.control.messages(group().type, group().id, { viewerId: alice.id, limit: 3 });
    expect(seen.map((message) => message.text)).not.toContain("blue it is.");
    expect(question.replyMarkup).toBeInstanceOf(Api.ReplyKeyboardForceReply);
  });
});

describe("ctx.ask elsewhere in bot mode", () => {
  it("asks without force_reply (every message of a private chat reaches the bot)", async () => {
    const privateChat: Peer = { type: "user", id: bot.id };
    const question = await exchange(privateChat, "/age", "How old are you?");
    expect(question.replyMarkup).toBeUndefined();
    expect((await exchange(privateChat, "40", /^In ten years/)).message).toBe("In ten years you will be 50.");
  });

  it("in a supergroup, Bob answers the question he was asked with a reply", async () => {
    const arrives = nextMessage(phone, "How old are you?");
    await world.control.sendMessage(bob.id, supergroup, "/age");
    const question = (await arrives).message;
    const answered = nextMessage(phone, /^In ten years/);
    await world.control.sendMessage(bob.id, supergroup, "20", String(question.id));
    expect((await answered).message.message).toBe("In ten years you will be 30.");
  });
});
