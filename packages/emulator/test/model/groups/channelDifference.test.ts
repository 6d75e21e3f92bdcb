import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { channelMethods } from "../../../src/methods/channels.js";
import { channelDifference } from "../../../src/model/channelDifference.js";
import { postChannelMessage } from "../../../src/model/channelPosts.js";
import { createChat } from "../../../src/model/chats.js";
import { deleteChannelMessages } from "../../../src/model/deletes.js";
import { editChannelMessage } from "../../../src/model/edits.js";
import { setMemberRole } from "../../../src/model/participants.js";
import { fixture, inputChannel, rpcError } from "./fixture.js";

function channelWithPosts(count: number) {
  const f = fixture();
  const owner = f.person("Owner");
  const reader = f.person("Reader");
  // Privacy mode off: these tests are about slicing, the bot reads every post (botPrivacy.test.ts covers the filter).
  const bot = f.person("Bot", { bot: true, username: "diff_bot", privacyMode: false });
  const chat = createChat(f.world, {
    type: "supergroup",
    title: "Busy",
    username: "busy",
    creatorId: owner.id,
    members: [
      { userId: reader.id, role: "member" },
      { userId: bot.id, role: "member" },
    ],
  });
  for (let i = 0; i < count; i++) postChannelMessage(f.world, chat, owner.id, { text: `post ${i}` });
  return { f, owner, reader, bot, chat };
}

const texts = (messages: Api.TypeMessage[]) => messages.map((m) => (m as Api.Message).message);

describe("channelDifference", () => {
  it("answers empty with the current pts and a timeout when nothing is new", () => {
    const { f, reader, chat } = channelWithPosts(3);
    const diff = channelDifference(f.world, reader.id, chat, 4, 100, false) as Api.updates.ChannelDifferenceEmpty;
    expect(diff).toBeInstanceOf(Api.updates.ChannelDifferenceEmpty);
    expect(diff).toMatchObject({ final: true, pts: 4, timeout: 30 });
  });

  it("returns new messages and other updates since pts, final, with chats and users", () => {
    const { f, owner, reader, chat } = channelWithPosts(3);
    const diff = channelDifference(f.world, reader.id, chat, 2, 100, false) as Api.updates.ChannelDifference;
    expect(diff).toBeInstanceOf(Api.updates.ChannelDifference);
    expect(diff.final).toBe(true);
    expect(diff.pts).toBe(4);
    expect(texts(diff.newMessages)).toEqual(["post 1", "post 2"]);
    expect(diff.otherUpdates).toEqual([]);
    expect(diff.chats[0]).toBeInstanceOf(Api.Channel);
    expect(diff.users.map((u) => u.id.toString())).toEqual([String(owner.id)]);
  });

  it("shows messages as they are now: edits folded into new messages, deleted ones left out", () => {
    const { f, owner, reader, chat } = channelWithPosts(3);
    editChannelMessage(f.world, chat, owner.id, 2, { text: "post 0 (edited)" });
    editChannelMessage(f.world, chat, owner.id, 3, { text: "post 1 (edited)" });
    deleteChannelMessages(f.world, chat, owner.id, [4]);
    const diff = channelDifference(f.world, reader.id, chat, 2, 100, false) as Api.updates.ChannelDifference;
    expect(diff.pts).toBe(7);
    expect(texts(diff.newMessages)).toEqual(["post 1 (edited)"]);
    expect(diff.otherUpdates.map((u) => u.className)).toEqual(["UpdateEditChannelMessage", "UpdateDeleteChannelMessages"]);
    expect(((diff.otherUpdates[0] as Api.UpdateEditChannelMessage).message as Api.Message).message).toBe("post 0 (edited)");
  });

  it("marks the reader's own messages out", () => {
    const { f, reader, chat } = channelWithPosts(0);
    postChannelMessage(f.world, chat, reader.id, { text: "mine" });
    const diff = channelDifference(f.world, reader.id, chat, 1, 100, false) as Api.updates.ChannelDifference;
    expect((diff.newMessages[0] as Api.Message).out).toBe(true);
  });

  it("tells a user too long when pts + limit < remote pts, with the dialog and the latest messages", () => {
    const { f, reader, chat } = channelWithPosts(30);
    const diff = channelDifference(f.world, reader.id, chat, 1, 10, false) as Api.updates.ChannelDifferenceTooLong;
    expect(diff).toBeInstanceOf(Api.updates.ChannelDifferenceTooLong);
    expect(diff.final).toBe(true);
    expect(diff.timeout).toBe(30);
    const dialog = diff.dialog as Api.Dialog;
    expect(dialog).toMatchObject({ topMessage: 31, pts: 31, unreadCount: 31 });
    expect(texts(diff.messages)).toEqual(Array.from({ length: 10 }, (_, i) => `post ${29 - i}`));
    expect(channelDifference(f.world, reader.id, chat, 21, 10, false)).toBeInstanceOf(Api.updates.ChannelDifference);
  });

  it("caps a user's limit at 100: a 150-pts gap is too long even when asking for 1000", () => {
    const { f, reader, chat } = channelWithPosts(150);
    expect(channelDifference(f.world, reader.id, chat, 1, 1000, false)).toBeInstanceOf(Api.updates.ChannelDifferenceTooLong);
  });

  it("gives bots slices of `limit` with final unset until they catch up", () => {
    const { f, bot, chat } = channelWithPosts(25);
    const first = channelDifference(f.world, bot.id, chat, 1, 10, true) as Api.updates.ChannelDifference;
    expect(first.final).toBeFalsy();
    expect(first.timeout).toBeUndefined();
    expect(first.pts).toBe(11);
    expect(first.newMessages).toHaveLength(10);
    const second = channelDifference(f.world, bot.id, chat, first.pts, 10, true) as Api.updates.ChannelDifference;
    expect(second.pts).toBe(21);
    const third = channelDifference(f.world, bot.id, chat, second.pts, 10, true) as Api.updates.ChannelDifference;
    expect(third.final).toBe(true);
    expect(third.pts).toBe(26);
    expect(texts(third.newMessages)).toEqual(["post 20", "post 21", "post 22", "post 23", "post 24"]);
  });

  it("is too long for everyone past limits.channelDifferenceTooLong", () => {
    const { f, bot, chat } = channelWithPosts(12);
    f.world.limits.channelDifferenceTooLong = 10;
    expect(channelDifference(f.world, bot.id, chat, 1, 100_000, true)).toBeInstanceOf(Api.updates.ChannelDifferenceTooLong);
    expect(channelDifference(f.world, bot.id, chat, 3, 100_000, true)).toBeInstanceOf(Api.updates.ChannelDifference);
  });

  it("is too long when the log no longer reaches back to pts", () => {
    const { f, reader, chat } = channelWithPosts(5);
    chat.box!.log.splice(0, 3);
    expect(channelDifference(f.world, reader.id, chat, 2, 100, false)).toBeInstanceOf(Api.updates.ChannelDifferenceTooLong);
    expect(channelDifference(f.world, reader.id, chat, 3, 100, false)).toBeInstanceOf(Api.updates.ChannelDifference);
  });

  it("rejects pts 0 and a pts from the future", () => {
    const { f, reader, chat } = channelWithPosts(2);
    expect(rpcError(() => channelDifference(f.world, reader.id, chat, 0, 100, false)).errorMessage).toBe("PERSISTENT_TIMESTAMP_EMPTY");
    expect(rpcError(() => channelDifference(f.world, reader.id, chat, 9, 100, false)).errorMessage).toBe("PERSISTENT_TIMESTAMP_INVALID");
  });
});

describe("updates.getChannelDifference", () => {
  const call = (f: ReturnType<typeof fixture>, user: Parameters<typeof f.ctx>[0], chat: Parameters<typeof inputChannel>[2], pts: number) =>
    channelMethods["updates.GetChannelDifference"](
      new Api.updates.GetChannelDifference({ channel: inputChannel(f.world, user.id, chat), filter: new Api.ChannelMessagesFilterEmpty(), pts, limit: 100 }),
      f.ctx(user),
    );

  it("serves members and refuses the kicked, and outsiders of private channels, with CHANNEL_PRIVATE", () => {
    const { f, owner, reader, chat } = channelWithPosts(2);
    expect(call(f, reader, chat, 1)).toBeInstanceOf(Api.updates.ChannelDifference);
    setMemberRole(f.world, chat.id, reader.id, "kicked", { actorId: owner.id });
    expect(rpcError(() => call(f, reader, chat, 1))).toMatchObject({ code: 406, errorMessage: "CHANNEL_PRIVATE" });

    const secret = createChat(f.world, { type: "channel", title: "Secret", creatorId: owner.id, members: [{ userId: reader.id, role: "member" }] });
    expect(call(f, reader, secret, 1)).toBeInstanceOf(Api.updates.ChannelDifferenceEmpty);
    setMemberRole(f.world, secret.id, reader.id, "left");
    expect(rpcError(() => call(f, reader, secret, 1)).errorMessage).toBe("CHANNEL_PRIVATE");
  });
});
