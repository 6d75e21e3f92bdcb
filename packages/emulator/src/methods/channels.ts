/**
 * channels.* methods and updates.getChannelDifference: megagroups and broadcast channels, their
 * participants and messages, with Telegram's error names and codes.
 */
import { Api } from "telegram";
import { channelBox } from "../model/box.js";
import { channelDifference } from "../model/channelDifference.js";
import { createChat, holdsAdminRight, isAdminRole, isMemberRole, participantIndex, participantOf, renderChat } from "../model/chats.js";
import { deleteChannelMessages, deleteParticipantHistory } from "../model/deletes.js";
import { chatUpdates } from "../model/delivery.js";
import { badRequest, forbidden, notAcceptable } from "../model/errors.js";
import { lookupChannel, resolveChannel, resolveInputUser } from "../model/inputPeers.js";
import { toLong } from "../model/longs.js";
import { renderMessage } from "../model/messageRender.js";
import { applyMemberRole, listParticipants, participantsHash, renderChannelParticipant } from "../model/participants.js";
import { messageUserIds } from "../model/peerSet.js";
import { channelReadState, readChannelHistory } from "../model/readState.js";
import type { ChatRecord, Role, UserRecord } from "../model/records.js";
import { renderUsers } from "../model/users.js";
import type { World } from "../model/world.js";
import type { CallContext, MethodTable } from "../rpc/context.js";
import { requireUserAccount } from "./messages.js";

/** The user an InputPeer names for participant methods (PARTICIPANT_ID_INVALID for chats/channels). */
function participantUser(world: World, viewerId: number, input: Api.TypeInputPeer): UserRecord {
  const isUser = input instanceof Api.InputPeerUser || input instanceof Api.InputPeerSelf || input instanceof Api.InputPeerUserFromMessage;
  if (!isUser) throw badRequest("PARTICIPANT_ID_INVALID");
  return resolveInputUser(world, viewerId, input);
}

const BANNED_RIGHT_FLAGS = [
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

const ADMIN_RIGHT_FLAGS = [
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

function restricts(rights: Api.ChatBannedRights): boolean {
  return BANNED_RIGHT_FLAGS.some((flag) => rights[flag] === true);
}

function grantedRights(rights: Api.ChatAdminRights): (typeof ADMIN_RIGHT_FLAGS)[number][] {
  return ADMIN_RIGHT_FLAGS.filter((flag) => rights[flag] === true);
}

function getChannels(request: Api.channels.GetChannels, ctx: CallContext): Api.messages.Chats {
  const me = ctx.requireUser();
  return new Api.messages.Chats({
    chats: request.id.map((input) => renderChat(ctx.world, me.id, lookupChannel(ctx.world, me.id, input as Api.TypeInputChannel))),
  });
}

function getFullChannel(request: Api.channels.GetFullChannel, ctx: CallContext): Api.messages.ChatFull {
  const me = ctx.requireUser();
  const world = ctx.world;
  const chat = resolveChannel(world, me.id, request.channel as Api.TypeInputChannel);
  const viewer = participantOf(world, chat, me.id);
  const admin = isAdminRole(viewer?.role);
  const index = participantIndex(world, chat);
  const read = isMemberRole(viewer?.role) ? channelReadState(chat, me.id) : { readInboxMaxId: 0, readOutboxMaxId: 0, unreadCount: 0 };
  const fullChat = new Api.ChannelFull({
    canViewParticipants: admin || (chat.kind === "megagroup" && !chat.participantsHidden) || undefined,
    canSetUsername: viewer?.role === "creator" || undefined,
    canDeleteChannel: viewer?.role === "creator" || undefined,
    participantsHidden: chat.participantsHidden || undefined,
    id: toLong(chat.id),
    about: chat.about ?? "",
    participantsCount: index.recent.length,
    adminsCount: admin || chat.kind === "megagroup" ? index.admins.length : undefined,
    kickedCount: admin ? index.kicked.length : undefined,
    bannedCount: admin ? index.restricted.length : undefined,
    readInboxMaxId: read.readInboxMaxId,
    readOutboxMaxId: read.readOutboxMaxId,
    unreadCount: read.unreadCount,
    chatPhoto: new Api.PhotoEmpty({ id: toLong(0) }),
    notifySettings: new Api.PeerNotifySettings({}),
    botInfo: [],
    pts: channelBox(chat).pts,
  });
  return new Api.messages.ChatFull({ fullChat, chats: [renderChat(world, me.id, chat)], users: [] });
}

function getParticipant(request: Api.channels.GetParticipant, ctx: CallContext): Api.channels.ChannelParticipant {
  const me = ctx.requireUser();
  const world = ctx.world;
  const chat = resolveChannel(world, me.id, request.channel as Api.TypeInputChannel);
  const target = participantUser(world, me.id, request.participant as Api.TypeInputPeer);
  if (chat.kind === "channel" && target.id !== me.id && !isAdminRole(participantOf(world, chat, me.id)?.role)) {
    throw forbidden("CHAT_ADMIN_REQUIRED");
  }
  const p = participantOf(world, chat, target.id);
  if (!p) throw badRequest("USER_NOT_PARTICIPANT");
  return new Api.channels.ChannelParticipant({
    participant: renderChannelParticipant(chat, p, me.id),
    chats: [],
    users: renderUsers(world, me.id, [target.id, p.actorId ?? target.id, p.inviterId ?? target.id]),
  });
}

function getParticipants(request: Api.channels.GetParticipants, ctx: CallContext): Api.channels.TypeChannelParticipants {
  const me = ctx.requireUser();
  const world = ctx.world;
  const chat = resolveChannel(world, me.id, request.channel as Api.TypeInputChannel);
  const page = listParticipants(world, chat, me.id, request.filter, request.offset, request.limit);
  const ids = page.participants.map((p) => p.userId);
  const hash = BigInt(String(request.hash ?? 0));
  if (hash !== 0n && hash === participantsHash(ids)) return new Api.channels.ChannelParticipantsNotModified();
  return new Api.channels.ChannelParticipants({
    count: page.count,
    participants: page.participants.map((p) => renderChannelParticipant(chat, p, me.id)),
    chats: [],
    users: renderUsers(world, me.id, ids),
  });
}

function joinChannel(request: Api.channels.JoinChannel, ctx: CallContext): Api.Updates {
  const me = ctx.requireUser();
  const world = ctx.world;
  if (me.bot) throw badRequest("BOT_METHOD_INVALID");
  const chat = lookupChannel(world, me.id, request.channel as Api.TypeInputChannel);
  const p = participantOf(world, chat, me.id);
  if (p?.role === "kicked") throw notAcceptable("CHANNEL_PRIVATE");
  if (isMemberRole(p?.role)) throw badRequest("USER_ALREADY_PARTICIPANT");
  if (chat.username === undefined) throw notAcceptable("CHANNEL_PRIVATE");
  const change = applyMemberRole(world, chat, me.id, "member", { exceptSessionKey: ctx.sessionKey });
  return chatUpdates(world, me.id, chat, change.updates, change.userIds);
}

function leaveChannel(request: Api.channels.LeaveChannel, ctx: CallContext): Api.Updates {
  const me = ctx.requireUser();
  const world = ctx.world;
  const chat = resolveChannel(world, me.id, request.channel as Api.TypeInputChannel);
  const role = participantOf(world, chat, me.id)?.role;
  if (role === "creator") throw badRequest("USER_CREATOR");
  if (!isMemberRole(role)) throw badRequest("USER_NOT_PARTICIPANT");
  const change = applyMemberRole(world, chat, me.id, "left", { exceptSessionKey: ctx.sessionKey });
  return chatUpdates(world, me.id, chat, change.updates, change.userIds);
}

function editBanned(request: Api.channels.EditBanned, ctx: CallContext): Api.Updates {
  const me = ctx.requireUser();
  const world = ctx.world;
  const chat = resolveChannel(world, me.id, request.channel as Api.TypeInputChannel);
  const actor = participantOf(world, chat, me.id);
  if (!holdsAdminRight(actor, "banUsers")) throw forbidden("CHAT_ADMIN_REQUIRED");
  const target = participantUser(world, me.id, request.participant as Api.TypeInputPeer);
  const current = participantOf(world, chat, target.id);
  if (target.id === me.id || isAdminRole(current?.role)) throw badRequest("USER_ADMIN_INVALID");
  const rights = request.bannedRights;
  let role: Role | undefined;
  if (rights.viewMessages) {
    role = "kicked";
  } else if (restricts(rights)) {
    if (!isMemberRole(current?.role)) throw badRequest("USER_NOT_PARTICIPANT");
    role = "restricted";
  } else if (current?.role === "kicked") {
    role = "left";
  } else if (current?.role === "restricted") {
    role = "member";
  }
  if (!role) return chatUpdates(world, me.id, chat, [], []);
  const change = applyMemberRole(world, chat, target.id, role, { actorId: me.id, bannedRights: rights, exceptSessionKey: ctx.sessionKey });
  return chatUpdates(world, me.id, chat, change.updates, change.userIds);
}

function editAdmin(request: Api.channels.EditAdmin, ctx: CallContext): Api.Updates {
  const me = ctx.requireUser();
  const world = ctx.world;
  const chat = resolveChannel(world, me.id, request.channel as Api.TypeInputChannel);
  const actor = participantOf(world, chat, me.id);
  if (!actor || !holdsAdminRight(actor, "addAdmins")) throw forbidden("CHAT_ADMIN_REQUIRED");
  const target = resolveInputUser(world, me.id, request.userId as Api.TypeInputUser);
  const current = participantOf(world, chat, target.id);
  const rank = request.rank || undefined;
  const exceptSessionKey = ctx.sessionKey;
  if (current?.role === "creator") {
    if (target.id !== me.id) throw badRequest("USER_CREATOR");
    const change = applyMemberRole(world, chat, me.id, "creator", { rank, exceptSessionKey });
    return chatUpdates(world, me.id, chat, change.updates, change.userIds);
  }
  const granted = grantedRights(request.adminRights);
  if (actor.role !== "creator") {
    if (current?.role === "admin" && current.actorId !== me.id) throw forbidden("RIGHT_FORBIDDEN");
    if (granted.some((flag) => actor.adminRights?.[flag] !== true)) throw forbidden("RIGHT_FORBIDDEN");
  }
  if (granted.length === 0) {
    if (current?.role !== "admin") return chatUpdates(world, me.id, chat, [], []);
    const change = applyMemberRole(world, chat, target.id, "member", { actorId: me.id, exceptSessionKey });
    return chatUpdates(world, me.id, chat, change.updates, change.userIds);
  }
  if (!isMemberRole(current?.role) && !(target.bot && current?.role !== "kicked")) throw badRequest("USER_NOT_PARTICIPANT");
  const change = applyMemberRole(world, chat, target.id, "admin", { actorId: me.id, adminRights: request.adminRights, rank, exceptSessionKey });
  return chatUpdates(world, me.id, chat, change.updates, change.userIds);
}

function inviteToChannel(request: Api.channels.InviteToChannel, ctx: CallContext): Api.messages.InvitedUsers {
  const me = ctx.requireUser();
  const world = ctx.world;
  const chat = resolveChannel(world, me.id, request.channel as Api.TypeInputChannel);
  const actor = participantOf(world, chat, me.id);
  const admin = holdsAdminRight(actor, "inviteUsers");
  const memberMayInvite = chat.kind === "megagroup" && (actor?.role === "member" || (actor?.role === "restricted" && !actor.bannedRights?.inviteUsers));
  if (!admin && !memberMayInvite) throw forbidden("CHAT_ADMIN_REQUIRED");
  const mayUnban = holdsAdminRight(actor, "banUsers");
  const updates: Api.TypeUpdate[] = [];
  const userIds: number[] = [me.id];
  for (const input of request.users) {
    const target = resolveInputUser(world, me.id, input as Api.TypeInputUser);
    if (target.deleted) throw badRequest("INPUT_USER_DEACTIVATED");
    if (chat.kind === "channel" && target.bot) throw badRequest("USER_BOT");
    const current = participantOf(world, chat, target.id);
    if (isMemberRole(current?.role)) continue;
    if (current?.role === "kicked" && !mayUnban) throw badRequest("USER_KICKED");
    const change = applyMemberRole(world, chat, target.id, "member", { actorId: me.id, exceptSessionKey: ctx.sessionKey });
    for (const update of change.updates) {
      if (!(update instanceof Api.UpdateChannel) || !updates.some((u) => u instanceof Api.UpdateChannel)) updates.push(update);
    }
    userIds.push(target.id);
  }
  return new Api.messages.InvitedUsers({ updates: chatUpdates(world, me.id, chat, updates, userIds), missingInvitees: [] });
}

function deleteMessages(request: Api.channels.DeleteMessages, ctx: CallContext): Api.messages.AffectedMessages {
  const me = ctx.requireUser();
  const chat = resolveChannel(ctx.world, me.id, request.channel as Api.TypeInputChannel);
  const { pts, ptsCount } = deleteChannelMessages(ctx.world, chat, me.id, request.id, { exceptSessionKey: ctx.sessionKey });
  return new Api.messages.AffectedMessages({ pts, ptsCount });
}

// core.telegram.org/method/channels.deleteParticipantHistory: only users.
function deleteParticipantHistoryOf(request: Api.channels.DeleteParticipantHistory, ctx: CallContext): Api.messages.AffectedHistory {
  const me = ctx.requireUser();
  if (me.bot) throw badRequest("BOT_METHOD_INVALID");
  const world = ctx.world;
  const chat = resolveChannel(world, me.id, request.channel as Api.TypeInputChannel);
  const participant = participantUser(world, me.id, request.participant as Api.TypeInputPeer);
  return new Api.messages.AffectedHistory(deleteParticipantHistory(world, chat, me.id, participant.id, { exceptSessionKey: ctx.sessionKey }));
}

function readHistory(request: Api.channels.ReadHistory, ctx: CallContext): boolean {
  const me = ctx.requireUser();
  requireUserAccount(me); // core.telegram.org/method/channels.readHistory: only users
  const chat = resolveChannel(ctx.world, me.id, request.channel as Api.TypeInputChannel);
  if (isMemberRole(participantOf(ctx.world, chat, me.id)?.role)) {
    readChannelHistory(ctx.world, chat, me.id, request.maxId, { exceptSessionKey: ctx.sessionKey });
  }
  return true;
}

function createChannel(request: Api.channels.CreateChannel, ctx: CallContext): Api.Updates {
  const me = ctx.requireUser();
  const world = ctx.world;
  if (!request.title.trim()) throw badRequest("CHAT_TITLE_EMPTY");
  const chat: ChatRecord = createChat(world, {
    type: request.megagroup ? "supergroup" : "channel",
    title: request.title,
    creatorId: me.id,
    about: request.about || undefined,
  });
  const box = channelBox(chat);
  const created = box.messages.get(box.lastMessageId);
  const updates: Api.TypeUpdate[] = [new Api.UpdateChannel({ channelId: toLong(chat.id) })];
  if (created) updates.push(new Api.UpdateNewChannelMessage({ message: renderMessage(world, created, me.id), pts: box.pts, ptsCount: 1 }));
  if (world.onlineUsers().has(me.id)) world.push(me.id, chatUpdates(world, me.id, chat, updates, [me.id]), ctx.sessionKey);
  return chatUpdates(world, me.id, chat, updates, [me.id]);
}

function getMessages(request: Api.channels.GetMessages, ctx: CallContext): Api.messages.ChannelMessages {
  const me = ctx.requireUser();
  const world = ctx.world;
  const chat = resolveChannel(world, me.id, request.channel as Api.TypeInputChannel);
  const box = channelBox(chat);
  const userIds: number[] = [];
  const messages = request.id.map((input): Api.TypeMessage => {
    let id: number | undefined;
    if (input instanceof Api.InputMessageID) id = input.id;
    else if (input instanceof Api.InputMessageReplyTo) id = box.messages.get(input.id)?.replyToId;
    const record = id === undefined ? undefined : box.messages.get(id);
    if (!record) return new Api.MessageEmpty({ id: id ?? 0 });
    userIds.push(...messageUserIds(record));
    return renderMessage(world, record, me.id);
  });
  return new Api.messages.ChannelMessages({
    pts: box.pts,
    count: messages.length,
    messages,
    topics: [],
    chats: [renderChat(world, me.id, chat)],
    users: renderUsers(world, me.id, userIds),
  });
}

function getChannelDifference(request: Api.updates.GetChannelDifference, ctx: CallContext): Api.updates.TypeChannelDifference {
  const me = ctx.requireUser();
  const chat = resolveChannel(ctx.world, me.id, request.channel as Api.TypeInputChannel);
  return channelDifference(ctx.world, me.id, chat, request.pts, request.limit, me.bot);
}

/** Handlers for channels.* and updates.getChannelDifference, keyed by GramJS request name. */
export const channelMethods: MethodTable = {
  "channels.GetChannels": getChannels,
  "channels.GetFullChannel": getFullChannel,
  "channels.GetParticipant": getParticipant,
  "channels.GetParticipants": getParticipants,
  "channels.JoinChannel": joinChannel,
  "channels.LeaveChannel": leaveChannel,
  "channels.EditBanned": editBanned,
  "channels.EditAdmin": editAdmin,
  "channels.InviteToChannel": inviteToChannel,
  "channels.DeleteMessages": deleteMessages,
  "channels.DeleteParticipantHistory": deleteParticipantHistoryOf,
  "channels.ReadHistory": readHistory,
  "channels.CreateChannel": createChannel,
  "channels.GetMessages": getMessages,
  "updates.GetChannelDifference": getChannelDifference,
};
