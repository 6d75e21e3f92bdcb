/**
 * The calls that act on a chat's whole history and answer messages.affectedHistory: messages.readMentions,
 * messages.unpinAllMessages (with messages.updatePinnedMessage to pin), messages.deleteHistory and
 * channels.deleteParticipantHistory. On a megagroup or channel each answers the pts of that chat's box,
 * not the caller's common box, and moves it by the events it logged there.
 */
import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { channelMethods } from "../../../src/methods/channels.js";
import { messageMethods } from "../../../src/methods/messages.js";
import { channelDifference } from "../../../src/model/channelDifference.js";
import { postChannelMessage } from "../../../src/model/channelPosts.js";
import { createChat } from "../../../src/model/chats.js";
import { HISTORY_BATCH } from "../../../src/model/deletes.js";
import { toLong } from "../../../src/model/longs.js";
import { renderMessage } from "../../../src/model/messageRender.js";
import type { UserRecord } from "../../../src/model/records.js";
import { postMessage } from "../../../src/model/sending.js";
import type { CallContext } from "../../../src/rpc/context.js";
import { fixture, inputChannel, inputPeerUser, pushedTo, rpcError } from "./fixture.js";

function setup() {
  const f = fixture();
  const owner = f.person("Owner", { username: "owner_one" });
  const alice = f.person("Alice");
  const reader = f.person("Reader");
  const bot = f.person("Helper", { bot: true, username: "helper_bot" });
  const chat = createChat(f.world, {
    type: "supergroup",
    title: "Team",
    creatorId: owner.id,
    members: [
      { userId: alice.id, role: "member" },
      { userId: reader.id, role: "member" },
      { userId: bot.id, role: "admin" },
    ],
  });
  const peer = (viewer: UserRecord) => new Api.InputPeerChannel({ channelId: toLong(chat.id), accessHash: inputChannel(f.world, viewer.id, chat).accessHash });
  /** Calls a messages.* or channels.* handler synchronously, as `user`. */
  const call = <T>(request: { className: string }, user: UserRecord, sessionKey?: string): T => {
    const handler = messageMethods[request.className] ?? channelMethods[request.className];
    const ctx: CallContext = f.ctx(user, sessionKey);
    return handler(request, ctx) as T;
  };
  const post = (from: UserRecord, text: string, extra: { replyToId?: number } = {}) => postChannelMessage(f.world, chat, from.id, { text, ...extra });
  return { f, owner, alice, reader, bot, chat, peer, call, post, box: chat.box! };
}

describe("messages.readMentions", () => {
  it("on a supergroup reads the caller's mentions there and answers the supergroup's pts, moved by one event only the reader sees", () => {
    const { f, owner, alice, reader, chat, peer, call, post, box } = setup();
    const mine = post(owner, "a question");
    const reply = post(alice, "an answer", { replyToId: mine.id });
    const named = post(alice, "ping @owner_one");
    post(alice, "nothing for you");
    for (const record of [reply, named]) {
      expect(renderMessage(f.world, record, owner.id)).toMatchObject({ mentioned: true, mediaUnread: true });
      expect(renderMessage(f.world, record, reader.id)).toMatchObject({ mentioned: undefined, mediaUnread: undefined });
    }
    f.world.boxOf(owner.id).pts = 40;
    f.online.add(owner.id);
    const before = box.pts;

    const affected = call<Api.messages.AffectedHistory>(new Api.messages.ReadMentions({ peer: peer(owner) }), owner, "owner-session");
    expect(affected).toEqual(new Api.messages.AffectedHistory({ pts: before + 1, ptsCount: 1, offset: 0 }));
    expect(f.world.boxOf(owner.id).pts).toBe(40);
    expect(renderMessage(f.world, named, owner.id)).toMatchObject({ mentioned: true, mediaUnread: undefined });
    const pushed = f.pushes.filter((push) => push.userId === owner.id);
    expect(pushed.map((push) => [(push.updates as Api.UpdateShort).update.className, push.exceptSessionKey])).toEqual([
      ["UpdateChannelReadMessagesContents", "owner-session"],
    ]);

    // The reader's difference shows the event; another member's moves past it and shows nothing.
    const own = channelDifference(f.world, owner.id, chat, before, 100, false) as Api.updates.ChannelDifference;
    expect(own.otherUpdates.map((update) => update.className)).toEqual(["UpdateChannelReadMessagesContents"]);
    const theirs = channelDifference(f.world, reader.id, chat, before, 100, false) as Api.updates.ChannelDifference;
    expect(theirs).toMatchObject({ pts: before + 1, newMessages: [], otherUpdates: [] });

    expect(call(new Api.messages.ReadMentions({ peer: peer(owner) }), owner)).toEqual(
      new Api.messages.AffectedHistory({ pts: before + 1, ptsCount: 0, offset: 0 }),
    );
  });

  it("in a private chat or basic group answers the caller's common-box pts, with updateReadMessagesContents there", () => {
    const { f, owner, alice, call } = setup();
    const group = createChat(f.world, { type: "group", title: "Family", creatorId: alice.id, members: [{ userId: owner.id, role: "member" }] });
    postMessage(f.world, alice.id, { type: "chat", id: group.id }, { text: "hi @owner_one" });
    postMessage(f.world, alice.id, { type: "chat", id: group.id }, { text: "and you all" });
    const box = f.world.boxOf(owner.id);
    const before = box.pts;
    const affected = call<Api.messages.AffectedHistory>(new Api.messages.ReadMentions({ peer: new Api.InputPeerChat({ chatId: toLong(group.id) }) }), owner);
    expect(affected).toEqual(new Api.messages.AffectedHistory({ pts: before + 1, ptsCount: 1, offset: 0 }));
    const read = box.log[box.log.length - 1].update;
    expect(read).toBeInstanceOf(Api.UpdateReadMessagesContents);
    expect((read as Api.UpdateReadMessagesContents).messages).toHaveLength(1);
  });

  it("is refused to bots (only users can use this method)", () => {
    const { bot, peer, call } = setup();
    expect(rpcError(() => call(new Api.messages.ReadMentions({ peer: peer(bot) }), bot))).toMatchObject({ code: 400, errorMessage: "BOT_METHOD_INVALID" });
  });
});

describe("pins and messages.unpinAllMessages", () => {
  it("on a supergroup unpins every pinned message with one event of the supergroup's box, pushed to its members", () => {
    const { f, owner, alice, reader, peer, call, post, box } = setup();
    const first = post(alice, "rules");
    const second = post(alice, "schedule");
    f.online.add(reader.id);
    for (const record of [first, second]) {
      const pinned = call<Api.Updates>(new Api.messages.UpdatePinnedMessage({ peer: peer(owner), id: record.id }), owner);
      // The pin, then its "pinned a message" service message: one pts step each.
      expect(pinned.updates[0]).toMatchObject({ className: "UpdatePinnedChannelMessages", pinned: true, messages: [record.id], pts: box.pts - 1, ptsCount: 1 });
      expect(pinned.updates[1]).toMatchObject({ className: "UpdateNewChannelMessage", pts: box.pts, message: { replyTo: { replyToMsgId: record.id } } });
    }
    f.world.boxOf(owner.id).pts = 7;
    const before = box.pts;
    const affected = call<Api.messages.AffectedHistory>(new Api.messages.UnpinAllMessages({ peer: peer(owner) }), owner);
    expect(affected).toEqual(new Api.messages.AffectedHistory({ pts: before + 1, ptsCount: 1, offset: 0 }));
    expect(f.world.boxOf(owner.id).pts).toBe(7);
    expect(pushedTo(f.pushes, reader.id).at(-1)).toMatchObject({
      className: "UpdatePinnedChannelMessages",
      pinned: undefined,
      messages: [first.id, second.id],
      pts: before + 1,
    });
    expect(call(new Api.messages.UnpinAllMessages({ peer: peer(owner) }), owner)).toEqual(
      new Api.messages.AffectedHistory({ pts: before + 1, ptsCount: 0, offset: 0 }),
    );
  });

  it("lets only the creator and admins with pin_messages pin or unpin in a supergroup", () => {
    const { alice, peer, call, post } = setup();
    const record = post(alice, "mine");
    expect(rpcError(() => call(new Api.messages.UpdatePinnedMessage({ peer: peer(alice), id: record.id }), alice)).errorMessage).toBe("CHAT_ADMIN_REQUIRED");
    expect(rpcError(() => call(new Api.messages.UnpinAllMessages({ peer: peer(alice) }), alice))).toMatchObject({
      code: 400,
      errorMessage: "CHAT_ADMIN_REQUIRED",
    });
  });

  it("in a private chat pins both sides' copies and unpins them all, each in its owner's common box", () => {
    const { f, owner, alice, call } = setup();
    const sent = postMessage(f.world, alice.id, { type: "user", id: owner.id }, { text: "remember this" });
    const ownerCopy = f.world.boxOf(owner.id).lastMessageId;
    const toAlice = inputPeerUser(f.world, owner.id, alice);
    call(new Api.messages.UpdatePinnedMessage({ peer: toAlice, id: ownerCopy }), owner);
    expect(f.world.boxOf(alice.id).messages.get(sent.id)?.pinned).toBe(true);
    const before = f.world.boxOf(owner.id).pts;
    const affected = call<Api.messages.AffectedHistory>(new Api.messages.UnpinAllMessages({ peer: toAlice }), owner);
    expect(affected).toEqual(new Api.messages.AffectedHistory({ pts: before + 1, ptsCount: 1, offset: 0 }));
    expect(f.world.boxOf(alice.id).messages.get(sent.id)?.pinned).toBeUndefined();
    expect(f.world.boxOf(alice.id).log.at(-1)?.update).toBeInstanceOf(Api.UpdatePinnedMessages);
  });
});

describe("messages.deleteHistory on a supergroup", () => {
  it("deletes for everyone in batches, each answer the supergroup's pts, a positive offset until the last", () => {
    const { f, owner, alice, reader, peer, call, post, box } = setup();
    for (let n = 0; n < HISTORY_BATCH * 2 + 50; n += 1) post(alice, `message ${n}`);
    const total = box.messages.size;
    f.online.add(reader.id);
    f.world.boxOf(owner.id).pts = 3;
    const answers: Api.messages.AffectedHistory[] = [];
    for (let calls = 0; calls < 10; calls += 1) {
      const before = box.pts;
      const affected = call<Api.messages.AffectedHistory>(new Api.messages.DeleteHistory({ peer: peer(owner), maxId: 0, revoke: true }), owner);
      expect(affected.pts).toBe(box.pts);
      expect(affected.pts - affected.ptsCount).toBe(before);
      answers.push(affected);
      if (affected.offset === 0) break;
    }
    expect(answers.map((answer) => [answer.ptsCount, answer.offset])).toEqual([
      [HISTORY_BATCH, total - HISTORY_BATCH],
      [HISTORY_BATCH, total - 2 * HISTORY_BATCH],
      [total - 2 * HISTORY_BATCH, 0],
    ]);
    expect(box.messages.size).toBe(0);
    expect(f.world.boxOf(owner.id).pts).toBe(3);
    expect(pushedTo(f.pushes, reader.id).filter((update) => update instanceof Api.UpdateDeleteChannelMessages)).toHaveLength(3);
  });

  it("needs the creator or an admin with delete_messages, and refuses min_date / max_date on a non-user peer", () => {
    const { owner, alice, peer, call, post } = setup();
    post(alice, "keep");
    expect(rpcError(() => call(new Api.messages.DeleteHistory({ peer: peer(alice), maxId: 0 }), alice)).errorMessage).toBe("CHAT_ADMIN_REQUIRED");
    expect(rpcError(() => call(new Api.messages.DeleteHistory({ peer: peer(owner), maxId: 0, minDate: 1 }), owner)).errorMessage).toBe(
      "CHAT_REVOKE_DATE_UNSUPPORTED",
    );
  });
});

describe("channels.deleteParticipantHistory", () => {
  it("deletes one member's messages from a supergroup and answers the supergroup's pts", () => {
    const { f, owner, alice, reader, chat, call, post, box } = setup();
    post(alice, "spam 1");
    const kept = post(reader, "fine");
    post(alice, "spam 2");
    const before = box.pts;
    const request = new Api.channels.DeleteParticipantHistory({
      channel: inputChannel(f.world, owner.id, chat),
      participant: inputPeerUser(f.world, owner.id, alice),
    });
    expect(call(request, owner)).toEqual(new Api.messages.AffectedHistory({ pts: before + 2, ptsCount: 2, offset: 0 }));
    expect([...box.messages.values()].filter((record) => record.fromId === alice.id)).toEqual([]);
    expect(box.messages.has(kept.id)).toBe(true);
  });

  it("is for admins of supergroups: CHAT_ADMIN_REQUIRED for members, CHANNEL_INVALID for a broadcast channel", () => {
    const { f, owner, alice, reader, chat, call } = setup();
    const asMember = new Api.channels.DeleteParticipantHistory({
      channel: inputChannel(f.world, alice.id, chat),
      participant: inputPeerUser(f.world, alice.id, reader),
    });
    expect(rpcError(() => call(asMember, alice)).errorMessage).toBe("CHAT_ADMIN_REQUIRED");
    const news = createChat(f.world, { type: "channel", title: "News", creatorId: owner.id, members: [{ userId: alice.id, role: "member" }] });
    const onChannel = new Api.channels.DeleteParticipantHistory({
      channel: inputChannel(f.world, owner.id, news),
      participant: inputPeerUser(f.world, owner.id, alice),
    });
    expect(rpcError(() => call(onChannel, owner)).errorMessage).toBe("CHANNEL_INVALID");
  });
});
