import bigInt from "big-integer";
import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { adminRightNames, bannedRightNames, lastSeenOf, memberFromChannelParticipant, memberFromChatParticipant, usersById } from "../../src/audit/member.js";

const NOW = 1_800_000_000;
const DAY = 86_400;
const id = (n: number) => bigInt(n);

const users = usersById([
  new Api.User({
    id: id(10),
    firstName: "Alice",
    lastName: "Smith",
    username: "alice",
    premium: true,
    status: new Api.UserStatusOnline({ expires: NOW + 60 }),
  }),
  new Api.User({ id: id(11), firstName: "Helper", bot: true, username: "helper_bot" }),
  new Api.User({ id: id(12), deleted: true }),
  new Api.User({ id: id(13), firstName: "Mallory", scam: true, usernames: [new Api.Username({ username: "mal", active: true })] }),
]);

describe("participants as audit rows", () => {
  it("buckets last seen by status, or by how long ago a user was online", () => {
    expect(lastSeenOf(new Api.UserStatusOnline({ expires: NOW + 10 }), NOW)).toEqual({ lastSeen: "online", lastOnlineAt: NOW + 10 });
    expect(lastSeenOf(new Api.UserStatusOnline({ expires: NOW - 10 }), NOW)).toEqual({ lastSeen: "recently", lastOnlineAt: NOW - 10 });
    expect(lastSeenOf(new Api.UserStatusOffline({ wasOnline: NOW - 3 * DAY }), NOW).lastSeen).toBe("recently");
    expect(lastSeenOf(new Api.UserStatusOffline({ wasOnline: NOW - 5 * DAY }), NOW).lastSeen).toBe("week");
    expect(lastSeenOf(new Api.UserStatusOffline({ wasOnline: NOW - 20 * DAY }), NOW).lastSeen).toBe("month");
    expect(lastSeenOf(new Api.UserStatusOffline({ wasOnline: NOW - 40 * DAY }), NOW).lastSeen).toBe("long_ago");
    expect(lastSeenOf(new Api.UserStatusRecently({}), NOW)).toEqual({ lastSeen: "recently", lastOnlineAt: null });
    expect(lastSeenOf(new Api.UserStatusLastWeek({}), NOW).lastSeen).toBe("week");
    expect(lastSeenOf(new Api.UserStatusLastMonth({}), NOW).lastSeen).toBe("month");
    expect(lastSeenOf(new Api.UserStatusEmpty(), NOW).lastSeen).toBe("long_ago");
    expect(lastSeenOf(undefined, NOW).lastSeen).toBe("unknown");
  });

  it("names rights as Telegram's flags do", () => {
    expect(adminRightNames(new Api.ChatAdminRights({ changeInfo: true, banUsers: true, manageCall: true }))).toEqual([
      "change_info",
      "ban_users",
      "manage_call",
    ]);
    expect(bannedRightNames(new Api.ChatBannedRights({ viewMessages: true, sendRoundvideos: true, untilDate: 0 }))).toEqual([
      "view_messages",
      "send_roundvideos",
    ]);
  });

  it("turns each channel participant constructor into its role", () => {
    const admin = memberFromChannelParticipant(
      new Api.ChannelParticipantAdmin({
        userId: id(10),
        promotedBy: id(1),
        date: NOW - 100,
        adminRights: new Api.ChatAdminRights({ deleteMessages: true }),
        rank: "mod",
      }),
      users,
      NOW,
    );
    expect(admin).toEqual({
      userId: "10",
      role: "admin",
      firstName: "Alice",
      lastName: "Smith",
      username: "alice",
      bot: false,
      deleted: false,
      scam: false,
      fake: false,
      premium: true,
      verified: false,
      lastSeen: "online",
      lastOnlineAt: NOW + 60,
      joinedAt: NOW - 100,
      inviterId: null,
      actorId: "1",
      rank: "mod",
      adminRights: ["delete_messages"],
      bannedRights: [],
      bannedUntil: null,
    });
    const creator = memberFromChannelParticipant(
      new Api.ChannelParticipantCreator({ userId: id(13), adminRights: new Api.ChatAdminRights({ addAdmins: true }) }),
      users,
      NOW,
    );
    expect(creator).toMatchObject({ role: "creator", username: "mal", scam: true, joinedAt: null, adminRights: ["add_admins"] });
    const bot = memberFromChannelParticipant(new Api.ChannelParticipant({ userId: id(11), date: NOW }), users, NOW);
    expect(bot).toMatchObject({ role: "member", bot: true, lastSeen: "unknown" });
    const self = memberFromChannelParticipant(new Api.ChannelParticipantSelf({ userId: id(10), inviterId: id(1), date: NOW }), users, NOW);
    expect(self).toMatchObject({ role: "member", inviterId: "1" });
  });

  it("tells restricted members from banned people, and skips those who left", () => {
    const peer = new Api.PeerUser({ userId: id(12) });
    const restrict = new Api.ChatBannedRights({ sendMessages: true, untilDate: NOW + DAY });
    const ban = new Api.ChatBannedRights({ viewMessages: true, sendMessages: true, untilDate: 0 });
    expect(
      memberFromChannelParticipant(new Api.ChannelParticipantBanned({ peer, kickedBy: id(1), date: NOW, bannedRights: restrict }), users, NOW),
    ).toMatchObject({
      role: "restricted",
      deleted: true,
      firstName: null,
      actorId: "1",
      bannedRights: ["send_messages"],
      bannedUntil: NOW + DAY,
    });
    expect(
      memberFromChannelParticipant(new Api.ChannelParticipantBanned({ left: true, peer, kickedBy: id(1), date: NOW, bannedRights: ban }), users, NOW),
    ).toMatchObject({
      role: "kicked",
      bannedRights: ["view_messages", "send_messages"],
      bannedUntil: null,
    });
    expect(
      memberFromChannelParticipant(new Api.ChannelParticipantBanned({ left: true, peer, kickedBy: id(1), date: NOW, bannedRights: restrict }), users, NOW),
    ).toBeUndefined();
    expect(memberFromChannelParticipant(new Api.ChannelParticipantLeft({ peer }), users, NOW)).toBeUndefined();
    const channelPeer = new Api.PeerChannel({ channelId: id(99) });
    expect(
      memberFromChannelParticipant(new Api.ChannelParticipantBanned({ peer: channelPeer, kickedBy: id(1), date: NOW, bannedRights: ban }), users, NOW),
    ).toBeUndefined();
  });

  it("reads basic-group participants", () => {
    expect(memberFromChatParticipant(new Api.ChatParticipantCreator({ userId: id(10) }), users, NOW)).toMatchObject({ role: "creator", joinedAt: null });
    expect(memberFromChatParticipant(new Api.ChatParticipantAdmin({ userId: id(11), inviterId: id(10), date: NOW }), users, NOW)).toMatchObject({
      role: "admin",
      inviterId: "10",
      joinedAt: NOW,
    });
    expect(memberFromChatParticipant(new Api.ChatParticipant({ userId: id(12), inviterId: id(10), date: NOW }), users, NOW)).toMatchObject({
      role: "member",
      deleted: true,
    });
  });
});
