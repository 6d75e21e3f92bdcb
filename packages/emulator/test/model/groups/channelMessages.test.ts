import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { channelMethods } from "../../../src/methods/channels.js";
import { postChannelMessage, senderUpdates } from "../../../src/model/channelPosts.js";
import { createChat } from "../../../src/model/chats.js";
import { deleteChannelMessages } from "../../../src/model/deletes.js";
import { editChannelMessage } from "../../../src/model/edits.js";
import { setMemberRole } from "../../../src/model/participants.js";
import { channelReadState } from "../../../src/model/readState.js";
import { fixture, inputChannel, pushedTo, rpcError } from "./fixture.js";

function megagroup() {
  const f = fixture();
  const owner = f.person("Owner");
  const member = f.person("Member");
  const muted = f.person("Muted");
  const gone = f.person("Gone");
  const chat = createChat(f.world, {
    type: "supergroup",
    title: "Club",
    creatorId: owner.id,
    members: [
      { userId: member.id, role: "member" },
      { userId: muted.id, role: "restricted" },
      { userId: gone.id, role: "kicked" },
    ],
  });
  return { f, owner, member, muted, gone, chat };
}

describe("postChannelMessage", () => {
  it("numbers messages and pts per channel and pushes to online members only, restricted included", () => {
    const { f, owner, member, muted, gone, chat } = megagroup();
    f.online.add(member.id).add(muted.id).add(gone.id);
    const record = postChannelMessage(f.world, chat, owner.id, { text: "hello" }, { exceptSessionKey: "owner-session" });
    expect(record.id).toBe(2);
    expect(chat.box?.pts).toBe(2);
    const toMember = pushedTo(f.pushes, member.id);
    expect(toMember).toHaveLength(1);
    const update = toMember[0] as Api.UpdateNewChannelMessage;
    expect(update.pts).toBe(2);
    expect(update.ptsCount).toBe(1);
    const message = update.message as Api.Message;
    expect(message.message).toBe("hello");
    expect(message.out).toBeFalsy();
    expect((message.peerId as Api.PeerChannel).channelId.toString()).toBe(String(chat.id));
    expect(pushedTo(f.pushes, muted.id)).toHaveLength(1);
    expect(pushedTo(f.pushes, gone.id)).toHaveLength(0);
    expect(pushedTo(f.pushes, owner.id)).toHaveLength(0);
    const users = (f.pushes.find((p) => p.userId === member.id)!.updates as Api.Updates).users;
    expect(users.map((u) => u.id.toString())).toEqual([String(owner.id)]);
  });

  it("gives the sender's other sessions the message, skipping the calling session", () => {
    const { f, owner, chat } = megagroup();
    f.online.add(owner.id);
    const record = postChannelMessage(f.world, chat, owner.id, { text: "mine" }, { exceptSessionKey: "owner-session" });
    const own = f.pushes.filter((p) => p.userId === owner.id);
    expect(own).toHaveLength(1);
    expect(own[0].exceptSessionKey).toBe("owner-session");
    const result = senderUpdates(f.world, chat, record);
    const update = result.updates[0] as Api.UpdateNewChannelMessage;
    expect((update.message as Api.Message).out).toBe(true);
    expect(update.pts).toBe(chat.box?.pts);
  });

  it("applies restrictions: send_messages, send_plain; banned people get CHANNEL_PRIVATE", () => {
    const { f, member, muted, gone, chat } = megagroup();
    expect(rpcError(() => postChannelMessage(f.world, chat, muted.id, { text: "x" }))).toMatchObject({ code: 403, errorMessage: "CHAT_WRITE_FORBIDDEN" });
    expect(rpcError(() => postChannelMessage(f.world, chat, gone.id, { text: "x" })).errorMessage).toBe("CHANNEL_PRIVATE");
    setMemberRole(f.world, chat.id, member.id, "restricted", { bannedRights: new Api.ChatBannedRights({ sendPlain: true, untilDate: 0 }) });
    expect(rpcError(() => postChannelMessage(f.world, chat, member.id, { text: "x" })).errorMessage).toBe("CHAT_SEND_PLAIN_FORBIDDEN");
    const stranger = f.person("Stranger");
    expect(rpcError(() => postChannelMessage(f.world, chat, stranger.id, { text: "x" })).errorMessage).toBe("CHAT_WRITE_FORBIDDEN");
  });

  it("lets only admins with post_messages post to broadcast channels, as post without from_id", () => {
    const f = fixture();
    const owner = f.person("Owner");
    const poster = f.person("Poster");
    const editor = f.person("Editor");
    const reader = f.person("Reader");
    const chat = createChat(f.world, {
      type: "channel",
      title: "News",
      creatorId: owner.id,
      members: [
        { userId: poster.id, role: "admin" },
        { userId: editor.id, role: "admin" },
        { userId: reader.id, role: "member" },
      ],
    });
    chat.participants.get(editor.id)!.adminRights = new Api.ChatAdminRights({ editMessages: true });
    f.online.add(reader.id);
    postChannelMessage(f.world, chat, poster.id, { text: "news" });
    const post = (pushedTo(f.pushes, reader.id)[0] as Api.UpdateNewChannelMessage).message as Api.Message;
    expect(post.post).toBe(true);
    expect(post.fromId).toBeUndefined();
    expect(rpcError(() => postChannelMessage(f.world, chat, reader.id, { text: "x" })).errorMessage).toBe("CHAT_WRITE_FORBIDDEN");
    expect(rpcError(() => postChannelMessage(f.world, chat, editor.id, { text: "x" }))).toMatchObject({ code: 403, errorMessage: "CHAT_ADMIN_REQUIRED" });
  });
});

describe("editChannelMessage and deleteChannelMessages", () => {
  it("edits the author's message with a new pts; others get MESSAGE_AUTHOR_REQUIRED", () => {
    const { f, owner, member, chat } = megagroup();
    f.online.add(owner.id);
    const record = postChannelMessage(f.world, chat, member.id, { text: "draft" });
    f.tick(5);
    editChannelMessage(f.world, chat, member.id, record.id, { text: "final" });
    expect(record).toMatchObject({ text: "final", editDate: f.world.now() });
    expect(chat.box?.pts).toBe(3);
    const edit = pushedTo(f.pushes, owner.id).at(-1) as Api.UpdateEditChannelMessage;
    expect(edit).toBeInstanceOf(Api.UpdateEditChannelMessage);
    expect((edit.message as Api.Message).message).toBe("final");
    expect(rpcError(() => editChannelMessage(f.world, chat, owner.id, record.id, { text: "hijack" }))).toMatchObject({
      code: 403,
      errorMessage: "MESSAGE_AUTHOR_REQUIRED",
    });
    expect(rpcError(() => editChannelMessage(f.world, chat, member.id, record.id, { text: "final" })).errorMessage).toBe("MESSAGE_NOT_MODIFIED");
    expect(rpcError(() => editChannelMessage(f.world, chat, member.id, 99, { text: "x" })).errorMessage).toBe("MESSAGE_ID_INVALID");
    expect(rpcError(() => editChannelMessage(f.world, chat, owner.id, 1, { text: "x" })).errorMessage).toBe("MESSAGE_ID_INVALID");
  });

  it("deletes own messages, admins delete anyone's, pts advances by the count", () => {
    const { f, owner, member, chat } = megagroup();
    f.online.add(owner.id);
    const a = postChannelMessage(f.world, chat, member.id, { text: "a" });
    const b = postChannelMessage(f.world, chat, owner.id, { text: "b" });
    expect(rpcError(() => deleteChannelMessages(f.world, chat, member.id, [a.id, b.id]))).toMatchObject({
      code: 403,
      errorMessage: "MESSAGE_DELETE_FORBIDDEN",
    });
    expect(chat.box?.messages.has(a.id)).toBe(true);
    const done = deleteChannelMessages(f.world, chat, owner.id, [a.id, b.id, 77]);
    expect(done).toEqual({ pts: 5, ptsCount: 2 });
    expect(deleteChannelMessages(f.world, chat, owner.id, [a.id])).toEqual({ pts: 5, ptsCount: 0 });
    const update = pushedTo(f.pushes, owner.id).at(-1) as Api.UpdateDeleteChannelMessages;
    expect(update.messages).toEqual([a.id, b.id]);
  });

  it("answers channels.deleteMessages with affectedMessages", () => {
    const { f, member, chat } = megagroup();
    const a = postChannelMessage(f.world, chat, member.id, { text: "a" });
    const result = channelMethods["channels.DeleteMessages"](
      new Api.channels.DeleteMessages({ channel: inputChannel(f.world, member.id, chat), id: [a.id] }),
      f.ctx(member),
    ) as Api.messages.AffectedMessages;
    expect(result).toMatchObject({ pts: 3, ptsCount: 1 });
  });
});

describe("read state", () => {
  it("counts unread messages from others and moves with channels.readHistory", () => {
    const { f, owner, member, chat } = megagroup();
    f.online.add(member.id).add(owner.id);
    const first = postChannelMessage(f.world, chat, owner.id, { text: "1" });
    postChannelMessage(f.world, chat, owner.id, { text: "2" });
    postChannelMessage(f.world, chat, member.id, { text: "3" });
    expect(channelReadState(chat, member.id).unreadCount).toBe(3);
    f.pushes.length = 0;
    const ok = channelMethods["channels.ReadHistory"](
      new Api.channels.ReadHistory({ channel: inputChannel(f.world, member.id, chat), maxId: first.id }),
      f.ctx(member),
    );
    expect(ok).toBe(true);
    expect(channelReadState(chat, member.id)).toMatchObject({ readInboxMaxId: first.id, unreadCount: 1 });
    const inbox = pushedTo(f.pushes, member.id)[0] as Api.UpdateReadChannelInbox;
    expect(inbox).toMatchObject({ maxId: first.id, stillUnreadCount: 1 });
    expect(pushedTo(f.pushes, owner.id)[0]).toBeInstanceOf(Api.UpdateReadChannelOutbox);
  });

  it("reports channelFull with counts, pts and read state; admin-only counters stay hidden from members", () => {
    const { f, owner, member, chat } = megagroup();
    postChannelMessage(f.world, chat, owner.id, { text: "1" });
    const full = (user: typeof owner) =>
      (
        channelMethods["channels.GetFullChannel"](
          new Api.channels.GetFullChannel({ channel: inputChannel(f.world, user.id, chat) }),
          f.ctx(user),
        ) as Api.messages.ChatFull
      ).fullChat as Api.ChannelFull;
    const asOwner = full(owner);
    expect(asOwner).toMatchObject({ participantsCount: 3, adminsCount: 1, kickedCount: 1, bannedCount: 1, pts: 2, canViewParticipants: true });
    const asMember = full(member);
    expect(asMember.kickedCount).toBeUndefined();
    expect(asMember.bannedCount).toBeUndefined();
    expect(asMember.unreadCount).toBe(2);
    expect(asMember.getBytes().length).toBeGreaterThan(0);
  });
});

describe("channels.createChannel and channels.getMessages", () => {
  it("creates a megagroup or a broadcast channel owned by the caller, opened by the creation message", () => {
    const f = fixture();
    const owner = f.person("Owner");
    const result = channelMethods["channels.CreateChannel"](
      new Api.channels.CreateChannel({ megagroup: true, title: "Team", about: "ours" }),
      f.ctx(owner),
    ) as Api.Updates;
    const channel = result.chats[0] as Api.Channel;
    expect(channel).toMatchObject({ megagroup: true, creator: true, title: "Team" });
    expect(result.updates.map((u) => u.className)).toEqual(["UpdateChannel", "UpdateNewChannelMessage"]);
    const chat = f.world.chats.get(Number(channel.id.toString()))!;
    expect(chat.about).toBe("ours");
    const broadcast = channelMethods["channels.CreateChannel"](
      new Api.channels.CreateChannel({ broadcast: true, title: "News", about: "" }),
      f.ctx(owner),
    ) as Api.Updates;
    expect((broadcast.chats[0] as Api.Channel).broadcast).toBe(true);
    expect(rpcError(() => channelMethods["channels.CreateChannel"](new Api.channels.CreateChannel({ title: " ", about: "" }), f.ctx(owner))).errorMessage).toBe(
      "CHAT_TITLE_EMPTY",
    );
  });

  it("returns requested messages, messageEmpty for missing ids, and the box pts", () => {
    const { f, owner, member, chat } = megagroup();
    const hello = postChannelMessage(f.world, chat, owner.id, { text: "hello" });
    const reply = postChannelMessage(f.world, chat, member.id, { text: "hi", replyToId: hello.id });
    const result = channelMethods["channels.GetMessages"](
      new Api.channels.GetMessages({
        channel: inputChannel(f.world, member.id, chat),
        id: [new Api.InputMessageID({ id: reply.id }), new Api.InputMessageID({ id: 99 }), new Api.InputMessageReplyTo({ id: reply.id })],
      }),
      f.ctx(member),
    ) as Api.messages.ChannelMessages;
    expect(result.pts).toBe(chat.box?.pts);
    expect(result.messages.map((msg) => msg.className)).toEqual(["Message", "MessageEmpty", "Message"]);
    expect((result.messages[0] as Api.Message).out).toBe(true);
    expect((result.messages[2] as Api.Message).message).toBe("hello");
    expect(result.users.map((u) => u.id.toString()).sort()).toEqual([owner.id, member.id].map(String).sort());
  });
});
