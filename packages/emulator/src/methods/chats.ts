/**
 * Basic-group methods of the messages.* namespace: getChats, getFullChat, createChat,
 * addChatUser, deleteChatUser (leaving included) and editChatAdmin, with the service messages
 * (through postMessage) and updateChatParticipants / …Add / …Delete / …Admin Telegram sends.
 */
import { Api } from "telegram";
import { createChat, isMemberRole, participantIndex, participantOf, renderChat } from "../model/chats.js";
import { chatUpdates, forEachOnlineMember } from "../model/delivery.js";
import { badRequest, forbidden } from "../model/errors.js";
import { resolveInputUser } from "../model/inputPeers.js";
import { fromLong, toLong } from "../model/longs.js";
import { applyMemberRole, ownNewMessageUpdate, renderChatParticipants } from "../model/participants.js";
import type { ChatRecord } from "../model/records.js";
import { postMessage } from "../model/sending.js";
import { renderUser } from "../model/users.js";
import type { World } from "../model/world.js";
import type { CallContext, MethodTable } from "../rpc/context.js";

/** The basic group a chat_id names (CHAT_ID_INVALID for unknown ids, megagroups and channels). */
function groupOf(world: World, chatId: Parameters<typeof fromLong>[0]): ChatRecord {
  const chat = world.chats.get(fromLong(chatId));
  if (chat?.kind !== "group") throw badRequest("CHAT_ID_INVALID");
  return chat;
}

function getChats(request: Api.messages.GetChats, ctx: CallContext): Api.messages.Chats {
  const me = ctx.requireUser();
  return new Api.messages.Chats({ chats: request.id.map((id) => renderChat(ctx.world, me.id, groupOf(ctx.world, id))) });
}

function getFullChat(request: Api.messages.GetFullChat, ctx: CallContext): Api.messages.ChatFull {
  const me = ctx.requireUser();
  const world = ctx.world;
  const chat = groupOf(world, request.chatId);
  const member = isMemberRole(participantOf(world, chat, me.id)?.role);
  const participants = member ? renderChatParticipants(world, chat) : new Api.ChatParticipantsForbidden({ chatId: toLong(chat.id) });
  const users = member
    ? participantIndex(world, chat).recent.flatMap((p) => {
        const user = world.users.get(p.userId);
        return user ? [renderUser(world, me.id, user)] : [];
      })
    : [];
  const fullChat = new Api.ChatFull({ id: toLong(chat.id), about: chat.about ?? "", participants, notifySettings: new Api.PeerNotifySettings({}) });
  return new Api.messages.ChatFull({ fullChat, chats: [renderChat(world, me.id, chat)], users });
}

function createGroup(request: Api.messages.CreateChat, ctx: CallContext): Api.messages.InvitedUsers {
  const me = ctx.requireUser();
  const world = ctx.world;
  if (!request.title.trim()) throw badRequest("CHAT_TITLE_EMPTY");
  const invited = new Set<number>();
  for (const input of request.users) {
    const user = resolveInputUser(world, me.id, input as Api.TypeInputUser);
    if (user.deleted) throw badRequest("INPUT_USER_DEACTIVATED");
    if (user.id !== me.id) invited.add(user.id);
  }
  if (invited.size === 0) throw badRequest("USERS_TOO_FEW");
  const chat = createChat(world, {
    type: "group",
    title: request.title,
    creatorId: me.id,
    members: [...invited].map((userId) => ({ userId, role: "member" })),
  });
  for (const userId of invited) chat.participants.get(userId)!.inviterId = me.id;
  const action = new Api.MessageActionChatCreate({ title: request.title, users: [me.id, ...invited].map((id) => toLong(id)) });
  const record = postMessage(world, me.id, { type: "chat", id: chat.id }, { action }, { exceptSessionKey: ctx.sessionKey });
  const own = ownNewMessageUpdate(world, me.id, record.id);
  const participants = new Api.UpdateChatParticipants({ participants: renderChatParticipants(world, chat) });
  forEachOnlineMember(world, chat, (userId) => {
    world.push(userId, chatUpdates(world, userId, chat, [participants], [me.id, ...invited]), userId === me.id ? ctx.sessionKey : undefined);
  });
  const updates = chatUpdates(world, me.id, chat, own ? [participants, own] : [participants], [me.id, ...invited]);
  return new Api.messages.InvitedUsers({ updates, missingInvitees: [] });
}

function addChatUser(request: Api.messages.AddChatUser, ctx: CallContext): Api.messages.InvitedUsers {
  const me = ctx.requireUser();
  const world = ctx.world;
  const chat = groupOf(world, request.chatId);
  if (!isMemberRole(participantOf(world, chat, me.id)?.role)) throw forbidden("CHAT_WRITE_FORBIDDEN");
  const target = resolveInputUser(world, me.id, request.userId as Api.TypeInputUser);
  if (target.deleted) throw badRequest("INPUT_USER_DEACTIVATED");
  if (isMemberRole(participantOf(world, chat, target.id)?.role)) throw badRequest("USER_ALREADY_PARTICIPANT");
  const change = applyMemberRole(world, chat, target.id, "member", { actorId: me.id, exceptSessionKey: ctx.sessionKey });
  return new Api.messages.InvitedUsers({ updates: chatUpdates(world, me.id, chat, change.updates, change.userIds), missingInvitees: [] });
}

function deleteChatUser(request: Api.messages.DeleteChatUser, ctx: CallContext): Api.Updates {
  const me = ctx.requireUser();
  const world = ctx.world;
  const chat = groupOf(world, request.chatId);
  const target = resolveInputUser(world, me.id, request.userId as Api.TypeInputUser);
  const current = participantOf(world, chat, target.id);
  if (!current || !isMemberRole(current.role)) throw badRequest("USER_NOT_PARTICIPANT");
  if (target.id !== me.id) {
    const actor = participantOf(world, chat, me.id);
    const allowed =
      actor?.role === "creator" ||
      (actor?.role === "admin" && current.role === "member") ||
      (isMemberRole(actor?.role) && current.role === "member" && current.inviterId === me.id);
    if (!allowed) throw badRequest("CHAT_ADMIN_REQUIRED");
  }
  const role = target.id === me.id ? "left" : "kicked";
  const change = applyMemberRole(world, chat, target.id, role, { actorId: me.id, exceptSessionKey: ctx.sessionKey });
  return chatUpdates(world, me.id, chat, change.updates, change.userIds);
}

function editChatAdmin(request: Api.messages.EditChatAdmin, ctx: CallContext): boolean {
  const me = ctx.requireUser();
  const world = ctx.world;
  const chat = groupOf(world, request.chatId);
  if (participantOf(world, chat, me.id)?.role !== "creator") throw badRequest("CHAT_ADMIN_REQUIRED");
  const target = resolveInputUser(world, me.id, request.userId as Api.TypeInputUser);
  const current = participantOf(world, chat, target.id);
  if (!current || !isMemberRole(current.role)) throw badRequest("USER_NOT_PARTICIPANT");
  const role = request.isAdmin ? "admin" : "member";
  if (current.role === "creator" || current.role === role) return true;
  applyMemberRole(world, chat, target.id, role, { actorId: me.id, exceptSessionKey: ctx.sessionKey });
  return true;
}

/** Handlers for the basic-group messages.* methods, keyed by GramJS request name. */
export const chatMethods: MethodTable = {
  "messages.GetChats": getChats,
  "messages.GetFullChat": getFullChat,
  "messages.CreateChat": createGroup,
  "messages.AddChatUser": addChatUser,
  "messages.DeleteChatUser": deleteChatUser,
  "messages.EditChatAdmin": editChatAdmin,
};
