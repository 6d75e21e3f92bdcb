/**
 * Basic groups, megagroups and broadcast channels: creating them (seeding), rendering them for a
 * viewer, and the derived participant index (member order, counts, role lists) that listing and
 * rendering share. inputPeers.ts resolves the InputChannel a client sends back.
 */
import { Api } from "telegram";
import { addMessage, advancePts } from "./box.js";
import { toLong } from "./longs.js";
import { renderMessage } from "./messageRender.js";
import { type ChatKind, type ChatRecord, newBox, type Participant, type ParticipantIndex, type Role } from "./records.js";
import type { World } from "./world.js";

/** Roles of people who are in the chat (see it and count in participants_count). */
export function isMemberRole(role: Role | undefined): boolean {
  return role === "creator" || role === "admin" || role === "member" || role === "restricted";
}

/** Roles that hold admin rights. */
export function isAdminRole(role: Role | undefined): boolean {
  return role === "creator" || role === "admin";
}

/** Whether a participant is the creator, or an admin holding `right`. */
export function holdsAdminRight(p: Participant | undefined, right: keyof Api.ChatAdminRights): boolean {
  return p?.role === "creator" || (p?.role === "admin" && p.adminRights?.[right] === true);
}

const allAdminRights = {
  changeInfo: true,
  deleteMessages: true,
  banUsers: true,
  inviteUsers: true,
  pinMessages: true,
  addAdmins: true,
  manageCall: true,
  other: true,
};

/** Rights the creator holds in a megagroup, a broadcast channel or a basic group. */
export function creatorRights(kind: ChatKind): Api.ChatAdminRights {
  if (kind === "channel") {
    return new Api.ChatAdminRights({
      ...allAdminRights,
      postMessages: true,
      editMessages: true,
      postStories: true,
      editStories: true,
      deleteStories: true,
    });
  }
  return new Api.ChatAdminRights({ ...allAdminRights, manageTopics: kind === "megagroup" ? true : undefined });
}

/** The rights Telegram's apps preselect when promoting someone (everything but add_admins). */
export function defaultAdminRights(kind: ChatKind): Api.ChatAdminRights {
  const rights = creatorRights(kind);
  rights.addAdmins = undefined;
  return rights;
}

/** A restriction that forbids sending anything, forever. */
export function defaultRestriction(): Api.ChatBannedRights {
  return new Api.ChatBannedRights({
    sendMessages: true,
    sendMedia: true,
    sendStickers: true,
    sendGifs: true,
    sendGames: true,
    sendInline: true,
    embedLinks: true,
    sendPolls: true,
    sendPhotos: true,
    sendVideos: true,
    sendRoundvideos: true,
    sendAudios: true,
    sendVoices: true,
    sendDocs: true,
    sendPlain: true,
    untilDate: 0,
  });
}

/** A ban (view_messages forbidden), forever. */
export function defaultBan(): Api.ChatBannedRights {
  const rights = defaultRestriction();
  rights.viewMessages = true;
  return rights;
}

/** Shared rights objects for bulk seeding: one object each, never mutated. */
export const sharedRights = {
  admin: { megagroup: defaultAdminRights("megagroup"), channel: defaultAdminRights("channel"), group: defaultAdminRights("group") },
  creator: { megagroup: creatorRights("megagroup"), channel: creatorRights("channel"), group: creatorRights("group") },
  restricted: defaultRestriction(),
  kicked: defaultBan(),
};

/**
 * Telegram treats an until_date closer than 30 s or further than 366 days as "forever" (0);
 * returns the date to store.
 */
export function normalizeUntilDate(untilDate: number | undefined, now: number): number {
  if (!untilDate) return 0;
  const delta = untilDate - now;
  return delta < 30 || delta > 366 * 86400 ? 0 : untilDate;
}

/**
 * The participant record of userId, with an expired temporary restriction or ban lifted first
 * (Telegram lifts them automatically at until_date).
 */
export function participantOf(world: World, chat: ChatRecord, userId: number): Participant | undefined {
  const p = chat.participants.get(userId);
  if (!p || (p.role !== "restricted" && p.role !== "kicked")) return p;
  const until = p.bannedRights?.untilDate ?? 0;
  if (until === 0 || until > world.now()) return p;
  const lifted: Participant = p.role === "kicked" ? { userId, role: "left", date: p.date } : { userId, role: "member", date: p.date, inviterId: p.inviterId };
  chat.participants.set(userId, lifted);
  chat.version++;
  return lifted;
}

/**
 * The participant index of a chat. It is cached per chat and rebuilt when `chat.version` or the
 * number of records changes: whoever edits `chat.participants` directly must bump `chat.version`.
 */
export function participantIndex(world: World, chat: ChatRecord): ParticipantIndex {
  const cached = chat.participantIndex;
  if (cached && cached.version === chat.version && cached.size === chat.participants.size) return cached;
  const all = Array.from(chat.participants.values());
  const index: ParticipantIndex = {
    version: chat.version,
    size: chat.participants.size,
    recent: [],
    admins: [],
    bots: [],
    restricted: [],
    kicked: [],
  };
  let creator: Participant | undefined;
  for (let i = all.length - 1; i >= 0; i--) {
    const p = all[i];
    switch (p.role) {
      case "creator":
        creator = p;
        break;
      case "admin":
        index.admins.push(p);
        break;
      case "restricted":
        index.restricted.push(p);
        break;
      case "kicked":
        index.kicked.push(p);
        continue;
      default:
        break;
    }
    if (!isMemberRole(p.role)) continue;
    index.recent.push(p);
    if (world.users.get(p.userId)?.bot) index.bots.push(p);
  }
  index.admins.reverse();
  if (creator) index.admins.unshift(creator);
  chat.participantIndex = index;
  return index;
}

/** How many people are in the chat (participants_count). */
export function memberCount(world: World, chat: ChatRecord): number {
  return participantIndex(world, chat).recent.length;
}

/** Creation spec for `createChat`; "supergroup" makes a megagroup. */
export interface ChatSpec {
  type: "group" | "supergroup" | "channel";
  title: string;
  username?: string;
  creatorId: number;
  about?: string;
  participantsHidden?: boolean;
  members?: { userId: number; role: Role }[];
}

/**
 * Create a basic group, megagroup or broadcast channel with its members, pushing nothing (this is
 * seeding). Megagroups and channels get their own box, opened by the "created" service message.
 */
export function createChat(world: World, spec: ChatSpec): ChatRecord {
  const kind: ChatKind = spec.type === "supergroup" ? "megagroup" : spec.type;
  if (!world.users.has(spec.creatorId)) throw new Error(`createChat: no user ${spec.creatorId}`);
  if (spec.username !== undefined) {
    if (kind === "group") throw new Error("createChat: basic groups have no username");
    if (world.usernames.has(spec.username.toLowerCase())) throw new Error(`createChat: username ${spec.username} is taken`);
  }
  const id = world.allocateId();
  const date = world.now();
  const chat: ChatRecord = {
    id,
    kind,
    title: spec.title,
    username: spec.username,
    about: spec.about,
    creatorId: spec.creatorId,
    date,
    participants: new Map(),
    participantsHidden: kind === "megagroup" && spec.participantsHidden === true,
    version: 1,
    box: kind === "group" ? undefined : newBox(),
  };
  chat.participants.set(spec.creatorId, { userId: spec.creatorId, role: "creator", date, adminRights: sharedRights.creator[kind] });
  for (const member of spec.members ?? []) {
    if (member.userId === spec.creatorId) continue;
    if (!world.users.has(member.userId)) throw new Error(`createChat: no user ${member.userId}`);
    chat.participants.set(member.userId, seedParticipant(chat, member.userId, member.role, date));
  }
  world.chats.set(id, chat);
  if (spec.username !== undefined) world.usernames.set(spec.username.toLowerCase(), { type: "channel", id });
  if (chat.box) {
    const record = addMessage(chat.box, {
      peer: { type: "channel", id },
      fromId: spec.creatorId,
      out: false,
      text: "",
      date,
      action: new Api.MessageActionChannelCreate({ title: spec.title }),
    });
    advancePts(chat.box, 1, date, (pts) => new Api.UpdateNewChannelMessage({ message: renderMessage(world, record), pts, ptsCount: 1 }));
  } else {
    // A basic group opens with "created the group" in every member's box, as on Telegram (clients
    // such as GramJS's getDialogs expect a top message in every dialog).
    const members = [...chat.participants.values()].filter((p) => isMemberRole(p.role)).map((p) => p.userId);
    const action = new Api.MessageActionChatCreate({ title: spec.title, users: members.map((m) => toLong(m)) });
    for (const ownerId of members) {
      const box = world.boxOf(ownerId);
      const record = addMessage(box, { peer: { type: "chat", id }, fromId: spec.creatorId, out: ownerId === spec.creatorId, text: "", date, action });
      advancePts(box, 1, date, (pts) => new Api.UpdateNewMessage({ message: renderMessage(world, record), pts, ptsCount: 1 }));
    }
  }
  return chat;
}

/** A participant record for seeding: shared rights objects, no per-record extras. */
export function seedParticipant(chat: ChatRecord, userId: number, role: Role, date: number): Participant {
  switch (role) {
    case "creator":
      throw new Error("seedParticipant: a chat has one creator");
    case "admin":
      return { userId, role, date, adminRights: sharedRights.admin[chat.kind], actorId: chat.creatorId };
    case "restricted":
      if (chat.kind === "group") throw new Error("seedParticipant: basic groups have no restricted members");
      return { userId, role, date, bannedRights: sharedRights.restricted, actorId: chat.creatorId };
    case "kicked":
      return { userId, role, date, bannedRights: sharedRights.kicked, actorId: chat.creatorId };
    default:
      return { userId, role, date };
  }
}

/** Whether viewerId may see a megagroup/channel at all (members, and anyone for public ones). */
export function canSeeChannel(world: World, chat: ChatRecord, viewerId: number): boolean {
  const p = participantOf(world, chat, viewerId);
  if (p?.role === "kicked") return false;
  return isMemberRole(p?.role) || chat.username !== undefined;
}

/**
 * A chat as viewerId sees it: chat / chatForbidden for basic groups, channel / channelForbidden
 * (kicked, or a private channel they are not in) with their own access_hash for the others.
 */
export function renderChat(world: World, viewerId: number, chat: ChatRecord): Api.Chat | Api.Channel | Api.ChatForbidden | Api.ChannelForbidden {
  const p = participantOf(world, chat, viewerId);
  const member = isMemberRole(p?.role);
  if (chat.kind === "group") {
    if (p?.role === "kicked") return new Api.ChatForbidden({ id: toLong(chat.id), title: chat.title });
    return new Api.Chat({
      creator: p?.role === "creator" || undefined,
      left: !member || undefined,
      deactivated: chat.deactivated || undefined,
      id: toLong(chat.id),
      title: chat.title,
      photo: new Api.ChatPhotoEmpty(),
      participantsCount: memberCount(world, chat),
      date: chat.date,
      version: chat.version,
      adminRights: isAdminRole(p?.role) ? (p?.adminRights ?? sharedRights.admin.group) : undefined,
    });
  }
  const megagroup = chat.kind === "megagroup" || undefined;
  const broadcast = chat.kind === "channel" || undefined;
  const accessHash = toLong(world.accessHash(viewerId, "channel", chat.id));
  if (p?.role === "kicked" || (!member && chat.username === undefined)) {
    const until = p?.role === "kicked" ? (p.bannedRights?.untilDate ?? 0) : 0;
    return new Api.ChannelForbidden({ broadcast, megagroup, id: toLong(chat.id), accessHash, title: chat.title, untilDate: until || undefined });
  }
  return new Api.Channel({
    creator: p?.role === "creator" || undefined,
    left: !member || undefined,
    broadcast,
    megagroup,
    id: toLong(chat.id),
    accessHash,
    title: chat.title,
    username: chat.username,
    photo: new Api.ChatPhotoEmpty(),
    date: member && p ? p.date : chat.date,
    adminRights: isAdminRole(p?.role) ? p?.adminRights : undefined,
    bannedRights: p?.role === "restricted" ? p.bannedRights : undefined,
    participantsCount: memberCount(world, chat),
  });
}

/** Groups and channels userId is in (creator, admin, member or restricted), for dialogs. */
export function chatsOf(world: World, userId: number): ChatRecord[] {
  const result: ChatRecord[] = [];
  for (const chat of world.chats.values()) {
    if (isMemberRole(participantOf(world, chat, userId)?.role)) result.push(chat);
  }
  return result;
}
