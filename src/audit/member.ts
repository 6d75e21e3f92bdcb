/**
 * Telegram's participant and user constructors turned into audit rows: role, flags, last-seen bucket,
 * rights as snake_case names. Pure functions over GramJS's Api objects.
 */
import { Api } from "telegram";
import type { LastSeen, MemberRow } from "./types.js";

const DAY = 86_400;

const ADMIN_FLAGS = [
  "changeInfo",
  "postMessages",
  "editMessages",
  "deleteMessages",
  "banUsers",
  "inviteUsers",
  "pinMessages",
  "addAdmins",
  "anonymous",
  "manageCall",
  "other",
  "manageTopics",
  "postStories",
  "editStories",
  "deleteStories",
] as const;

const BANNED_FLAGS = [
  "viewMessages",
  "sendMessages",
  "sendMedia",
  "sendStickers",
  "sendGifs",
  "sendGames",
  "sendInline",
  "embedLinks",
  "sendPolls",
  "changeInfo",
  "inviteUsers",
  "pinMessages",
  "manageTopics",
  "sendPhotos",
  "sendVideos",
  "sendRoundvideos",
  "sendAudios",
  "sendVoices",
  "sendDocs",
  "sendPlain",
] as const;

const snake = (flag: string) => flag.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The admin rights a ChatAdminRights grants, as Telegram's flag names (change_info, ban_users, ...). */
export function adminRightNames(rights: Api.TypeChatAdminRights | undefined): string[] {
  if (!rights) return [];
  return ADMIN_FLAGS.filter((flag) => rights[flag] === true).map(snake);
}

/** What a ChatBannedRights forbids, as Telegram's flag names (view_messages, send_messages, ...). */
export function bannedRightNames(rights: Api.TypeChatBannedRights | undefined): string[] {
  if (!rights) return [];
  return BANNED_FLAGS.filter((flag) => rights[flag] === true).map(snake);
}

/** The last-seen bucket of a status at `now` (Unix seconds), with the last-online time when Telegram gives one. */
export function lastSeenOf(status: Api.TypeUserStatus | undefined, now: number): { lastSeen: LastSeen; lastOnlineAt: number | null } {
  if (status instanceof Api.UserStatusOnline) {
    return status.expires > now ? { lastSeen: "online", lastOnlineAt: status.expires } : bucketByTime(status.expires, now);
  }
  if (status instanceof Api.UserStatusOffline) return bucketByTime(status.wasOnline, now);
  if (status instanceof Api.UserStatusRecently) return { lastSeen: "recently", lastOnlineAt: null };
  if (status instanceof Api.UserStatusLastWeek) return { lastSeen: "week", lastOnlineAt: null };
  if (status instanceof Api.UserStatusLastMonth) return { lastSeen: "month", lastOnlineAt: null };
  if (status instanceof Api.UserStatusEmpty) return { lastSeen: "long_ago", lastOnlineAt: null };
  return { lastSeen: "unknown", lastOnlineAt: null };
}

function bucketByTime(at: number, now: number): { lastSeen: LastSeen; lastOnlineAt: number } {
  const age = now - at;
  const lastSeen: LastSeen = age <= 3 * DAY ? "recently" : age <= 7 * DAY ? "week" : age <= 30 * DAY ? "month" : "long_ago";
  return { lastSeen, lastOnlineAt: at };
}

type UserFields = Omit<MemberRow, "role" | "joinedAt" | "inviterId" | "actorId" | "rank" | "adminRights" | "bannedRights" | "bannedUntil">;

/** The person-level fields of a row (names, flags, last seen); a UserEmpty or a missing user reads as a deleted account. */
function userFields(user: Api.TypeUser | undefined, userId: string, now: number): UserFields {
  if (!(user instanceof Api.User)) {
    return {
      userId,
      firstName: null,
      lastName: null,
      username: null,
      bot: false,
      deleted: true,
      scam: false,
      fake: false,
      premium: false,
      verified: false,
      lastSeen: "unknown",
      lastOnlineAt: null,
    };
  }
  const username = user.username ?? user.usernames?.find((u) => u.active)?.username ?? null;
  const seen = user.deleted || user.bot ? { lastSeen: "unknown" as const, lastOnlineAt: null } : lastSeenOf(user.status, now);
  return {
    userId,
    firstName: user.firstName || null,
    lastName: user.lastName || null,
    username: username || null,
    bot: user.bot === true,
    deleted: user.deleted === true,
    scam: user.scam === true,
    fake: user.fake === true,
    premium: user.premium === true,
    verified: user.verified === true,
    ...seen,
  };
}

const NO_PARTICIPANT_EXTRAS = { joinedAt: null, inviterId: null, actorId: null, rank: null, adminRights: [], bannedRights: [], bannedUntil: null };

/**
 * The row of a megagroup / channel participant, or undefined when the entry is not a person in or
 * banned from the chat (channelParticipantLeft, a banned channel, a restriction of someone who left).
 */
export function memberFromChannelParticipant(
  participant: Api.TypeChannelParticipant,
  users: ReadonlyMap<string, Api.TypeUser>,
  now: number,
): MemberRow | undefined {
  if (participant instanceof Api.ChannelParticipantBanned) {
    if (!(participant.peer instanceof Api.PeerUser)) return undefined;
    const userId = participant.peer.userId.toString();
    const rights = participant.bannedRights;
    const kicked = rights.viewMessages === true;
    if (!kicked && participant.left) return undefined;
    return {
      ...userFields(users.get(userId), userId, now),
      ...NO_PARTICIPANT_EXTRAS,
      role: kicked ? "kicked" : "restricted",
      joinedAt: participant.date,
      actorId: participant.kickedBy.toString(),
      bannedRights: bannedRightNames(rights),
      bannedUntil: rights.untilDate || null,
    };
  }
  if (participant instanceof Api.ChannelParticipantLeft) return undefined;
  const userId = participant.userId.toString();
  const base = { ...userFields(users.get(userId), userId, now), ...NO_PARTICIPANT_EXTRAS };
  if (participant instanceof Api.ChannelParticipantCreator) {
    return { ...base, role: "creator", rank: participant.rank ?? null, adminRights: adminRightNames(participant.adminRights) };
  }
  if (participant instanceof Api.ChannelParticipantAdmin) {
    return {
      ...base,
      role: "admin",
      joinedAt: participant.date,
      inviterId: participant.inviterId?.toString() ?? null,
      actorId: participant.promotedBy.toString(),
      rank: participant.rank ?? null,
      adminRights: adminRightNames(participant.adminRights),
    };
  }
  if (participant instanceof Api.ChannelParticipantSelf) {
    return { ...base, role: "member", joinedAt: participant.date, inviterId: participant.inviterId.toString() };
  }
  return { ...base, role: "member", joinedAt: participant.date };
}

/** The row of a basic-group participant (creator, admin or member). */
export function memberFromChatParticipant(participant: Api.TypeChatParticipant, users: ReadonlyMap<string, Api.TypeUser>, now: number): MemberRow {
  const userId = participant.userId.toString();
  const base = { ...userFields(users.get(userId), userId, now), ...NO_PARTICIPANT_EXTRAS };
  if (participant instanceof Api.ChatParticipantCreator) return { ...base, role: "creator" };
  const joined = { joinedAt: participant.date, inviterId: participant.inviterId.toString() };
  return { ...base, ...joined, role: participant instanceof Api.ChatParticipantAdmin ? "admin" : "member" };
}

/** Users of a result by id, for looking participants up. */
export function usersById(users: readonly Api.TypeUser[]): Map<string, Api.TypeUser> {
  const map = new Map<string, Api.TypeUser>();
  for (const user of users) map.set(user.id.toString(), user);
  return map;
}
