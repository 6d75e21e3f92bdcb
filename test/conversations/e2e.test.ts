/**
 * Conversations and buttons end to end: the runtime (bot mode, and user mode for ctx.ask) against the
 * emulator over TCP with the conversations extension, people talking through the control API and
 * reading their chats on their own GramJS clients.
 */
import { join } from "node:path";
import { nextMessage } from "@tg-toolkit/emulator/testing";
import type { TelegramClient } from "telegram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lateAnswer } from "../../src/confirm/outcome.js";
import { confirmButton, SqliteConfirmationStore } from "../../src/confirm/store.js";
import { defineFlow, done } from "../../src/conversations/flow.js";
import { type ConversationsExtension, conversationsExtension } from "../../src/conversations/runtime.js";
import { onCallback } from "../../src/handlers/callback.js";
import { EXPIRED_BUTTON_TEXT } from "../../src/handlers/callbackRouter.js";
import { invalid } from "../../src/handlers/conversation.js";
import { filters } from "../../src/handlers/index.js";
import { callbackData } from "../../src/handlers/keyboard.js";
import { command, definePlugin, onPattern, type Plugin } from "../../src/handlers/plugin.js";
import register from "../../src/plugins/register.js";
import { type Runtime, startRuntime } from "../../src/runtime/index.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import { toReplyMarkup } from "../../src/telegram/callbacks.js";
import type { SessionStore } from "../../src/telegram/sessionStore.js";
import { captureLog } from "../kit/log.js";
import { signedInClient, signedInStore, startWorld, type World } from "../kit/world.js";

const choice = callbackData("pick", { item: "string" });

const quick = defineFlow<Record<string, never>, "only">({
  name: "quick",
  first: "only",
  initial: {},
  timeoutMs: 300,
  timeoutText: "Too slow, stopped.",
  steps: { only: { question: "Quick, say something!", answer: (_text, data) => done(data) } },
  finish: (_data, ctx) => ctx.respond("Fast enough."),
});

/** Test handlers: ask with validation, a flow that times out, buttons. */
const tools: Plugin = definePlugin({
  name: "tools",
  handlers: [
    command("age", async (ctx) => {
      const age = await ctx.ask("How old are you?", { validate: (text) => (/^\d+$/.test(text) ? Number(text) : invalid("Send a number.")) });
      await ctx.respond(`In ten years you will be ${age + 10}.`);
    }),
    command("wait", async (ctx) => {
      await ctx.ask("Say anything within 300 ms.", { timeoutMs: 300, timeoutText: "Nothing came, stopped." });
    }),
    command("quick", (ctx) => ctx.startFlow(quick)),
    command("menu", (ctx) => ctx.reply("Pick one:", { keyboard: [[choice.button("Tea", { item: "tea" }), choice.button("Coffee", { item: "coffee" })]] })),
  ],
  callbacks: [
    onCallback(choice, async (ctx) => {
      await ctx.answer(`One ${ctx.values.item}, coming up.`);
      await ctx.editMessage(`${ctx.query.sender?.firstName ?? "Someone"} picked ${ctx.values.item}.`, { keyboard: [] });
    }),
  ],
  flows: [quick],
});

let world: World;
let owner: { id: string };
let alice: { id: string };
let bob: { id: string };
let bot: { id: string; botToken?: string };
let db: Db;
let botStore: SessionStore;
const runtimes: Runtime[] = [];
const phones: TelegramClient[] = [];
/** The conversations extension of the newest bot runtime. */
let extension: ConversationsExtension;

/** Starts the bot's runtime over the shared database with the register example and the test tools. */
async function botRuntime(): Promise<Runtime> {
  const runtime = await startRuntime({
    config: world.config({ TELEGRAM_BOT_TOKEN: bot.botToken }),
    store: botStore,
    sessionName: "bot",
    plugins: [register, tools],
    log: captureLog().log,
    extend: [(services) => (extension = conversationsExtension(db)(services))],
  });
  runtimes.push(runtime);
  return runtime;
}

/** A person's phone: a GramJS client signed in as them, to read what arrives. */
async function phoneOf(userId: string): Promise<TelegramClient> {
  const client = await signedInClient(world.emu, userId, { getMe: true });
  phones.push(client);
  return client;
}

/** Sends `text` as a person to a chat and resolves with the next message they receive matching `answer`. */
async function exchange(phone: TelegramClient, fromId: string, chatId: string, text: string, answer: string | RegExp): Promise<string> {
  const arrives = nextMessage(phone, answer);
  await world.control.sendMessage(fromId, { type: "user", id: chatId }, text);
  return (await arrives).message.message;
}

beforeAll(async () => {
  world = await startWorld();
  const { control } = world;
  owner = await control.createUser({ firstName: "Olivia", username: "olivia_cv", phone: "9996621701" });
  alice = await control.createUser({ firstName: "Alice", username: "alice_cv" });
  bob = await control.createUser({ firstName: "Bob", username: "bob_cv" });
  bot = await control.createUser({ firstName: "Helper", username: "helper_cv_bot", bot: true });
  db = openDatabase(join(world.dir, "bot.db"));
  botStore = world.store();
});

afterAll(async () => {
  await Promise.all(runtimes.map((runtime) => runtime.stop()));
  await Promise.all(phones.map((phone) => phone.destroy()));
  db?.close();
  await world?.stop();
});

describe("conversations in bot mode", () => {
  let runtime: Runtime;
  let phone: TelegramClient;

  beforeAll(async () => {
    runtime = await botRuntime();
    phone = await phoneOf(alice.id);
  });

  it("completes the register example, asking again after a refused answer", async () => {
    expect(await exchange(phone, alice.id, bot.id, "/register", /^What's your name\?/)).toBe("What's your name? (send /cancel to stop)");
    expect(await exchange(phone, alice.id, bot.id, "Alice", /How old/)).toBe("Nice to meet you, Alice! How old are you?");
    expect(await exchange(phone, alice.id, bot.id, "very", /Please send your age/)).toBe("Please send your age as a number, e.g. 30.");
    expect(await exchange(phone, alice.id, bot.id, "30", /^Registered/)).toBe("Registered: Alice, 30. Thank you!");
  });

  it("ctx.ask takes the answer before the chat's queue, which its own handler occupies", async () => {
    expect(await exchange(phone, alice.id, bot.id, "/age", "How old are you?")).toBe("How old are you?");
    expect(await exchange(phone, alice.id, bot.id, "soon", "Send a number.")).toBe("Send a number.");
    expect(await exchange(phone, alice.id, bot.id, "33", /^In ten years/)).toBe("In ten years you will be 43.");
  });

  it("abandons a question and a flow whose answer does not come in time", async () => {
    const stopped = nextMessage(phone, "Nothing came, stopped.");
    await exchange(phone, alice.id, bot.id, "/wait", "Say anything within 300 ms.");
    await stopped;
    const tooSlow = nextMessage(phone, "Too slow, stopped.");
    await exchange(phone, alice.id, bot.id, "/quick", "Quick, say something!");
    await tooSlow;
    expect(await exchange(phone, alice.id, bot.id, "/register", /^What's your name/)).toContain("/cancel");
    expect(await exchange(phone, alice.id, bot.id, "/cancel", "Cancelled.")).toBe("Cancelled.");
  });

  it("resumes a conversation interrupted by a restart where it was", async () => {
    const bobPhone = await phoneOf(bob.id);
    await exchange(bobPhone, bob.id, bot.id, "/register", /^What's your name/);
    await exchange(bobPhone, bob.id, bot.id, "Bob", /How old/);
    await runtime.stop();
    runtime = await botRuntime();
    expect(await exchange(bobPhone, bob.id, bot.id, "41", /^Registered/)).toBe("Registered: Bob, 41. Thank you!");
  });
});

describe("inline buttons in bot mode", () => {
  let runtime: Runtime;
  const privateChat = () => ({ type: "user" as const, id: bot.id });

  /** The newest message of Alice's chat with the bot, as she sees it. */
  const newest = async () => (await world.control.messages("user", bot.id, { viewerId: alice.id, limit: 1 }))[0];

  beforeAll(async () => {
    runtime = runtimes.at(-1)!;
  });

  it("routes a press to the plugin's onCallback, which answers and edits the message", async () => {
    const phone = await phoneOf(alice.id);
    await exchange(phone, alice.id, bot.id, "/menu", "Pick one:");
    const menu = await newest();
    expect(menu.buttons).toEqual([
      [
        { text: "Tea", data: "pick:tea" },
        { text: "Coffee", data: "pick:coffee" },
      ],
    ]);
    expect(await world.control.pressButton(alice.id, privateChat(), menu.id, "pick:coffee")).toMatchObject({ message: "One coffee, coming up.", alert: false });
    await extension.idle();
    const edited = await newest();
    expect(edited.text).toBe("Alice picked coffee.");
    expect(edited.buttons ?? []).toEqual([]);
  });

  it("answers a press of a button no handler knows that it is no longer available", async () => {
    const stale = await runtime.client.sendMessage(alice.id, { message: "An old menu", buttons: toReplyMarkup([[{ text: "Old", data: "gone:1" }]]) });
    const seen = await newest();
    expect(seen.text).toBe("An old menu");
    expect(stale.id).toBeGreaterThan(0);
    expect(await world.control.pressButton(alice.id, privateChat(), seen.id, "gone:1")).toMatchObject({ message: EXPIRED_BUTTON_TEXT, alert: false });
  });

  it("tells who presses a finished confirmation's button how it ended, and expires a forgotten one", async () => {
    const confirmations = new SqliteConfirmationStore(db);
    const ask = async (id: string, expiresAt: number) => {
      const buttons = toReplyMarkup([[confirmButton.button("Approve", { id, approve: true })]]);
      const sent = await runtime.client.sendMessage(alice.id, { message: `Deploy ${id}?`, buttons });
      confirmations.record({ id, chatId: alice.id, messageId: sent.id, question: `Deploy ${id}?`, expiresAt });
      return (await newest()).id;
    };
    const finished = await ask("finished1", Date.now() + 60_000);
    confirmations.finish("finished1", "approved", "Carol (@carol)");
    expect(await world.control.pressButton(alice.id, privateChat(), finished, "cf:finished1:1")).toEqual({
      message: "This confirmation is already finished: it was approved by Carol (@carol).",
      alert: true,
    });
    const forgotten = await ask("forgotten1", Date.now() - 1);
    expect(await world.control.pressButton(alice.id, privateChat(), forgotten, "cf:forgotten1:1")).toMatchObject({
      message: lateAnswer({ status: "timeout" }),
      alert: true,
    });
    await extension.idle();
    expect(await newest()).toMatchObject({ text: "Deploy forgotten1?\n\n⌛ No answer in time: not approved" });
    expect(confirmations.get("forgotten1")?.status).toBe("timeout");
    await expect(world.control.pressButton(alice.id, privateChat(), forgotten, "cf:forgotten1:1")).rejects.toThrow(/DATA_INVALID/);
  });
});

describe("conversations in user mode", () => {
  it("asks the person who wrote, in their chat, and hears only them", async () => {
    const store = await signedInStore(world, owner.id);
    const userDb = openDatabase(":memory:");
    const greeter = definePlugin({
      name: "greeter",
      handlers: [
        onPattern(
          /^hi$/i,
          async (ctx) => {
            const name = await ctx.ask("Hi! What's your name?", { validate: (text) => (text.trim() === "" ? invalid("Your name, please.") : text.trim()) });
            await ctx.respond(`Hello, ${name}!`);
          },
          { filter: filters.and(filters.isPrivate, filters.incoming) },
        ),
      ],
    });
    const runtime = await startRuntime({ config: world.config(), store, plugins: [greeter], log: captureLog().log, extend: [conversationsExtension(userDb)] });
    runtimes.push(runtime);
    const phone = await phoneOf(alice.id);
    expect(await exchange(phone, alice.id, owner.id, "hi", "Hi! What's your name?")).toBe("Hi! What's your name?");
    await world.control.sendMessage(bob.id, { type: "user", id: owner.id }, "Alice");
    expect(await exchange(phone, alice.id, owner.id, "Alice", /^Hello/)).toBe("Hello, Alice!");
    await runtime.stop();
    userDb.close();
  });
});
