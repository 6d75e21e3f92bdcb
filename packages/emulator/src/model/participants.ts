/**
 * Participants of groups and channels: role changes with the updates and service messages
 * Telegram emits, rendering participants for a viewer, and listing them as
 * channels.getParticipants answers (filters, caps, hidden member lists).
 */
import { Api } from "telegram";
import { findMessageEvent, postChannelMessage } from "./channelPosts.js";
import {
  creatorRights,
  defaultAdminRights,
  defaultBan,
  defaultRestriction,
  isAdminRole,
  isMemberRole,
  normalizeUntilDate,
  participantIndex,
  participantOf,
} from "./chats.js";
import { chatUpdates, forEachOnlineMember } from "./delivery.js";
import { forbidden } from "./errors.js";
import { toLong } from "./longs.js";
import { renderMessage } from "./messageRender.js";
import { sendNumbered } from "./qts.js";
import { markAllRead } from "./readState.js";
import type { ChatRecord, Participant, Role, UserRecord } from "./records.js";
import { postMessage } from "./sending.js";
import type { World } from "./world.js";

/** Who acts and how, for a role change. */
export interface RoleOptions {
  /** Who made the change (inviter, admin); defaults to the affected user (join, leave). */
  actorId?: number;
  adminRights?: Api.ChatAdminRights;
  bannedRights?: Api.ChatBannedRights;
  rank?: string;
  /** The actor's calling session, which gets the updates in its call result instead. */
  exceptSessionKey?: string;
  /** How a self-join happened: an invite link or an approved join request. */
  via?: "link" | "request";
  /** For joins via link: who made the link. */
  inviterId?: number;
}

/** What a role change produced, for the actor's call result. */
export interface RoleChange {
  prev?: Participant;
  next?: Participant;
  /** Updates the actor's call returns (their calling session got no push). */
  updates: Api.TypeUpdate[];
  /** Users the updates refer to. */
  userIds: number[];
}

function cloneTl<T extends object>(object: T): T {
  return Object.assign(Object.create(Object.getPrototypeOf(object)) as T, object);
}

function bannedRightsFor(role: "restricted" | "kicked", given: Api.ChatBannedRights | undefined, now: number): Api.ChatBannedRights {
  const rights = given ? cloneTl(given) : role === "kicked" ? defaultBan() : defaultRestriction();
  rights.untilDate = normalizeUntilDate(rights.untilDate, now);
  if (role === "kicked") rights.viewMessages = true;
  return rights;
}

function buildParticipant(
  chat: ChatRecord,
  prev: Participant | undefined,
  userId: number,
  role: Role,
  actorId: number,
  opts: RoleOptions,
  now: number,
): Participant {
  const stays = isMemberRole(prev?.role) && prev !== undefined;
  const date = stays ? prev.date : now;
  const invitedBy = opts.inviterId ?? (actorId !== userId ? actorId : undefined);
  const inviterId = stays ? prev.inviterId : invitedBy;
  switch (role) {
    case "creator":
      return { ...(prev as Participant), rank: opts.rank ?? prev?.rank, adminRights: prev?.adminRights ?? creatorRights(chat.kind) };
    case "admin":
      return { userId, role, date, inviterId, adminRights: opts.adminRights ?? defaultAdminRights(chat.kind), rank: opts.rank, actorId };
    case "member":
      return { userId, role, date, inviterId };
    case "restricted":
      return { userId, role, date, inviterId, bannedRights: bannedRightsFor(role, opts.bannedRights, now), actorId };
    case "kicked":
      return { userId, role, date: now, bannedRights: bannedRightsFor(role, opts.bannedRights, now), actorId };
    case "left":
      return { userId, role, date: now };
  }
}

/** The service message a join shows in a group: added by someone, joined by link or by request. */
function joinAction(userId: number, actorId: number, opts: RoleOptions): Api.TypeMessageAction {
  if (opts.via === "link") return new Api.MessageActionChatJoinedByLink({ inviterId: toLong(opts.inviterId ?? actorId) });
  if (opts.via === "request") return new Api.MessageActionChatJoinedByRequest();
  return new Api.MessageActionChatAddUser({ users: [toLong(userId)] });
}

/**
 * Change userId's role in a chat and emit what Telegram emits. Megagroups/channels:
 * updateChannel and updateChannelParticipant to the affected user, updateChannelParticipant to
 * bot admins, and in megagroups the join / leave / removal service message. Basic groups:
 * the service message via postMessage plus updateChatParticipantAdd / Delete / Admin, and
 * updateChatParticipant to bot admins and the bot affected. What bots get is numbered in their qts
 * sequence (qts.ts) and replayed by getDifference. Returns the updates for the actor's own call result.
 */
export function applyMemberRole(world: World, chat: ChatRecord, userId: number, role: Role, opts: RoleOptions = {}): RoleChange {
  const prev = participantOf(world, chat, userId);
  const actorId = opts.actorId ?? userId;
  if (role === "creator" && prev?.role !== "creator") throw new Error("applyMemberRole: ownership transfer is not modeled");
  if (prev?.role === "creator" && role !== "creator" && chat.kind !== "group") throw new Error("applyMemberRole: a channel's creator keeps their role");
  if (role === "restricted" && chat.kind === "group") throw new Error("applyMemberRole: basic groups have no restricted members");
  if (!world.users.has(userId)) throw new Error(`applyMemberRole: no user ${userId}`);
  const nothingToChange = role === "left" || role === "member";
  if ((!prev && role === "left") || (prev?.role === role && nothingToChange)) return { prev, next: prev, updates: [], userIds: [] };
  const now = world.now();
  const next = buildParticipant(chat, prev, userId, role, actorId, opts, now);
  const joining = !isMemberRole(prev?.role) && isMemberRole(role);
  const removed = isMemberRole(prev?.role) && !isMemberRole(role);
  if (chat.kind === "group") return applyGroupRole(world, chat, { prev, next, joining, removed, actorId, opts, now });
  if (joining) chat.participants.delete(userId);
  chat.participants.set(userId, next);
  chat.version++;

  const updates: Api.TypeUpdate[] = [new Api.UpdateChannel({ channelId: toLong(chat.id) })];
  if (chat.kind === "megagroup" && (joining || removed)) {
    const action = joining ? joinAction(userId, actorId, opts) : new Api.MessageActionChatDeleteUser({ userId: toLong(userId) });
    const fromId = joining && opts.via ? userId : actorId;
    const record = postChannelMessage(world, chat, fromId, { action }, { exceptSessionKey: fromId === actorId ? opts.exceptSessionKey : undefined });
    const event = findMessageEvent(chat.box!, record.id);
    if (event) updates.push(new Api.UpdateNewChannelMessage({ message: renderMessage(world, record, actorId), pts: event.pts, ptsCount: 1 }));
  }
  if (joining) markAllRead(chat, userId);
  updates.push(...notifyChannelParticipant(world, chat, prev, next, actorId, now, opts.exceptSessionKey));
  return { prev, next, updates, userIds: [userId, actorId] };
}

/**
 * The bots told of a participant change in qts-numbered updates (updateChannelParticipant,
 * updateChatParticipant): the bot affected, and the bots that are admins of the chat (as for the Bot API's
 * chat_member, which needs an admin). Logged in each bot's qts sequence even when it is offline.
 */
function botsToTell(world: World, chat: ChatRecord, userId: number): number[] {
  const bots = world.users.get(userId)?.bot ? [userId] : [];
  for (const admin of participantIndex(world, chat).admins) {
    if (admin.userId !== userId && world.users.get(admin.userId)?.bot) bots.push(admin.userId);
  }
  return bots;
}

/**
 * updateChannelParticipant (and updateChannel for the affected user) to who Telegram sends it. Bots get
 * it numbered in their qts sequence (botsToTell). Whether a user account gets it is not documented
 * (updateChatParticipant's page says only bots get that one; updateChannelParticipant's page says
 * nothing): the affected user, if online, keeps getting it unnumbered (qts 0), as before qts existed
 * here. Returns the numbered updates for the actor's own call result (a bot acting on the chat).
 */
function notifyChannelParticipant(
  world: World,
  chat: ChatRecord,
  prev: Participant | undefined,
  next: Participant,
  actorId: number,
  date: number,
  exceptSessionKey?: string,
): Api.TypeUpdate[] {
  const userId = next.userId;
  const build = (viewerId: number) => (qts: number) =>
    new Api.UpdateChannelParticipant({
      channelId: toLong(chat.id),
      date,
      actorId: toLong(actorId),
      userId: toLong(userId),
      prevParticipant: prev && prev.role !== "left" ? renderChannelParticipant(chat, prev, viewerId) : undefined,
      newParticipant: next.role !== "left" ? renderChannelParticipant(chat, next, viewerId) : undefined,
      qts,
    });
  const channel = () => new Api.UpdateChannel({ channelId: toLong(chat.id) });
  if (!world.users.get(userId)?.bot && world.onlineUsers().has(userId)) {
    const updates = chatUpdates(world, userId, chat, [channel(), build(userId)(0)], [userId, actorId]);
    world.push(userId, updates, userId === actorId ? exceptSessionKey : undefined);
  }
  const forActor: Api.TypeUpdate[] = [];
  for (const botId of botsToTell(world, chat, userId)) {
    const wrap = (updates: Api.TypeUpdate[]) => chatUpdates(world, botId, chat, updates, [userId, actorId]);
    const extra = botId === userId ? [channel()] : [];
    const own = sendNumbered(world, botId, build(botId), wrap, { extra, actorId, exceptSessionKey });
    if (own) forActor.push(own);
  }
  return forActor;
}

/** updateChatParticipant, the bots' version of a basic group's participant updates, numbered in their qts. */
function notifyChatParticipant(world: World, chat: ChatRecord, change: GroupChange): Api.TypeUpdate[] {
  const { prev, next, actorId, opts, now } = change;
  const userId = next.userId;
  const render = (p: Participant | undefined) => (p && isMemberRole(p.role) ? renderChatParticipant(chat, p) : undefined);
  const make = (qts: number) =>
    new Api.UpdateChatParticipant({
      chatId: toLong(chat.id),
      date: now,
      actorId: toLong(actorId),
      userId: toLong(userId),
      prevParticipant: render(prev),
      newParticipant: render(next),
      qts,
    });
  const forActor: Api.TypeUpdate[] = [];
  for (const botId of botsToTell(world, chat, userId)) {
    const wrap = (updates: Api.TypeUpdate[]) => chatUpdates(world, botId, chat, updates, [userId, actorId]);
    const own = sendNumbered(world, botId, make, wrap, { actorId, exceptSessionKey: opts.exceptSessionKey });
    if (own) forActor.push(own);
  }
  return forActor;
}

interface GroupChange {
  prev: Participant | undefined;
  next: Participant;
  joining: boolean;
  removed: boolean;
  actorId: number;
  opts: RoleOptions;
  now: number;
}

/** The update a message produced in its sender's own common box, for their call result. */
export function ownNewMessageUpdate(world: World, userId: number, messageId: number): Api.TypeUpdate | undefined {
  const log = world.boxOf(userId).log;
  for (let i = log.length - 1; i >= 0; i--) {
    const update = log[i].update;
    if (update instanceof Api.UpdateNewMessage && update.message.id === messageId) return update;
  }
  return undefined;
}

function applyGroupRole(world: World, chat: ChatRecord, change: GroupChange): RoleChange {
  const { prev, next, joining, removed, actorId, opts, now } = change;
  const userId = next.userId;
  const chatId = toLong(chat.id);
  const updates: Api.TypeUpdate[] = [];
  const post = (fromId: number, action: Api.TypeMessageAction) => {
    const record = postMessage(world, fromId, { type: "chat", id: chat.id }, { action }, { exceptSessionKey: opts.exceptSessionKey });
    const own = ownNewMessageUpdate(world, fromId, record.id);
    if (own) updates.push(own);
  };
  let participantUpdate: Api.TypeUpdate;
  if (removed) {
    post(actorId, new Api.MessageActionChatDeleteUser({ userId: toLong(userId) }));
    chat.participants.set(userId, next);
    chat.version++;
    participantUpdate = new Api.UpdateChatParticipantDelete({ chatId, userId: toLong(userId), version: chat.version });
  } else {
    if (joining) chat.participants.delete(userId);
    chat.participants.set(userId, next);
    chat.version++;
    if (joining) {
      post(opts.via ? userId : actorId, joinAction(userId, actorId, opts));
      participantUpdate = new Api.UpdateChatParticipantAdd({
        chatId,
        userId: toLong(userId),
        inviterId: toLong(next.inviterId ?? actorId),
        date: now,
        version: chat.version,
      });
    } else {
      participantUpdate = new Api.UpdateChatParticipantAdmin({ chatId, userId: toLong(userId), isAdmin: isAdminRole(next.role), version: chat.version });
    }
  }
  updates.push(participantUpdate);
  const recipients = new Set<number>();
  forEachOnlineMember(world, chat, (id) => recipients.add(id));
  if (removed && world.onlineUsers().has(userId)) recipients.add(userId);
  for (const viewerId of recipients) {
    world.push(viewerId, chatUpdates(world, viewerId, chat, [participantUpdate], [userId, actorId]), viewerId === actorId ? opts.exceptSessionKey : undefined);
  }
  updates.push(...notifyChatParticipant(world, chat, change));
  return { prev, next, updates, userIds: [userId, actorId] };
}

/**
 * Change a member's role (join, leave, promotion, restriction, kick) by chat id, emitting the
 * updates and service messages Telegram sends. Used by the control API and seeding scripts.
 */
export function setMemberRole(
  world: World,
  chatId: number,
  userId: number,
  role: Role,
  opts?: {
    actorId?: number;
    adminRights?: Api.ChatAdminRights;
    bannedRights?: Api.ChatBannedRights;
    rank?: string;
    exceptSessionKey?: string;
    via?: "link" | "request";
    inviterId?: number;
  },
): void {
  const chat = world.chats.get(chatId);
  if (!chat) throw new Error(`setMemberRole: no chat ${chatId}`);
  applyMemberRole(world, chat, userId, role, opts);
}

/** A channel/megagroup participant as viewerId sees it (channelParticipantSelf for themselves, …). */
export function renderChannelParticipant(chat: ChatRecord, p: Participant, viewerId: number): Api.TypeChannelParticipant {
  const userId = toLong(p.userId);
  switch (p.role) {
    case "creator":
      return new Api.ChannelParticipantCreator({ userId, adminRights: p.adminRights ?? creatorRights(chat.kind), rank: p.rank });
    case "admin": {
      const promotedBy = p.actorId ?? chat.creatorId;
      const self = p.userId === viewerId;
      return new Api.ChannelParticipantAdmin({
        canEdit: viewerId === chat.creatorId || promotedBy === viewerId || undefined,
        self: self || undefined,
        userId,
        inviterId: self ? toLong(p.inviterId ?? promotedBy) : undefined,
        promotedBy: toLong(promotedBy),
        date: p.date,
        adminRights: p.adminRights ?? defaultAdminRights(chat.kind),
        rank: p.rank,
      });
    }
    case "member":
      if (p.userId === viewerId) return new Api.ChannelParticipantSelf({ userId, inviterId: toLong(p.inviterId ?? p.userId), date: p.date });
      return new Api.ChannelParticipant({ userId, date: p.date });
    case "restricted":
    case "kicked":
      return new Api.ChannelParticipantBanned({
        left: p.role === "kicked" || undefined,
        peer: new Api.PeerUser({ userId }),
        kickedBy: toLong(p.actorId ?? chat.creatorId),
        date: p.date,
        bannedRights: p.bannedRights ?? (p.role === "kicked" ? defaultBan() : defaultRestriction()),
      });
    case "left":
      return new Api.ChannelParticipantLeft({ peer: new Api.PeerUser({ userId }) });
  }
}

/** A basic-group participant: chatParticipantCreator / chatParticipantAdmin / chatParticipant. */
export function renderChatParticipant(chat: ChatRecord, p: Participant): Api.TypeChatParticipant {
  const userId = toLong(p.userId);
  if (p.role === "creator") return new Api.ChatParticipantCreator({ userId });
  const inviterId = toLong(p.inviterId ?? chat.creatorId);
  if (p.role === "admin") return new Api.ChatParticipantAdmin({ userId, inviterId, date: p.date });
  if (p.role === "member") return new Api.ChatParticipant({ userId, inviterId, date: p.date });
  throw new Error(`renderChatParticipant: ${p.role} is not in the group`);
}

/** The member list of a basic group, creator first, in join order. */
export function renderChatParticipants(world: World, chat: ChatRecord): Api.ChatParticipants {
  const members = participantIndex(world, chat).recent;
  const ordered: Participant[] = [];
  for (let i = members.length - 1; i >= 0; i--) {
    if (members[i].role === "creator") ordered.unshift(members[i]);
    else ordered.push(members[i]);
  }
  return new Api.ChatParticipants({ chatId: toLong(chat.id), participants: ordered.map((p) => renderChatParticipant(chat, p)), version: chat.version });
}

/** A page of participants and the count Telegram reports alongside it. */
export interface ParticipantsPage {
  count: number;
  participants: Participant[];
}

interface SearchKey {
  name: string;
  username: string;
}

function searchKeyOf(user: UserRecord | undefined): SearchKey {
  if (!user) return { name: "", username: "" };
  const name = ` ${user.firstName} ${user.lastName ?? ""}`.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ");
  return { name, username: (user.username ?? "").toLowerCase() };
}

function queryWords(q: string): string[] {
  return q
    .trim()
    .toLowerCase()
    .replace(/^@/, "")
    .split(/[^\p{L}\p{N}_]+/u)
    .filter(Boolean);
}

/** Telegram's member search: every query word starts a word of the name, or starts the username. */
function matchesQuery(key: SearchKey, words: string[]): boolean {
  return words.every((w) => key.name.includes(` ${w}`) || key.username.startsWith(w));
}

function filterByQuery(world: World, list: Participant[], q: string): Participant[] {
  const words = queryWords(q);
  if (words.length === 0) return list;
  return list.filter((p) => matchesQuery(searchKeyOf(world.users.get(p.userId)), words));
}

/**
 * The subscribers a broadcast channel lets anyone list, its owner included: the newest
 * `limits.broadcastParticipantsCap` (200). Observed: "get_participants for channel only returns 200
 * members", for a channel the asker administers (LonamiWebs/Telethon #3781, "This is a Telegram limitation
 * the library cannot fix"); a loop of ChannelParticipantsSearch('') pages "only finds 202 participants"
 * (Telethon #4369); searching by name (aggressive) "misses hundreds of users" of a channel of over 1000
 * (Telethon #1508, "Known server-side limitation"). Megagroups list up to `recentParticipantsCap`.
 */
function listableRecent(world: World, chat: ChatRecord): Participant[] {
  const recent = participantIndex(world, chat).recent;
  return chat.kind === "channel" ? recent.slice(0, world.limits.broadcastParticipantsCap) : recent;
}

function searchRecent(world: World, chat: ChatRecord, q: string): Participant[] {
  const index = participantIndex(world, chat);
  const words = queryWords(q);
  if (chat.kind === "channel") return filterByQuery(world, listableRecent(world, chat), q);
  if (words.length === 0) return index.recent;
  index.searchKeys ??= index.recent.map((p) => searchKeyOf(world.users.get(p.userId)));
  const keys = index.searchKeys;
  const found: Participant[] = [];
  for (let i = 0; i < keys.length; i++) {
    if (matchesQuery(keys[i], words)) found.push(index.recent[i]);
  }
  return found;
}

/**
 * One page of channels.getParticipants for viewerId, without rendering: filters Recent, Admins,
 * Bots, Kicked, Banned, Search, Mentions (as Search) and Contacts (empty: the model keeps no
 * contact lists). Broadcast channels and the Kicked/Banned lists need an admin
 * (CHAT_ADMIN_REQUIRED); hidden member lists show non-admins only admins and bots. At most
 * `limits.participantsPerCall` rows; Recent and Search stop at `limits.recentParticipantsCap`, and in a
 * broadcast channel draw on its newest `limits.broadcastParticipantsCap` subscribers only (listableRecent),
 * Recent's count still the number of subscribers.
 */
export function listParticipants(
  world: World,
  chat: ChatRecord,
  viewerId: number,
  filter: Api.TypeChannelParticipantsFilter,
  offset: number,
  limit: number,
): ParticipantsPage {
  const viewer = participantOf(world, chat, viewerId);
  const admin = isAdminRole(viewer?.role);
  const needsAdmin = chat.kind === "channel" || filter instanceof Api.ChannelParticipantsKicked || filter instanceof Api.ChannelParticipantsBanned;
  if (needsAdmin && !admin) throw forbidden("CHAT_ADMIN_REQUIRED");
  const index = participantIndex(world, chat);
  let list: Participant[];
  let count: number | undefined;
  let capped = false;
  if (chat.participantsHidden && !admin) {
    const adminIds = new Set(index.admins.map((p) => p.userId));
    const visible = [...index.admins, ...index.bots.filter((p) => !adminIds.has(p.userId))];
    if (filter instanceof Api.ChannelParticipantsAdmins) list = index.admins;
    else if (filter instanceof Api.ChannelParticipantsBots) list = index.bots;
    else if (filter instanceof Api.ChannelParticipantsContacts) list = [];
    else if (filter instanceof Api.ChannelParticipantsSearch || filter instanceof Api.ChannelParticipantsMentions)
      list = filterByQuery(world, visible, filter.q ?? "");
    else list = visible;
  } else if (filter instanceof Api.ChannelParticipantsAdmins) {
    list = index.admins;
  } else if (filter instanceof Api.ChannelParticipantsBots) {
    list = index.bots;
  } else if (filter instanceof Api.ChannelParticipantsKicked) {
    list = filterByQuery(world, index.kicked, filter.q);
  } else if (filter instanceof Api.ChannelParticipantsBanned) {
    list = filterByQuery(world, index.restricted, filter.q);
  } else if (filter instanceof Api.ChannelParticipantsContacts) {
    list = [];
  } else if (filter instanceof Api.ChannelParticipantsSearch || filter instanceof Api.ChannelParticipantsMentions) {
    list = searchRecent(world, chat, filter.q ?? "");
    capped = true;
  } else {
    list = listableRecent(world, chat);
    count = index.recent.length;
    capped = true;
  }
  const start = Math.max(0, offset);
  let end = start + Math.min(Math.max(0, limit), world.limits.participantsPerCall);
  if (capped) end = Math.min(end, world.limits.recentParticipantsCap);
  return { count: count ?? list.length, participants: start < end ? list.slice(start, end) : [] };
}

const HASH_MASK = (1n << 64n) - 1n;

/** The pagination hash of a result (core.telegram.org/api/offsets#hash-generation) over its ids. */
export function participantsHash(userIds: number[]): bigint {
  let hash = 0n;
  for (const id of userIds) {
    hash ^= hash >> 21n;
    hash ^= (hash << 35n) & HASH_MASK;
    hash ^= hash >> 4n;
    hash = (hash + BigInt(id)) & HASH_MASK;
  }
  return BigInt.asIntN(64, hash);
}
