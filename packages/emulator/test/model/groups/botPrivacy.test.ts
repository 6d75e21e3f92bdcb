import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { messageMethods } from "../../../src/methods/messages.js";
import { setBotPrivacy } from "../../../src/model/botPrivacy.js";
import { channelDifference } from "../../../src/model/channelDifference.js";
import { createChat } from "../../../src/model/chats.js";
import { getDifference } from "../../../src/model/difference.js";
import { setMemberRole } from "../../../src/model/participants.js";
import type { ChatRecord, UserRecord } from "../../../src/model/records.js";
import { postMessage } from "../../../src/model/sending.js";
import { renderUser } from "../../../src/model/users.js";
import { type Fixture, fixture, inputPeerUser, pushedTo, rpcError } from "./fixture.js";

type Kind = "group" | "supergroup";

function world(kind: Kind, botExtra: { privacyMode?: boolean } = {}) {
  const f = fixture();
  const alice = f.person("Alice", { username: "alice" });
  const bot = f.person("Helper", { bot: true, username: "helper_bot", ...botExtra });
  const other = f.person("Other", { bot: true, username: "other_bot" });
  const chat = createChat(f.world, {
    type: kind,
    title: "Team",
    creatorId: alice.id,
    members: [
      { userId: bot.id, role: "member" },
      { userId: other.id, role: "member" },
    ],
  });
  f.online.add(bot.id);
  return { f, alice, bot, other, chat };
}

function peerOf(chat: ChatRecord) {
  return chat.kind === "group" ? ({ type: "chat", id: chat.id } as const) : ({ type: "channel", id: chat.id } as const);
}

/** The texts of the messages pushed to the bot. */
function pushedTexts(f: Fixture, bot: UserRecord): string[] {
  const fromShort = f.pushes
    .filter((p) => p.userId === bot.id && p.updates instanceof Api.UpdateShortChatMessage)
    .map((p) => (p.updates as Api.UpdateShortChatMessage).message);
  const fromUpdates = pushedTo(f.pushes, bot.id)
    .filter((u) => u instanceof Api.UpdateNewMessage || u instanceof Api.UpdateNewChannelMessage)
    .map((u) => ((u as Api.UpdateNewMessage).message as Api.Message).message)
    .filter((text) => text !== undefined && text !== "");
  return [...fromShort, ...fromUpdates];
}

/** The texts a bot's catch-up returns (getDifference for a basic group, getChannelDifference for a supergroup). */
function caughtUpTexts(f: Fixture, bot: UserRecord, chat: ChatRecord): string[] {
  const messages =
    chat.kind === "group"
      ? (getDifference(f.world, bot.id, { pts: 1, qts: 0, date: 0 }) as Api.updates.Difference).newMessages
      : (channelDifference(f.world, bot.id, chat, 1, 100, true) as Api.updates.ChannelDifference).newMessages;
  return messages.filter((m) => m instanceof Api.Message).map((m) => (m as Api.Message).message);
}

describe.each(["group", "supergroup"] as const)("bot privacy mode in a %s", (kind) => {
  it("is on by default: commands for the bot and replies to it arrive, plain text, mentions and other bots' commands do not", () => {
    const { f, alice, bot, chat } = world(kind);
    const peer = peerOf(chat);
    postMessage(f.world, alice.id, peer, { text: "good morning" });
    postMessage(f.world, alice.id, peer, { text: "hey @helper_bot, look" });
    postMessage(f.world, alice.id, peer, { text: "/help@other_bot" });
    postMessage(f.world, alice.id, peer, { text: "/help@helper_bot" });
    postMessage(f.world, alice.id, peer, { text: "/start" });
    const question = postMessage(f.world, bot.id, peer, { text: "Your name?" });
    const replyTo = kind === "group" ? (f.world.boxOf(alice.id).messages.get(f.world.boxOf(alice.id).lastMessageId)?.id ?? 0) : question.id;
    postMessage(f.world, alice.id, peer, { text: "Alice", replyToId: replyTo });
    postMessage(f.world, alice.id, peer, { text: "not a reply" });
    const expected = ["/help@helper_bot", "/start", "Alice"];
    expect(pushedTexts(f, bot).filter((t) => t !== "Your name?")).toEqual(expected);
    expect(caughtUpTexts(f, bot, chat).filter((t) => t !== "Your name?")).toEqual(expected);
  });

  it("gives a general command only to the bot that spoke last", () => {
    const { f, alice, bot, other, chat } = world(kind);
    const peer = peerOf(chat);
    f.online.add(other.id);
    postMessage(f.world, other.id, peer, { text: "I am the other bot" });
    postMessage(f.world, alice.id, peer, { text: "/start" });
    expect(pushedTexts(f, bot)).toEqual([]);
    expect(pushedTexts(f, other)).toContain("/start");
  });

  it("never shows a bot another bot's messages, even with privacy mode off", () => {
    const { f, alice, bot, other, chat } = world(kind, { privacyMode: false });
    const peer = peerOf(chat);
    postMessage(f.world, other.id, peer, { text: "/help@helper_bot" });
    postMessage(f.world, alice.id, peer, { text: "good morning" });
    expect(pushedTexts(f, bot)).toEqual(["good morning"]);
  });

  it("shows an admin bot every person's message", () => {
    const { f, alice, bot, chat } = world(kind);
    setMemberRole(f.world, chat.id, bot.id, "admin", { actorId: alice.id });
    postMessage(f.world, alice.id, peerOf(chat), { text: "good morning" });
    expect(pushedTexts(f, bot)).toEqual(["good morning"]);
  });

  it("shows service messages", () => {
    const { f, alice, bot, chat } = world(kind);
    const carol = f.person("Carol");
    setMemberRole(f.world, chat.id, carol.id, "member", { actorId: alice.id });
    const actions = pushedTo(f.pushes, bot.id).filter(
      (u) => (u instanceof Api.UpdateNewMessage || u instanceof Api.UpdateNewChannelMessage) && u.message instanceof Api.MessageService,
    );
    expect(actions).toHaveLength(1);
  });

  it("turned off, reaches a group only once the bot is re-added, as on Telegram", () => {
    const { f, alice, bot, chat } = world(kind);
    const peer = peerOf(chat);
    f.tick(10);
    setBotPrivacy(f.world, bot, false);
    postMessage(f.world, alice.id, peer, { text: "still private" });
    f.tick(10);
    setMemberRole(f.world, chat.id, bot.id, kind === "group" ? "kicked" : "left", { actorId: kind === "group" ? alice.id : bot.id });
    setMemberRole(f.world, chat.id, bot.id, "member", { actorId: alice.id });
    postMessage(f.world, alice.id, peer, { text: "now seen" });
    expect(pushedTexts(f, bot)).toEqual(["now seen"]);
    expect(renderUser(f.world, alice.id, bot).botChatHistory).toBe(true);
  });
});

describe("bots refused user-only methods", () => {
  it("answers messages.getDialogs and messages.getHistory with 400 BOT_METHOD_INVALID", () => {
    const f = fixture();
    const alice = f.person("Alice");
    const bot = f.person("Helper", { bot: true, username: "helper_bot" });
    const dialogs = rpcError(() => messageMethods["messages.GetDialogs"](new Api.messages.GetDialogs({ limit: 10 }), f.ctx(bot)));
    expect(dialogs).toMatchObject({ errorMessage: "BOT_METHOD_INVALID", code: 400 });
    const history = rpcError(() =>
      messageMethods["messages.GetHistory"](new Api.messages.GetHistory({ peer: inputPeerUser(f.world, bot.id, alice), limit: 10 }), f.ctx(bot)),
    );
    expect(history).toMatchObject({ errorMessage: "BOT_METHOD_INVALID", code: 400 });
  });
});
