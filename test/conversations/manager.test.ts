import { afterEach, describe, expect, it } from "vitest";
import { defineFlow, done, invalid, next } from "../../src/conversations/flow.js";
import { ConversationManager, TOO_MANY_ATTEMPTS_TEXT } from "../../src/conversations/manager.js";
import { SqliteFlowStore } from "../../src/conversations/store.js";
import { commandSyntax } from "../../src/handlers/commands.js";
import { ConversationEnded } from "../../src/handlers/conversation.js";
import type { Message } from "../../src/handlers/message.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import { FakeGateway, makeMessage } from "../kit/fakes.js";
import { captureLog } from "../kit/log.js";

const ALICE = "2000";
const BOB = "3000";
let messageIds = 100;

/** A message from a person in a chat (bot mode, private chat with the bot unless told). */
function from(senderId: string, text: string, chatId = senderId): Message {
  return makeMessage({
    mode: "bot",
    selfId: "1000",
    chatId,
    chatType: chatId.startsWith("-") ? "supergroup" : "private",
    senderId,
    text,
    messageId: (messageIds += 1),
  });
}

const signup = defineFlow<{ name: string; age: number }, "name" | "age">({
  name: "signup",
  first: "name",
  initial: { name: "", age: 0 },
  steps: {
    name: { question: "Name?", answer: (text, data) => next("age", { ...data, name: text }) },
    age: {
      question: (data) => `Age, ${data.name}?`,
      answer: (text, data) => (/^\d+$/.test(text) ? done({ ...data, age: Number(text) }) : invalid("A number, please.")),
    },
  },
  finish: (data, ctx) => ctx.respond(`Done: ${data.name}, ${data.age}`),
});

const quick = defineFlow<Record<string, never>, "only">({
  name: "quick",
  first: "only",
  initial: {},
  timeoutMs: 30,
  timeoutText: "Too slow.",
  steps: { only: { question: "Now?", answer: (_text, data) => done(data) } },
  finish: () => undefined,
});

const dbs: Db[] = [];
const managers: ConversationManager[] = [];

function manager(options: { db?: Db; gateway?: FakeGateway; flows?: (typeof signup)[] } = {}) {
  const db = options.db ?? openDatabase(":memory:");
  dbs.push(db);
  const gateway = options.gateway ?? new FakeGateway();
  const log = captureLog();
  const conversations = new ConversationManager({
    store: new SqliteFlowStore(db),
    telegram: gateway,
    log: log.log,
    syntax: commandSyntax("bot", { botUsername: "test_bot" }),
    flows: options.flows ?? [signup, quick],
  });
  managers.push(conversations);
  return { conversations, gateway, db, lines: log.lines };
}

afterEach(() => {
  for (const conversations of managers.splice(0)) conversations.stop();
  for (const db of dbs.splice(0)) if (db.open) db.close();
});

describe("ask", () => {
  it("resolves with the next message of the same person in the same chat; others go to the handlers", async () => {
    const { conversations, gateway } = manager();
    const origin = from(ALICE, "/hello");
    const answer = conversations.ask(origin, "What's your name?");
    expect(conversations.intercept(from(BOB, "Bob"))).toBe(false);
    expect(conversations.intercept(from(ALICE, "Alice", "-100500"))).toBe(false);
    expect(conversations.intercept(from(ALICE, "Alice"))).toBe(true);
    await expect(answer).resolves.toBe("Alice");
    expect(gateway.calls).toEqual([{ op: "send", chatId: ALICE, text: "What's your name?", options: { replyTo: undefined } }]);
    expect(conversations.intercept(from(ALICE, "later"))).toBe(false);
  });

  it("validates: a refused answer is told its reason and asked again, too many refusals end the question", async () => {
    const { conversations, gateway } = manager();
    const age = conversations.ask(from(ALICE, "/age"), "How old are you?", {
      validate: (text) => (/^\d+$/.test(text) ? Number(text) : invalid("Send a number.")),
    });
    conversations.intercept(from(ALICE, "old"));
    await gateway.untilCalls(2);
    conversations.intercept(from(ALICE, "42"));
    await expect(age).resolves.toBe(42);
    expect(gateway.texts()).toEqual(["How old are you?", "Send a number."]);

    const stubborn = conversations.ask(from(BOB, "/age"), "How old are you?", { validate: () => invalid("No."), attempts: 2 });
    conversations.intercept(from(BOB, "a"));
    conversations.intercept(from(BOB, "b"));
    await expect(stubborn).rejects.toEqual(new ConversationEnded("invalid"));
    expect(gateway.texts().slice(2)).toEqual(["How old are you?", "No.", TOO_MANY_ATTEMPTS_TEXT]);
  });

  it("ends on timeout and on /cancel, telling the person; other commands pass through", async () => {
    const { conversations, gateway } = manager();
    const slow = conversations.ask(from(ALICE, "/x"), "Quick?", { timeoutMs: 20, timeoutText: "Time is up." });
    await expect(slow).rejects.toMatchObject({ reason: "timeout" });
    expect(gateway.texts()).toEqual(["Quick?", "Time is up."]);

    const cancelled = conversations.ask(from(ALICE, "/x"), "Sure?");
    expect(conversations.intercept(from(ALICE, "/help"))).toBe(false);
    expect(conversations.intercept(from(ALICE, "/cancel@test_bot"))).toBe(true);
    await expect(cancelled).rejects.toMatchObject({ reason: "cancelled" });
    expect(gateway.texts().slice(2)).toEqual(["Sure?", "Cancelled."]);
  });

  it("a second question to the same person replaces the first; stop ends every question", async () => {
    const { conversations } = manager();
    const first = conversations.ask(from(ALICE, "/a"), "First?");
    const second = conversations.ask(from(ALICE, "/b"), "Second?");
    await expect(first).rejects.toMatchObject({ reason: "replaced" });
    conversations.stop();
    await expect(second).rejects.toMatchObject({ reason: "stopped" });
    await expect(conversations.ask(from(ALICE, "/c"), "Third?")).rejects.toMatchObject({ reason: "stopped" });
  });
});

describe("flows", () => {
  it("asks each step, re-asks a refused answer, and finishes", async () => {
    const { conversations, gateway } = manager();
    await conversations.startFlow(from(ALICE, "/signup"), signup);
    expect(conversations.intercept(from(ALICE, "Alice"))).toBe(true);
    expect(conversations.intercept(from(ALICE, "thirty"))).toBe(true);
    expect(conversations.intercept(from(ALICE, "30"))).toBe(true);
    await conversations.idle();
    expect(gateway.texts()).toEqual(["Name?", "Age, Alice?", "A number, please.", "Done: Alice, 30"]);
    expect(conversations.counts()).toEqual({ flows: 0, asks: 0 });
    expect(conversations.intercept(from(ALICE, "more"))).toBe(false);
  });

  it("resumes where the person was after a restart (the state is in the database)", async () => {
    const db = openDatabase(":memory:");
    const before = manager({ db });
    await before.conversations.startFlow(from(ALICE, "/signup"), signup);
    before.conversations.intercept(from(ALICE, "Alice"));
    await before.conversations.idle();
    before.conversations.stop();

    const after = manager({ db });
    after.conversations.resume();
    expect(after.conversations.counts().flows).toBe(1);
    expect(after.conversations.intercept(from(ALICE, "31"))).toBe(true);
    await after.conversations.idle();
    expect(after.gateway.texts()).toEqual(["Done: Alice, 31"]);
  });

  it("asks again after a restart when the step's question had not gone out", async () => {
    const db = openDatabase(":memory:");
    const failing = new FakeGateway();
    failing.sendMessage = () => Promise.reject(new Error("connection lost"));
    const before = manager({ db, gateway: failing });
    await before.conversations.startFlow(from(ALICE, "/signup"), signup);
    before.conversations.stop();

    const after = manager({ db });
    after.conversations.resume();
    await after.conversations.idle();
    expect(after.gateway.calls).toEqual([{ op: "send", chatId: ALICE, text: "Name?", options: { replyTo: undefined } }]);
  });

  it("ends a step that times out, telling the person, and /cancel ends a flow", async () => {
    const { conversations, gateway } = manager();
    await conversations.startFlow(from(ALICE, "/quick"), quick);
    expect(await gateway.untilCalls(2)).toEqual(["Now?", "Too slow."]);
    expect(conversations.counts().flows).toBe(0);

    await conversations.startFlow(from(BOB, "/signup"), signup);
    expect(conversations.intercept(from(BOB, "/start"))).toBe(false);
    expect(conversations.intercept(from(BOB, "/cancel"))).toBe(true);
    await conversations.idle();
    expect(gateway.texts().slice(2)).toEqual(["Name?", "Cancelled."]);
    expect(conversations.counts().flows).toBe(0);
  });

  it("replies in groups, and keeps one conversation per person and chat", async () => {
    const { conversations, gateway } = manager();
    const origin = from(ALICE, "/signup", "-100777");
    await conversations.startFlow(origin, signup);
    await conversations.startFlow(from(BOB, "/signup", "-100777"), signup);
    conversations.intercept(from(BOB, "Bob", "-100777"));
    await conversations.idle();
    expect(gateway.calls.map((call) => [call.text, call.op === "send" ? call.options?.replyTo : undefined])).toEqual([
      ["Name?", origin.messageId],
      ["Name?", messageIds - 1],
      ["Age, Bob?", messageIds],
    ]);
    expect(conversations.counts().flows).toBe(2);
  });

  it("drops saved conversations of flows that no longer exist, and refuses unregistered flows", async () => {
    const db = openDatabase(":memory:");
    const before = manager({ db });
    await before.conversations.startFlow(from(ALICE, "/signup"), signup);
    before.conversations.stop();
    const after = manager({ db, flows: [] });
    expect(after.conversations.counts().flows).toBe(0);
    expect(after.lines.join("\n")).toContain("a saved conversation's flow or step no longer exists; dropped");
    await expect(after.conversations.startFlow(from(ALICE, "/signup"), signup)).rejects.toThrow(/flow signup is not registered/);
  });
});
