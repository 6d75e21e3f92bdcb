import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { channelMethods } from "../../../src/methods/channels.js";
import { chatsOf, createChat, renderChat } from "../../../src/model/chats.js";
import { lookupChannel, resolveChannel } from "../../../src/model/inputPeers.js";
import { toLong } from "../../../src/model/longs.js";
import { fixture, inputChannel, rpcError } from "./fixture.js";

describe("createChat and renderChat", () => {
  it("creates a megagroup with its members and opens its box with the creation message", () => {
    const f = fixture();
    const owner = f.person("Owner");
    const admin = f.person("Admin");
    const member = f.person("Member");
    const chat = createChat(f.world, {
      type: "supergroup",
      title: "Club",
      username: "club",
      creatorId: owner.id,
      members: [
        { userId: admin.id, role: "admin" },
        { userId: member.id, role: "member" },
      ],
    });
    expect(chat.kind).toBe("megagroup");
    expect(chat.box?.pts).toBe(1);
    expect(chat.box?.messages.get(1)?.action).toBeInstanceOf(Api.MessageActionChannelCreate);
    expect(f.world.usernames.get("club")).toEqual({ type: "channel", id: chat.id });
    expect(f.pushes).toHaveLength(0);

    const seen = renderChat(f.world, member.id, chat) as Api.Channel;
    expect(seen).toBeInstanceOf(Api.Channel);
    expect(seen.megagroup).toBe(true);
    expect(seen.broadcast).toBeFalsy();
    expect(seen.participantsCount).toBe(3);
    expect(seen.left).toBeFalsy();
    expect(seen.adminRights).toBeUndefined();

    const byOwner = renderChat(f.world, owner.id, chat) as Api.Channel;
    expect(byOwner.creator).toBe(true);
    expect(byOwner.adminRights?.addAdmins).toBe(true);
    expect(byOwner.accessHash?.toString()).not.toBe(seen.accessHash?.toString());
    expect((renderChat(f.world, admin.id, chat) as Api.Channel).adminRights?.banUsers).toBe(true);
  });

  it("refuses a taken username and usernames on basic groups", () => {
    const f = fixture();
    const owner = f.person("Owner");
    createChat(f.world, { type: "channel", title: "News", username: "News", creatorId: owner.id });
    expect(() => createChat(f.world, { type: "channel", title: "Other", username: "news", creatorId: owner.id })).toThrow(/taken/);
    expect(() => createChat(f.world, { type: "group", title: "G", username: "grp", creatorId: owner.id })).toThrow(/username/);
  });

  it("shows a private channel as channelForbidden to outsiders, a public one as left", () => {
    const f = fixture();
    const owner = f.person("Owner");
    const outsider = f.person("Outsider");
    const secret = createChat(f.world, { type: "channel", title: "Secret", creatorId: owner.id });
    const open = createChat(f.world, { type: "channel", title: "Open", username: "openchan", creatorId: owner.id });
    const hidden = renderChat(f.world, outsider.id, secret);
    expect(hidden).toBeInstanceOf(Api.ChannelForbidden);
    expect((hidden as Api.ChannelForbidden).broadcast).toBe(true);
    const visible = renderChat(f.world, outsider.id, open) as Api.Channel;
    expect(visible).toBeInstanceOf(Api.Channel);
    expect(visible.left).toBe(true);
    expect(visible.username).toBe("openchan");
  });

  it("shows a kicked member channelForbidden with the ban's until_date", () => {
    const f = fixture();
    const owner = f.person("Owner");
    const kicked = f.person("Kicked");
    const chat = createChat(f.world, {
      type: "supergroup",
      title: "G",
      username: "grp1",
      creatorId: owner.id,
      members: [{ userId: kicked.id, role: "kicked" }],
    });
    const seen = renderChat(f.world, kicked.id, chat) as Api.ChannelForbidden;
    expect(seen).toBeInstanceOf(Api.ChannelForbidden);
    expect(seen.megagroup).toBe(true);
    expect(seen.untilDate).toBeUndefined();
  });

  it("renders basic groups as chat, with left / creator flags and chatForbidden for removed people", () => {
    const f = fixture();
    const owner = f.person("Owner");
    const left = f.person("Left");
    const removed = f.person("Removed");
    const chat = createChat(f.world, {
      type: "group",
      title: "Friends",
      creatorId: owner.id,
      members: [
        { userId: left.id, role: "left" },
        { userId: removed.id, role: "kicked" },
      ],
    });
    const own = renderChat(f.world, owner.id, chat) as Api.Chat;
    expect(own).toBeInstanceOf(Api.Chat);
    expect(own.creator).toBe(true);
    expect(own.participantsCount).toBe(1);
    expect((renderChat(f.world, left.id, chat) as Api.Chat).left).toBe(true);
    expect(renderChat(f.world, removed.id, chat)).toBeInstanceOf(Api.ChatForbidden);
  });
});

describe("resolveChannel", () => {
  it("accepts the viewer's own access hash and rejects another viewer's (CHANNEL_INVALID)", () => {
    const f = fixture();
    const owner = f.person("Owner");
    const member = f.person("Member");
    const chat = createChat(f.world, { type: "supergroup", title: "G", creatorId: owner.id, members: [{ userId: member.id, role: "member" }] });
    expect(resolveChannel(f.world, member.id, inputChannel(f.world, member.id, chat))).toBe(chat);
    const foreign = inputChannel(f.world, owner.id, chat);
    expect(rpcError(() => resolveChannel(f.world, member.id, foreign))).toMatchObject({ code: 400, errorMessage: "CHANNEL_INVALID" });
    const unknown = new Api.InputChannel({ channelId: toLong(42), accessHash: toLong(1) });
    expect(rpcError(() => lookupChannel(f.world, member.id, unknown)).errorMessage).toBe("CHANNEL_INVALID");
    expect(rpcError(() => lookupChannel(f.world, member.id, new Api.InputChannelEmpty())).errorMessage).toBe("CHANNEL_INVALID");
  });

  it("answers CHANNEL_PRIVATE to the kicked and to outsiders of private channels", () => {
    const f = fixture();
    const owner = f.person("Owner");
    const kicked = f.person("Kicked");
    const outsider = f.person("Outsider");
    const open = createChat(f.world, {
      type: "supergroup",
      title: "Open",
      username: "opengrp",
      creatorId: owner.id,
      members: [{ userId: kicked.id, role: "kicked" }],
    });
    const secret = createChat(f.world, { type: "supergroup", title: "Secret", creatorId: owner.id });
    expect(rpcError(() => resolveChannel(f.world, kicked.id, inputChannel(f.world, kicked.id, open)))).toMatchObject({
      code: 406,
      errorMessage: "CHANNEL_PRIVATE",
    });
    expect(rpcError(() => resolveChannel(f.world, outsider.id, inputChannel(f.world, outsider.id, secret))).errorMessage).toBe("CHANNEL_PRIVATE");
    expect(resolveChannel(f.world, outsider.id, inputChannel(f.world, outsider.id, open))).toBe(open);
  });

  it("lifts a temporary ban once its until_date passes", () => {
    const f = fixture();
    const owner = f.person("Owner");
    const banned = f.person("Banned");
    const chat = createChat(f.world, { type: "supergroup", title: "G", creatorId: owner.id });
    chat.participants.set(banned.id, {
      userId: banned.id,
      role: "kicked",
      date: f.world.now(),
      bannedRights: new Api.ChatBannedRights({ viewMessages: true, untilDate: f.world.now() + 3600 }),
    });
    chat.version++;
    expect(renderChat(f.world, banned.id, chat)).toBeInstanceOf(Api.ChannelForbidden);
    f.tick(3601);
    expect(chat.participants.get(banned.id)?.role).toBe("kicked");
    expect(renderChat(f.world, banned.id, chat)).toBeInstanceOf(Api.ChannelForbidden);
    expect(chat.participants.get(banned.id)?.role).toBe("left");
  });
});

describe("chatsOf and channels.getChannels", () => {
  it("lists only the chats a user is in", () => {
    const f = fixture();
    const owner = f.person("Owner");
    const user = f.person("User");
    const a = createChat(f.world, { type: "supergroup", title: "A", creatorId: owner.id, members: [{ userId: user.id, role: "restricted" }] });
    createChat(f.world, { type: "supergroup", title: "B", creatorId: owner.id, members: [{ userId: user.id, role: "left" }] });
    const c = createChat(f.world, { type: "group", title: "C", creatorId: owner.id, members: [{ userId: user.id, role: "member" }] });
    expect(chatsOf(f.world, user.id).map((chat) => chat.id)).toEqual([a.id, c.id]);
  });

  it("renders each requested channel for the caller, channelForbidden for a ban", () => {
    const f = fixture();
    const owner = f.person("Owner");
    const user = f.person("User");
    const ok = createChat(f.world, { type: "channel", title: "Ok", creatorId: owner.id, members: [{ userId: user.id, role: "member" }] });
    const banned = createChat(f.world, { type: "channel", title: "Banned", creatorId: owner.id, members: [{ userId: user.id, role: "kicked" }] });
    const result = channelMethods["channels.GetChannels"](
      new Api.channels.GetChannels({ id: [inputChannel(f.world, user.id, ok), inputChannel(f.world, user.id, banned)] }),
      f.ctx(user),
    ) as Api.messages.Chats;
    expect(result.chats[0]).toBeInstanceOf(Api.Channel);
    expect(result.chats[1]).toBeInstanceOf(Api.ChannelForbidden);
  });
});
