import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { channelMethods } from "../../../src/methods/channels.js";
import { createChat } from "../../../src/model/chats.js";
import { setMemberRole } from "../../../src/model/participants.js";
import { fixture, inputChannel, inputPeerUser, inputUser, pushedTo, rpcError, updatesIn } from "./fixture.js";

const m = channelMethods;

function megagroup(opts: { username?: string } = { username: "club" }) {
  const f = fixture();
  const owner = f.person("Owner");
  const admin = f.person("Admin");
  const member = f.person("Member");
  const chat = createChat(f.world, {
    type: "supergroup",
    title: "Club",
    username: opts.username,
    creatorId: owner.id,
    members: [
      { userId: admin.id, role: "admin" },
      { userId: member.id, role: "member" },
    ],
  });
  return { f, owner, admin, member, chat };
}

describe("channels.joinChannel / leaveChannel", () => {
  it("joins a public megagroup: the join service message, updateChannel, and members are told", () => {
    const { f, owner, member, chat } = megagroup();
    const newcomer = f.person("Newcomer");
    f.online.add(owner.id).add(member.id).add(newcomer.id);
    const result = m["channels.JoinChannel"](
      new Api.channels.JoinChannel({ channel: inputChannel(f.world, newcomer.id, chat) }),
      f.ctx(newcomer),
    ) as Api.Updates;
    expect(chat.participants.get(newcomer.id)?.role).toBe("member");
    expect(result.updates[0]).toBeInstanceOf(Api.UpdateChannel);
    const joined = result.updates[1] as Api.UpdateNewChannelMessage;
    expect(joined).toBeInstanceOf(Api.UpdateNewChannelMessage);
    expect(joined.pts).toBe(2);
    const service = joined.message as Api.MessageService;
    expect(service.action).toBeInstanceOf(Api.MessageActionChatAddUser);
    expect(service.out).toBe(true);
    expect((result.chats[0] as Api.Channel).left).toBeFalsy();

    const toMember = pushedTo(f.pushes, member.id);
    expect(toMember.map((u) => u.className)).toEqual(["UpdateNewChannelMessage"]);
    const toNewcomer = f.pushes.filter((p) => p.userId === newcomer.id);
    expect(toNewcomer.every((p) => p.exceptSessionKey === `session-${newcomer.id}`)).toBe(true);
    const participant = pushedTo(f.pushes, newcomer.id).find((u) => u instanceof Api.UpdateChannelParticipant) as Api.UpdateChannelParticipant;
    expect(participant.prevParticipant).toBeUndefined();
    expect(participant.newParticipant).toBeInstanceOf(Api.ChannelParticipantSelf);
  });

  it("refuses private channels, the banned, bots and people already in", () => {
    const { f, member, chat } = megagroup({});
    const outsider = f.person("Outsider");
    const join = (user: typeof member) =>
      rpcError(() => m["channels.JoinChannel"](new Api.channels.JoinChannel({ channel: inputChannel(f.world, user.id, chat) }), f.ctx(user)));
    expect(join(outsider)).toMatchObject({ code: 406, errorMessage: "CHANNEL_PRIVATE" });
    expect(join(member)).toMatchObject({ code: 400, errorMessage: "USER_ALREADY_PARTICIPANT" });
    const bot = f.person("Bot", { bot: true, username: "join_bot" });
    expect(join(bot).errorMessage).toBe("BOT_METHOD_INVALID");
    const pub = megagroup();
    const banned = pub.f.person("Banned");
    setMemberRole(pub.f.world, pub.chat.id, banned.id, "kicked", { actorId: pub.owner.id });
    expect(
      rpcError(() => m["channels.JoinChannel"](new Api.channels.JoinChannel({ channel: inputChannel(pub.f.world, banned.id, pub.chat) }), pub.f.ctx(banned)))
        .errorMessage,
    ).toBe("CHANNEL_PRIVATE");
  });

  it("leaves with a service message; the creator cannot leave and outsiders are not participants", () => {
    const { f, owner, member, chat } = megagroup();
    f.online.add(owner.id);
    const result = m["channels.LeaveChannel"](new Api.channels.LeaveChannel({ channel: inputChannel(f.world, member.id, chat) }), f.ctx(member)) as Api.Updates;
    expect(chat.participants.get(member.id)?.role).toBe("left");
    expect((result.chats[0] as Api.Channel).left).toBe(true);
    const left = pushedTo(f.pushes, owner.id).find((u) => u instanceof Api.UpdateNewChannelMessage) as Api.UpdateNewChannelMessage;
    expect(((left.message as Api.MessageService).action as Api.MessageActionChatDeleteUser).userId.toString()).toBe(String(member.id));
    const leave = (user: typeof member) =>
      rpcError(() => m["channels.LeaveChannel"](new Api.channels.LeaveChannel({ channel: inputChannel(f.world, user.id, chat) }), f.ctx(user)));
    expect(leave(owner)).toMatchObject({ code: 400, errorMessage: "USER_CREATOR" });
    expect(leave(member).errorMessage).toBe("USER_NOT_PARTICIPANT");
  });
});

describe("channels.editBanned", () => {
  it("restricts, lifts the restriction, kicks and unbans", () => {
    const { f, admin, member, chat } = megagroup();
    f.online.add(member.id);
    const ban = (rights: Api.ChatBannedRights) =>
      m["channels.EditBanned"](
        new Api.channels.EditBanned({
          channel: inputChannel(f.world, admin.id, chat),
          participant: inputPeerUser(f.world, admin.id, member),
          bannedRights: rights,
        }),
        f.ctx(admin),
      ) as Api.Updates;
    ban(new Api.ChatBannedRights({ sendMessages: true, untilDate: 0 }));
    const restricted = chat.participants.get(member.id)!;
    expect(restricted.role).toBe("restricted");
    expect(restricted.actorId).toBe(admin.id);
    const told = pushedTo(f.pushes, member.id).find((u) => u instanceof Api.UpdateChannelParticipant) as Api.UpdateChannelParticipant;
    expect(told.newParticipant).toBeInstanceOf(Api.ChannelParticipantBanned);
    expect(told.actorId.toString()).toBe(String(admin.id));

    ban(new Api.ChatBannedRights({ untilDate: 0 }));
    expect(chat.participants.get(member.id)?.role).toBe("member");

    const kicked = ban(new Api.ChatBannedRights({ viewMessages: true, untilDate: 0 }));
    expect(chat.participants.get(member.id)?.role).toBe("kicked");
    const removal = kicked.updates.find((u) => u instanceof Api.UpdateNewChannelMessage) as Api.UpdateNewChannelMessage;
    expect((removal.message as Api.MessageService).action).toBeInstanceOf(Api.MessageActionChatDeleteUser);
    expect(pushedTo(f.pushes, member.id).some((u) => u instanceof Api.UpdateNewChannelMessage)).toBe(false);
    const last = f.pushes.filter((p) => p.userId === member.id).at(-1)!;
    expect((last.updates as Api.Updates).chats[0]).toBeInstanceOf(Api.ChannelForbidden);

    ban(new Api.ChatBannedRights({ untilDate: 0 }));
    expect(chat.participants.get(member.id)?.role).toBe("left");
  });

  it("keeps a temporary ban's until_date and treats near or far dates as forever", () => {
    const { f, owner, member, chat } = megagroup();
    const ban = (untilDate: number) =>
      m["channels.EditBanned"](
        new Api.channels.EditBanned({
          channel: inputChannel(f.world, owner.id, chat),
          participant: inputPeerUser(f.world, owner.id, member),
          bannedRights: new Api.ChatBannedRights({ sendMedia: true, untilDate }),
        }),
        f.ctx(owner),
      );
    ban(f.world.now() + 3600);
    expect(chat.participants.get(member.id)?.bannedRights?.untilDate).toBe(f.world.now() + 3600);
    ban(f.world.now() + 10);
    expect(chat.participants.get(member.id)?.bannedRights?.untilDate).toBe(0);
    ban(f.world.now() + 400 * 86400);
    expect(chat.participants.get(member.id)?.bannedRights?.untilDate).toBe(0);
  });

  it("needs ban rights (CHAT_ADMIN_REQUIRED) and refuses admins as targets (USER_ADMIN_INVALID)", () => {
    const { f, owner, admin, member, chat } = megagroup();
    const kick = (actor: typeof owner, target: typeof owner) =>
      rpcError(() =>
        m["channels.EditBanned"](
          new Api.channels.EditBanned({
            channel: inputChannel(f.world, actor.id, chat),
            participant: inputPeerUser(f.world, actor.id, target),
            bannedRights: new Api.ChatBannedRights({ viewMessages: true, untilDate: 0 }),
          }),
          f.ctx(actor),
        ),
      );
    expect(kick(member, admin)).toMatchObject({ code: 403, errorMessage: "CHAT_ADMIN_REQUIRED" });
    expect(kick(admin, owner)).toMatchObject({ code: 400, errorMessage: "USER_ADMIN_INVALID" });
    expect(kick(owner, admin).errorMessage).toBe("USER_ADMIN_INVALID");
  });
});

describe("channels.editAdmin", () => {
  it("promotes with rights and rank, demotes with empty rights", () => {
    const { f, owner, member, chat } = megagroup();
    const edit = (rights: Api.ChatAdminRights, rank = "") =>
      m["channels.EditAdmin"](
        new Api.channels.EditAdmin({ channel: inputChannel(f.world, owner.id, chat), userId: inputUser(f.world, owner.id, member), adminRights: rights, rank }),
        f.ctx(owner),
      );
    edit(new Api.ChatAdminRights({ deleteMessages: true, pinMessages: true }), "Janitor");
    const promoted = chat.participants.get(member.id)!;
    expect(promoted).toMatchObject({ role: "admin", rank: "Janitor", actorId: owner.id });
    expect(promoted.adminRights?.deleteMessages).toBe(true);
    expect(promoted.adminRights?.banUsers).toBeFalsy();
    edit(new Api.ChatAdminRights({}));
    expect(chat.participants.get(member.id)?.role).toBe("member");
  });

  it("adds a bot that is not in the chat, but not a person (USER_NOT_PARTICIPANT)", () => {
    const { f, owner, chat } = megagroup();
    const bot = f.person("Bot", { bot: true, username: "mod_bot" });
    const stranger = f.person("Stranger");
    const promote = (target: typeof owner) =>
      m["channels.EditAdmin"](
        new Api.channels.EditAdmin({
          channel: inputChannel(f.world, owner.id, chat),
          userId: inputUser(f.world, owner.id, target),
          adminRights: new Api.ChatAdminRights({ banUsers: true }),
          rank: "",
        }),
        f.ctx(owner),
      );
    promote(bot);
    expect(chat.participants.get(bot.id)?.role).toBe("admin");
    expect(rpcError(() => promote(stranger)).errorMessage).toBe("USER_NOT_PARTICIPANT");
  });

  it("refuses non-admins, rights the promoter lacks, and editing the creator", () => {
    const { f, owner, admin, member, chat } = megagroup();
    const promote = (actor: typeof owner, target: typeof owner, rights: Api.ChatAdminRights) =>
      rpcError(() =>
        m["channels.EditAdmin"](
          new Api.channels.EditAdmin({
            channel: inputChannel(f.world, actor.id, chat),
            userId: inputUser(f.world, actor.id, target),
            adminRights: rights,
            rank: "",
          }),
          f.ctx(actor),
        ),
      );
    expect(promote(member, admin, new Api.ChatAdminRights({ pinMessages: true }))).toMatchObject({ code: 403, errorMessage: "CHAT_ADMIN_REQUIRED" });
    expect(promote(admin, member, new Api.ChatAdminRights({ pinMessages: true })).errorMessage).toBe("CHAT_ADMIN_REQUIRED");
    chat.participants.get(admin.id)!.adminRights = new Api.ChatAdminRights({ addAdmins: true, pinMessages: true });
    expect(promote(admin, member, new Api.ChatAdminRights({ banUsers: true })).errorMessage).toBe("RIGHT_FORBIDDEN");
    expect(promote(admin, owner, new Api.ChatAdminRights({ pinMessages: true })).errorMessage).toBe("USER_CREATOR");
  });
});

describe("updateChannelParticipant fan-out", () => {
  it("reaches the affected user and online bot admins, not ordinary members", () => {
    const { f, owner, member, chat } = megagroup();
    const bot = f.person("Guard", { bot: true, username: "guard_bot" });
    setMemberRole(f.world, chat.id, bot.id, "admin", { actorId: owner.id });
    const newcomer = f.person("Newcomer");
    f.online.add(bot.id).add(member.id).add(newcomer.id);
    f.pushes.length = 0;
    setMemberRole(f.world, chat.id, newcomer.id, "member", { actorId: owner.id });
    const toBot = pushedTo(f.pushes, bot.id).filter((u) => u instanceof Api.UpdateChannelParticipant);
    expect(toBot).toHaveLength(1);
    expect(pushedTo(f.pushes, member.id).some((u) => u instanceof Api.UpdateChannelParticipant)).toBe(false);
    const added = pushedTo(f.pushes, member.id).find((u) => u instanceof Api.UpdateNewChannelMessage) as Api.UpdateNewChannelMessage;
    const action = (added.message as Api.MessageService).action as Api.MessageActionChatAddUser;
    expect(action.users.map(String)).toEqual([String(newcomer.id)]);
    expect(((added.message as Api.MessageService).fromId as Api.PeerUser).userId.toString()).toBe(String(owner.id));
  });

  it("emits nothing when the role does not change", () => {
    const { f, member, chat } = megagroup();
    f.online.add(member.id);
    const version = chat.version;
    setMemberRole(f.world, chat.id, member.id, "member");
    setMemberRole(f.world, chat.id, f.person("Nobody").id, "left");
    expect(f.pushes).toHaveLength(0);
    expect(chat.version).toBe(version);
  });

  it("records the join for offline members without pushing to them", () => {
    const { f, owner, chat } = megagroup();
    const newcomer = f.person("Newcomer");
    setMemberRole(f.world, chat.id, newcomer.id, "member", { via: "link", inviterId: owner.id });
    expect(f.pushes).toHaveLength(0);
    expect(chat.box?.pts).toBe(2);
    expect(chat.box?.messages.get(2)?.action).toBeInstanceOf(Api.MessageActionChatJoinedByLink);
  });
});

describe("channels.inviteToChannel", () => {
  it("adds people to a megagroup with an add-user message from the inviter", () => {
    const { f, member, chat } = megagroup();
    const friend = f.person("Friend");
    const result = m["channels.InviteToChannel"](
      new Api.channels.InviteToChannel({ channel: inputChannel(f.world, member.id, chat), users: [inputUser(f.world, member.id, friend)] }),
      f.ctx(member),
    ) as Api.messages.InvitedUsers;
    expect(chat.participants.get(friend.id)).toMatchObject({ role: "member", inviterId: member.id });
    expect(updatesIn(result.updates).map((u) => u.className)).toEqual(["UpdateChannel", "UpdateNewChannelMessage"]);
  });

  it("needs an admin in broadcast channels and refuses bots there", () => {
    const f = fixture();
    const owner = f.person("Owner");
    const reader = f.person("Reader");
    const bot = f.person("Bot", { bot: true, username: "news_bot" });
    const chat = createChat(f.world, { type: "channel", title: "News", creatorId: owner.id, members: [{ userId: reader.id, role: "member" }] });
    const invite = (actor: typeof owner, target: typeof owner) =>
      rpcError(() =>
        m["channels.InviteToChannel"](
          new Api.channels.InviteToChannel({ channel: inputChannel(f.world, actor.id, chat), users: [inputUser(f.world, actor.id, target)] }),
          f.ctx(actor),
        ),
      );
    expect(invite(reader, owner).errorMessage).toBe("CHAT_ADMIN_REQUIRED");
    expect(invite(owner, bot).errorMessage).toBe("USER_BOT");
  });
});
