import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { messageMethods } from "../../../src/methods/messages.js";
import { createChat } from "../../../src/model/chats.js";
import { toLong } from "../../../src/model/longs.js";
import { postMessage } from "../../../src/model/sending.js";
import { createUser } from "../../../src/model/users.js";
import { call, harness, inputPeer, randomId, rpcError } from "./harness.js";

function pair() {
  const h = harness();
  const alice = createUser(h.world, { firstName: "Alice", username: "alice_a" });
  const bob = createUser(h.world, { firstName: "Bob", username: "bob_b" });
  return { h, alice, bob, aliceCtx: h.as(alice), bobCtx: h.as(bob) };
}

const send = (peer: Api.TypeInputPeer, message: string, n: number, extra: Partial<Api.messages.SendMessage> = {}) =>
  new Api.messages.SendMessage({ peer, message, randomId: randomId(n), ...extra });

describe("private messages", () => {
  it("stores a copy per side with its own id and pts, answers updateShortSentMessage and pushes updateShortMessage", async () => {
    const { h, alice, bob, aliceCtx } = pair();
    postMessage(h.world, bob.id, { type: "user", id: bob.id }, { text: "note to self" });
    h.pushes.length = 0;
    const sent = await call<Api.UpdateShortSentMessage>(messageMethods, send(inputPeer(h.world, alice, bob), "hi Bob", 1), aliceCtx);
    expect(sent).toBeInstanceOf(Api.UpdateShortSentMessage);
    expect(sent).toMatchObject({ out: true, id: 1, pts: 1, ptsCount: 1 });
    const bobBox = h.world.boxOf(bob.id);
    expect(bobBox.pts).toBe(2);
    expect(bobBox.messages.get(2)).toMatchObject({ text: "hi Bob", out: false, fromId: alice.id, peer: { type: "user", id: alice.id } });
    expect(h.world.boxOf(alice.id).messages.get(1)).toMatchObject({ out: true, peer: { type: "user", id: bob.id } });

    const toBob = h.pushesTo(bob.id);
    expect(toBob).toHaveLength(1);
    expect(toBob[0].updates).toBeInstanceOf(Api.UpdateShortMessage);
    expect(toBob[0].updates).toMatchObject({ id: 2, message: "hi Bob", pts: 2, ptsCount: 1 });
    expect((toBob[0].updates as Api.UpdateShortMessage).userId.toJSNumber()).toBe(alice.id);
    const toAlice = h.pushesTo(alice.id);
    expect(toAlice).toHaveLength(1);
    expect(toAlice[0].except).toBe(aliceCtx.sessionKey);
    expect(toAlice[0].updates).toMatchObject({ out: true, id: 1 });
  });

  it("records pts for offline recipients without pushing to them", async () => {
    const { h, alice, bob, aliceCtx } = pair();
    h.online.delete(bob.id);
    await call(messageMethods, send(inputPeer(h.world, alice, bob), "are you there?", 1), aliceCtx);
    expect(h.pushesTo(bob.id)).toHaveLength(0);
    expect(h.world.boxOf(bob.id).log).toHaveLength(1);
  });

  it("refuses a repeated random_id, empty and overlong text, foreign hashes, deleted users", async () => {
    const { h, alice, bob, aliceCtx } = pair();
    const peer = inputPeer(h.world, alice, bob);
    await call(messageMethods, send(peer, "once", 7), aliceCtx);
    expect(await rpcError(call(messageMethods, send(peer, "twice", 7), aliceCtx))).toBe("500 RANDOM_ID_DUPLICATE");
    expect(await rpcError(call(messageMethods, send(peer, "  \n ", 8), aliceCtx))).toBe("400 MESSAGE_EMPTY");
    expect(await rpcError(call(messageMethods, send(peer, "x".repeat(4097), 9), aliceCtx))).toBe("400 MESSAGE_TOO_LONG");
    await call(messageMethods, send(peer, "x".repeat(4096), 9), aliceCtx);
    const carol = createUser(h.world, { firstName: "Carol" });
    expect(await rpcError(call(messageMethods, send(inputPeer(h.world, bob, carol), "hash of another viewer", 10), aliceCtx))).toBe("400 PEER_ID_INVALID");
    const gone = createUser(h.world, { firstName: "Gone", deleted: true });
    expect(await rpcError(call(messageMethods, send(inputPeer(h.world, alice, gone), "hello?", 11), aliceCtx))).toBe("400 INPUT_USER_DEACTIVATED");
  });

  it("lets bots answer people who wrote to them, never start a chat or write to bots", async () => {
    const { h, alice } = pair();
    const bot = createUser(h.world, { firstName: "Bot", bot: true });
    const other = createUser(h.world, { firstName: "Other bot", bot: true });
    const botCtx = h.as(bot);
    expect(await rpcError(call(messageMethods, send(inputPeer(h.world, bot, alice), "hello", 1), botCtx))).toBe("400 PEER_ID_INVALID");
    expect(await rpcError(call(messageMethods, send(inputPeer(h.world, bot, other), "hello", 2), botCtx))).toBe("400 USER_IS_BOT");
    postMessage(h.world, alice.id, { type: "user", id: bot.id }, { text: "/start" });
    const markup = new Api.ReplyInlineMarkup({
      rows: [new Api.KeyboardButtonRow({ buttons: [new Api.KeyboardButtonCallback({ text: "Yes", data: Buffer.from("yes") })] })],
    });
    const result = await call<Api.Updates>(messageMethods, send(inputPeer(h.world, bot, alice), "Continue?", 3, { replyMarkup: markup }), botCtx);
    expect(result).toBeInstanceOf(Api.Updates);
    expect(result.updates.map((u) => u.className)).toEqual(["UpdateMessageID", "UpdateNewMessage"]);
    const pushed = h.pushesTo(alice.id).at(-1)!.updates as Api.Updates;
    expect(pushed).toBeInstanceOf(Api.Updates);
    const message = (pushed.updates[0] as Api.UpdateNewMessage).message as Api.Message;
    expect(message.replyMarkup).toBeInstanceOf(Api.ReplyInlineMarkup);
    expect(pushed.users.map((u) => (u as Api.User).id.toJSNumber())).toContain(bot.id);

    // Editing the text without reply_markup removes the keyboard, as Telegram does.
    const sentId = (result.updates[0] as Api.UpdateMessageID).id;
    await call(messageMethods, new Api.messages.EditMessage({ peer: inputPeer(h.world, bot, alice), id: sentId, message: "Approved" }), botCtx);
    const aliceCopy = [...h.world.boxOf(alice.id).messages.values()].find((m) => m.text === "Approved");
    expect(aliceCopy?.replyMarkup).toBeUndefined();
  });

  it("maps a reply to the other side's copy of the message", async () => {
    const { h, alice, bob, aliceCtx, bobCtx } = pair();
    postMessage(h.world, bob.id, { type: "user", id: bob.id }, { text: "shifts Bob's ids" });
    await call(messageMethods, send(inputPeer(h.world, alice, bob), "question", 1), aliceCtx);
    await call(messageMethods, send(inputPeer(h.world, bob, alice), "answer", 2, { replyTo: new Api.InputReplyToMessage({ replyToMsgId: 2 }) }), bobCtx);
    expect(h.world.boxOf(bob.id).messages.get(3)?.replyToId).toBe(2);
    expect(h.world.boxOf(alice.id).messages.get(2)?.replyToId).toBe(1);
  });
});

describe("basic groups", () => {
  it("gives every member a copy and pushes updateShortChatMessage, marking mentions", async () => {
    const { h, alice, bob, aliceCtx } = pair();
    const carol = createUser(h.world, { firstName: "Carol" });
    h.online.add(carol.id);
    const chat = createChat(h.world, {
      type: "group",
      title: "G",
      creatorId: alice.id,
      members: [
        { userId: bob.id, role: "member" },
        { userId: carol.id, role: "member" },
      ],
    });
    const peer = new Api.InputPeerChat({ chatId: toLong(chat.id) });
    const result = await call<Api.Updates>(messageMethods, send(peer, "hey @bob_b", 1), aliceCtx);
    expect(result.updates.map((u) => u.className)).toEqual(["UpdateMessageID", "UpdateNewMessage"]);
    expect(result.chats).toHaveLength(1);
    for (const user of [bob, carol]) {
      const [push] = h.pushesTo(user.id);
      expect(push.updates).toBeInstanceOf(Api.UpdateShortChatMessage);
      expect((push.updates as Api.UpdateShortChatMessage).chatId.toJSNumber()).toBe(chat.id);
    }
    expect((h.pushesTo(bob.id)[0].updates as Api.UpdateShortChatMessage).mentioned).toBe(true);
    expect((h.pushesTo(carol.id)[0].updates as Api.UpdateShortChatMessage).mentioned).toBeFalsy();
    const outsider = createUser(h.world, { firstName: "Out" });
    expect(await rpcError(() => postMessage(h.world, outsider.id, { type: "chat", id: chat.id }, { text: "let me in" }))).toBe("403 CHAT_WRITE_FORBIDDEN");
  });

  it("delivers a removal notice to the removed member too", () => {
    const { h, alice, bob } = pair();
    const chat = createChat(h.world, { type: "group", title: "G", creatorId: alice.id });
    postMessage(h.world, alice.id, { type: "chat", id: chat.id }, { action: new Api.MessageActionChatDeleteUser({ userId: toLong(bob.id) }) });
    const push = h.pushesTo(bob.id)[0].updates as Api.Updates;
    expect((push.updates[0] as Api.UpdateNewMessage).message).toBeInstanceOf(Api.MessageService);
    expect(push.users.map((u) => (u as Api.User).id.toJSNumber()).sort()).toEqual([alice.id, bob.id].sort());
  });
});

describe("messages.editMessage", () => {
  it("edits every copy with updateEditMessage and answers the documented errors", async () => {
    const { h, alice, bob, aliceCtx, bobCtx } = pair();
    const peer = inputPeer(h.world, alice, bob);
    await call(messageMethods, send(peer, "draft", 1), aliceCtx);
    h.pushes.length = 0;
    const result = await call<Api.Updates>(messageMethods, new Api.messages.EditMessage({ peer, id: 1, message: "final" }), aliceCtx);
    expect(result.updates[0]).toBeInstanceOf(Api.UpdateEditMessage);
    expect(h.world.boxOf(bob.id).messages.get(1)?.text).toBe("final");
    const pushed = (h.pushesTo(bob.id)[0].updates as Api.Updates).updates[0] as Api.UpdateEditMessage;
    expect((pushed.message as Api.Message).editDate).toBeDefined();
    expect(pushed.pts).toBe(2);
    const edit = (id: number, message: string, ctx = aliceCtx, p: Api.TypeInputPeer = peer) =>
      call(messageMethods, new Api.messages.EditMessage({ peer: p, id, message }), ctx);
    expect(await rpcError(edit(1, "final"))).toBe("400 MESSAGE_NOT_MODIFIED");
    expect(await rpcError(edit(99, "x"))).toBe("400 MESSAGE_ID_INVALID");
    expect(await rpcError(edit(1, "mine now", bobCtx, inputPeer(h.world, bob, alice)))).toBe("403 MESSAGE_AUTHOR_REQUIRED");
    const now = h.world.now();
    h.world.now = () => now + 172_801;
    expect(await rpcError(edit(1, "late"))).toBe("400 MESSAGE_EDIT_TIME_EXPIRED");
  });
});

describe("messages.deleteMessages", () => {
  it("deletes own copies, and the other side's with revoke, each under its own pts", async () => {
    const { h, alice, bob, aliceCtx } = pair();
    const peer = inputPeer(h.world, alice, bob);
    await call(messageMethods, send(peer, "one", 1), aliceCtx);
    await call(messageMethods, send(peer, "two", 2), aliceCtx);
    h.pushes.length = 0;
    const mine = await call<Api.messages.AffectedMessages>(messageMethods, new Api.messages.DeleteMessages({ id: [1, 404] }), aliceCtx);
    expect(mine).toMatchObject({ pts: 3, ptsCount: 1 });
    expect(h.world.boxOf(bob.id).messages.has(1)).toBe(true);
    const both = await call<Api.messages.AffectedMessages>(messageMethods, new Api.messages.DeleteMessages({ id: [2], revoke: true }), aliceCtx);
    expect(both).toMatchObject({ pts: 4, ptsCount: 1 });
    expect(h.world.boxOf(bob.id).messages.has(2)).toBe(false);
    const update = (h.pushesTo(bob.id)[0].updates as Api.Updates).updates[0] as Api.UpdateDeleteMessages;
    expect(update).toBeInstanceOf(Api.UpdateDeleteMessages);
    expect(update).toMatchObject({ messages: [2], pts: 3, ptsCount: 1 });
  });

  it("keeps other people's group messages unless an admin revokes them", async () => {
    const { h, alice, bob, bobCtx } = pair();
    const chat = createChat(h.world, { type: "group", title: "G", creatorId: alice.id, members: [{ userId: bob.id, role: "member" }] });
    postMessage(h.world, alice.id, { type: "chat", id: chat.id }, { text: "admin says" });
    expect(await rpcError(call(messageMethods, new Api.messages.DeleteMessages({ id: [1], revoke: true }), bobCtx))).toBe("403 MESSAGE_DELETE_FORBIDDEN");
  });
});

describe("messages.readHistory", () => {
  it("logs updateReadHistoryInbox for the reader and updateReadHistoryOutbox for the author", async () => {
    const { h, alice, bob, bobCtx } = pair();
    postMessage(h.world, alice.id, { type: "user", id: bob.id }, { text: "1" });
    postMessage(h.world, alice.id, { type: "user", id: bob.id }, { text: "2" });
    h.pushes.length = 0;
    const affected = await call<Api.messages.AffectedMessages>(
      messageMethods,
      new Api.messages.ReadHistory({ peer: inputPeer(h.world, bob, alice), maxId: 1 }),
      bobCtx,
    );
    expect(affected).toMatchObject({ pts: 3, ptsCount: 1 });
    const inbox = h.world.boxOf(bob.id).log.at(-1)!.update as Api.UpdateReadHistoryInbox;
    expect(inbox).toBeInstanceOf(Api.UpdateReadHistoryInbox);
    expect(inbox).toMatchObject({ maxId: 1, stillUnreadCount: 1 });
    const outbox = (h.pushesTo(alice.id)[0].updates as Api.Updates).updates[0] as Api.UpdateReadHistoryOutbox;
    expect(outbox).toBeInstanceOf(Api.UpdateReadHistoryOutbox);
    expect(outbox.maxId).toBe(1);
    const again = await call<Api.messages.AffectedMessages>(
      messageMethods,
      new Api.messages.ReadHistory({ peer: inputPeer(h.world, bob, alice), maxId: 1 }),
      bobCtx,
    );
    expect(again.ptsCount).toBe(0);
  });
});

describe("messages.getHistory / getMessages", () => {
  async function chatWith(count: number) {
    const { h, alice, bob, aliceCtx } = pair();
    postMessage(h.world, alice.id, { type: "user", id: alice.id }, { text: "saved, not in the chat" });
    for (let i = 1; i <= count; i++) postMessage(h.world, bob.id, { type: "user", id: alice.id }, { text: `m${i}` });
    const history = (q: Partial<Api.messages.GetHistory>) =>
      call<Api.messages.TypeMessages>(
        messageMethods,
        new Api.messages.GetHistory({
          peer: inputPeer(h.world, alice, bob),
          offsetId: 0,
          offsetDate: 0,
          addOffset: 0,
          limit: 20,
          maxId: 0,
          minId: 0,
          hash: toLong(0),
          ...q,
        }),
        aliceCtx,
      );
    const ids = (r: Api.messages.TypeMessages) => ("messages" in r ? r.messages.map((m) => m.id) : []);
    return { h, alice, aliceCtx, history, ids };
  }

  it("pages newest first with offset_id, add_offset, limit, min_id and max_id", async () => {
    const { history, ids } = await chatWith(30);
    const all = await history({ limit: 100 });
    expect(all).toBeInstanceOf(Api.messages.Messages);
    expect(ids(all)).toHaveLength(30);
    expect(ids(all)[0]).toBe(31);
    const first = await history({ limit: 10 });
    expect(first).toBeInstanceOf(Api.messages.MessagesSlice);
    expect((first as Api.messages.MessagesSlice).count).toBe(30);
    expect(ids(first)).toEqual([31, 30, 29, 28, 27, 26, 25, 24, 23, 22]);
    expect(ids(await history({ offsetId: 22, limit: 3 }))).toEqual([21, 20, 19]);
    expect(ids(await history({ offsetId: 22, addOffset: -2, limit: 4 }))).toEqual([23, 22, 21, 20]);
    expect(((await history({ offsetId: 22, limit: 3 })) as Api.messages.MessagesSlice).offsetIdOffset).toBe(10);
    expect(ids(await history({ minId: 27, limit: 10 }))).toEqual([31, 30, 29, 28]);
    expect(ids(await history({ maxId: 5, limit: 10 }))).toEqual([4, 3, 2]);
    expect(ids(await history({ offsetId: 3, limit: 10 }))).toEqual([2]);
    expect(ids(await history({ limit: 500 }))).toHaveLength(30);
  });

  it("pages by offset_date", async () => {
    const { h, alice } = pair();
    const bob = [...h.world.users.values()].find((u) => u.firstName === "Bob")!;
    const aliceCtx = h.as(alice);
    let now = 1000;
    h.world.now = () => now;
    for (let i = 0; i < 5; i++) {
      now += 10;
      postMessage(h.world, bob.id, { type: "user", id: alice.id }, { text: `t${i}` });
    }
    const page = await call<Api.messages.MessagesSlice>(
      messageMethods,
      new Api.messages.GetHistory({
        peer: inputPeer(h.world, alice, bob),
        offsetId: 0,
        offsetDate: 1031,
        addOffset: 0,
        limit: 10,
        maxId: 0,
        minId: 0,
        hash: toLong(0),
      }),
      aliceCtx,
    );
    expect(page.messages.map((m) => (m as Api.Message).message)).toEqual(["t2", "t1", "t0"]);
  });

  it("getMessages returns messages by id and messageEmpty for unknown ids", async () => {
    const { aliceCtx } = await chatWith(3);
    const result = await call<Api.messages.Messages>(
      messageMethods,
      new Api.messages.GetMessages({ id: [new Api.InputMessageID({ id: 2 }), new Api.InputMessageID({ id: 77 })] }),
      aliceCtx,
    );
    expect(result.messages[0]).toBeInstanceOf(Api.Message);
    expect((result.messages[0] as Api.Message).message).toBe("m1");
    expect(result.messages[1]).toBeInstanceOf(Api.MessageEmpty);
    expect(result.users.map((u) => (u as Api.User).firstName)).toEqual(["Bob"]);
  });
});

describe("messages.getDialogs", () => {
  it("lists chats newest first with unread counts and pages with offset_peer", async () => {
    const h = harness();
    const me = createUser(h.world, { firstName: "Me" });
    const ctx = h.as(me);
    const friends = Array.from({ length: 5 }, (_, i) => createUser(h.world, { firstName: `F${i}` }));
    // The group's only message is its creation, older than every private message.
    const group = createChat(h.world, { type: "group", title: "Quiet group", creatorId: friends[0].id, members: [{ userId: me.id, role: "member" }] });
    for (const friend of friends) postMessage(h.world, friend.id, { type: "user", id: me.id }, { text: `from ${friend.firstName}` });
    const first = await call<Api.messages.DialogsSlice>(
      messageMethods,
      new Api.messages.GetDialogs({ offsetDate: 0, offsetId: 0, offsetPeer: new Api.InputPeerEmpty(), limit: 3, hash: toLong(0) }),
      ctx,
    );
    expect(first).toBeInstanceOf(Api.messages.DialogsSlice);
    expect(first.count).toBe(6);
    const peers = first.dialogs.map((d) => ((d as Api.Dialog).peer as Api.PeerUser).userId.toJSNumber());
    expect(peers).toEqual([friends[4].id, friends[3].id, friends[2].id]);
    expect((first.dialogs[0] as Api.Dialog).unreadCount).toBe(1);
    expect(first.messages).toHaveLength(3);
    const last = friends[2];
    const rest = await call<Api.messages.DialogsSlice>(
      messageMethods,
      new Api.messages.GetDialogs({ offsetDate: 0, offsetId: 0, offsetPeer: inputPeer(h.world, me, last), limit: 10, hash: toLong(0) }),
      ctx,
    );
    const restPeers = rest.dialogs.map((d) => (d as Api.Dialog).peer);
    expect(restPeers).toHaveLength(3);
    expect(restPeers.some((p) => p instanceof Api.PeerChat && p.chatId.toJSNumber() === group.id)).toBe(true);
    expect(rest.chats).toHaveLength(1);
  });
});

describe("albums", () => {
  it("pushes an album's messages as full updates carrying their grouped_id (the short forms have none)", () => {
    const { h, alice, bob, bobCtx } = pair();
    void bobCtx;
    h.pushes.length = 0;
    postMessage(h.world, alice.id, { type: "user", id: bob.id }, { text: "one", groupedId: 77n });
    postMessage(h.world, alice.id, { type: "user", id: bob.id }, { text: "two", groupedId: 77n });
    const toBob = h.pushesTo(bob.id);
    expect(toBob).toHaveLength(2);
    for (const push of toBob) {
      expect(push.updates).toBeInstanceOf(Api.Updates);
      const [update] = (push.updates as Api.Updates).updates as Api.UpdateNewMessage[];
      expect((update.message as Api.Message).groupedId?.toString()).toBe("77");
    }
  });
});
