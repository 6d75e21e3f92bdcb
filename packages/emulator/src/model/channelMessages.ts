/**
 * Messages in megagroups and broadcast channels: one message-id sequence and pts per chat
 * (`chat.box`), posting / editing / deleting with the channel updates Telegram pushes to every
 * connected member, and per-member read state.
 */
import { Api } from "telegram";
import { addMessage, advancePts } from "./box.js";
import { holdsAdminRight, isMemberRole, participantOf, renderBareChannelMessage, renderChat } from "./chats.js";
import { badRequest, forbidden, notAcceptable } from "./errors.js";
import type { StoredMedia } from "./files.js";
import { toLong } from "./longs.js";
import { sameTl } from "./messages.js";
import type { ChannelReads, ChatRecord, MessageBox, MessageRecord, PtsEvent } from "./records.js";
import { renderUsers } from "./users.js";
import type { World } from "./world.js";

/** What a message carries; the same shape `postMessage` takes. */
export interface MessageContent {
  text?: string;
  entities?: Api.TypeMessageEntity[];
  replyToId?: number;
  replyMarkup?: Api.TypeReplyMarkup;
  action?: Api.TypeMessageAction;
  /** A document or photo; `text` is then its caption. */
  media?: StoredMedia;
}

/** Delivery options: the caller's own session gets the update in its call result instead. */
export interface DeliveryOptions {
  exceptSessionKey?: string;
}

/** The box of a megagroup/channel (basic groups have none). */
export function channelBox(chat: ChatRecord): MessageBox {
  if (!chat.box) throw new Error(`chat ${chat.id} is a basic group: it has no channel box`);
  return chat.box;
}

/** A channel message as viewerId sees it: `out` on their own messages. */
export function renderChannelMessage(chat: ChatRecord, record: MessageRecord, viewerId: number): Api.Message | Api.MessageService {
  const message = renderBareChannelMessage(chat, record);
  if (record.fromId === viewerId) message.out = true;
  return message;
}

/** Users a message refers to (sender, people named by a service action), for Updates.users. */
export function messageUserIds(record: MessageRecord): number[] {
  const ids = [record.fromId];
  const action = record.action;
  if (action instanceof Api.MessageActionChatAddUser || action instanceof Api.MessageActionChatCreate) {
    for (const id of action.users) ids.push(Number(String(id)));
  } else if (action instanceof Api.MessageActionChatDeleteUser) {
    ids.push(Number(String(action.userId)));
  } else if (action instanceof Api.MessageActionChatJoinedByLink) {
    ids.push(Number(String(action.inviterId)));
  }
  return ids;
}

/** Updates for viewerId about a group or channel: the chat and the named users rendered for them. */
export function chatUpdates(world: World, viewerId: number, chat: ChatRecord, updates: Api.TypeUpdate[], userIds: Iterable<number>): Api.Updates {
  return new Api.Updates({ updates, users: renderUsers(world, viewerId, userIds), chats: [renderChat(world, viewerId, chat)], date: world.now(), seq: 0 });
}

/**
 * Call fn for every online user who is in the chat (restricted members included, kicked and left
 * excluded), iterating the smaller of the member list and the online set.
 */
export function forEachOnlineMember(world: World, chat: ChatRecord, fn: (userId: number) => void): void {
  const online = world.onlineUsers();
  if (online.size <= chat.participants.size) {
    for (const userId of online) {
      if (isMemberRole(chat.participants.get(userId)?.role)) fn(userId);
    }
  } else {
    for (const p of chat.participants.values()) {
      if (isMemberRole(p.role) && online.has(p.userId)) fn(p.userId);
    }
  }
}

/** Push per-viewer updates to every online member; the actor's calling session is skipped. */
export function pushToMembers(
  world: World,
  chat: ChatRecord,
  build: (viewerId: number) => Api.TypeUpdate[],
  userIds: number[],
  actorId: number | undefined,
  opts: DeliveryOptions = {},
): void {
  forEachOnlineMember(world, chat, (viewerId) => {
    world.push(viewerId, chatUpdates(world, viewerId, chat, build(viewerId), userIds), viewerId === actorId ? opts.exceptSessionKey : undefined);
  });
}

/**
 * Whether userId may send this content: CHANNEL_PRIVATE when banned, CHAT_WRITE_FORBIDDEN for
 * non-members, members of broadcast channels and people restricted from sending;
 * CHAT_ADMIN_REQUIRED for channel admins without post_messages; CHAT_SEND_PLAIN_FORBIDDEN for text;
 * CHAT_SEND_MEDIA_FORBIDDEN, CHAT_SEND_PHOTOS_FORBIDDEN, CHAT_SEND_DOCS_FORBIDDEN for media.
 */
export function checkCanPost(world: World, chat: ChatRecord, userId: number, content: MessageContent): void {
  const p = participantOf(world, chat, userId);
  if (p?.role === "kicked") throw notAcceptable("CHANNEL_PRIVATE");
  if (!p || !isMemberRole(p.role)) throw forbidden("CHAT_WRITE_FORBIDDEN");
  if (chat.kind === "channel") {
    if (holdsAdminRight(p, "postMessages")) return;
    throw forbidden(p.role === "admin" ? "CHAT_ADMIN_REQUIRED" : "CHAT_WRITE_FORBIDDEN");
  }
  if (p.role !== "restricted") return;
  const rights = p.bannedRights;
  if (rights?.sendMessages) throw forbidden("CHAT_WRITE_FORBIDDEN");
  if (content.media === undefined) {
    if (rights?.sendPlain && content.text) throw forbidden("CHAT_SEND_PLAIN_FORBIDDEN");
    return;
  }
  if (rights?.sendMedia) throw forbidden("CHAT_SEND_MEDIA_FORBIDDEN");
  if (content.media.kind === "photo" && rights?.sendPhotos) throw forbidden("CHAT_SEND_PHOTOS_FORBIDDEN");
  if (content.media.kind === "document" && rights?.sendDocs) throw forbidden("CHAT_SEND_DOCS_FORBIDDEN");
}

/**
 * Post a message to a megagroup/channel: the next id and pts of the channel box, an
 * updateNewChannelMessage to every online member. Service messages (content.action) skip the
 * posting rights check. Returns the stored record.
 */
export function postChannelMessage(world: World, chat: ChatRecord, fromId: number, content: MessageContent, opts: DeliveryOptions = {}): MessageRecord {
  const box = channelBox(chat);
  if (!content.action) checkCanPost(world, chat, fromId, content);
  const date = world.now();
  const record = addMessage(box, {
    peer: { type: "channel", id: chat.id },
    fromId,
    out: false,
    text: content.text ?? "",
    date,
    entities: content.entities,
    replyToId: content.replyToId,
    replyMarkup: content.replyMarkup,
    action: content.action,
    media: content.media,
  });
  const { event } = advancePts(box, 1, date, (pts) => new Api.UpdateNewChannelMessage({ message: renderBareChannelMessage(chat, record), pts, ptsCount: 1 }));
  pushToMembers(
    world,
    chat,
    (viewerId) => [new Api.UpdateNewChannelMessage({ message: renderChannelMessage(chat, record, viewerId), pts: event.pts, ptsCount: 1 })],
    messageUserIds(record),
    fromId,
    opts,
  );
  return record;
}

/** The pts event that created (or last edited) a message in a channel box, newest first. */
export function findMessageEvent(box: MessageBox, messageId: number): PtsEvent | undefined {
  for (let i = box.log.length - 1; i >= 0; i--) {
    const update = box.log[i].update;
    if ((update instanceof Api.UpdateNewChannelMessage || update instanceof Api.UpdateEditChannelMessage) && update.message.id === messageId) {
      return box.log[i];
    }
  }
  return undefined;
}

/**
 * What the sender's own call returns after posting or editing: Updates with the message's
 * channel update as they see it (out set).
 */
export function senderUpdates(world: World, chat: ChatRecord, record: MessageRecord, extra: Api.TypeUpdate[] = []): Api.Updates {
  const event = findMessageEvent(channelBox(chat), record.id);
  if (!event) throw new Error(`message ${record.id} has no pts event in chat ${chat.id}`);
  const message = renderChannelMessage(chat, record, record.fromId);
  const update =
    event.update instanceof Api.UpdateEditChannelMessage
      ? new Api.UpdateEditChannelMessage({ message, pts: event.pts, ptsCount: event.ptsCount })
      : new Api.UpdateNewChannelMessage({ message, pts: event.pts, ptsCount: event.ptsCount });
  return chatUpdates(world, record.fromId, chat, [...extra, update], messageUserIds(record));
}

/**
 * Edit a channel message: MESSAGE_ID_INVALID for unknown or service messages,
 * MESSAGE_AUTHOR_REQUIRED unless the editor wrote it (or is a broadcast admin with
 * edit_messages), MESSAGE_NOT_MODIFIED when nothing changes; pushes updateEditChannelMessage.
 */
export function editChannelMessage(
  world: World,
  chat: ChatRecord,
  editorId: number,
  messageId: number,
  content: { text?: string; entities?: Api.TypeMessageEntity[]; replyMarkup?: Api.TypeReplyMarkup },
  opts: DeliveryOptions = {},
): MessageRecord {
  const box = channelBox(chat);
  const record = box.messages.get(messageId);
  if (!record || record.action) throw badRequest("MESSAGE_ID_INVALID");
  const p = participantOf(world, chat, editorId);
  if (!p || !isMemberRole(p.role)) throw forbidden("CHAT_WRITE_FORBIDDEN");
  const editsOthers = chat.kind === "channel" && holdsAdminRight(p, "editMessages");
  if (record.fromId !== editorId && !editsOthers) throw forbidden("MESSAGE_AUTHOR_REQUIRED");
  const text = content.text ?? record.text;
  const entities = content.entities ?? (content.text === undefined ? record.entities : undefined);
  // An edit replaces the inline keyboard: one left out is removed, as Telegram does.
  const markupSame = sameTl(record.replyMarkup ? [record.replyMarkup] : [], content.replyMarkup ? [content.replyMarkup] : []);
  if (text === record.text && sameTl(entities, record.entities) && markupSame) {
    throw badRequest("MESSAGE_NOT_MODIFIED");
  }
  const date = world.now();
  record.text = text;
  record.entities = entities;
  record.replyMarkup = content.replyMarkup;
  record.editDate = date;
  const { event } = advancePts(box, 1, date, (pts) => new Api.UpdateEditChannelMessage({ message: renderBareChannelMessage(chat, record), pts, ptsCount: 1 }));
  pushToMembers(
    world,
    chat,
    (viewerId) => [new Api.UpdateEditChannelMessage({ message: renderChannelMessage(chat, record, viewerId), pts: event.pts, ptsCount: 1 })],
    messageUserIds(record),
    editorId,
    opts,
  );
  return record;
}

/**
 * Delete channel messages: people delete their own, the creator and admins with
 * delete_messages anyone's (else MESSAGE_DELETE_FORBIDDEN). Unknown ids are skipped; the pts
 * advances by the number deleted and updateDeleteChannelMessages goes to every online member.
 */
export function deleteChannelMessages(
  world: World,
  chat: ChatRecord,
  actorId: number,
  ids: number[],
  opts: DeliveryOptions = {},
): { pts: number; ptsCount: number } {
  const box = channelBox(chat);
  const p = participantOf(world, chat, actorId);
  const deletesAny = holdsAdminRight(p, "deleteMessages");
  const existing = [...new Set(ids)].filter((id) => box.messages.has(id));
  for (const id of existing) {
    if (!isMemberRole(p?.role) || (box.messages.get(id)?.fromId !== actorId && !deletesAny)) throw forbidden("MESSAGE_DELETE_FORBIDDEN");
  }
  if (existing.length === 0) return { pts: box.pts, ptsCount: 0 };
  for (const id of existing) box.messages.delete(id);
  const { update } = advancePts(
    box,
    existing.length,
    world.now(),
    (pts) => new Api.UpdateDeleteChannelMessages({ channelId: toLong(chat.id), messages: existing, pts, ptsCount: existing.length }),
  );
  pushToMembers(world, chat, () => [update], [], actorId, opts);
  return { pts: box.pts, ptsCount: existing.length };
}

function readStateOf(chat: ChatRecord): ChannelReads {
  return (chat.channelReads ??= { inbox: new Map(), maxRead: 0 });
}

/** A member who just joined has read everything posted before. */
export function markAllRead(chat: ChatRecord, userId: number): void {
  readStateOf(chat).inbox.set(userId, channelBox(chat).lastMessageId);
}

/** Read counters of userId in a channel, as dialogs and channelFull report them. */
export function channelReadState(chat: ChatRecord, userId: number): { readInboxMaxId: number; readOutboxMaxId: number; unreadCount: number } {
  const box = channelBox(chat);
  const state = readStateOf(chat);
  const readInboxMaxId = state.inbox.get(userId) ?? 0;
  let unreadCount = 0;
  for (let id = readInboxMaxId + 1; id <= box.lastMessageId; id++) {
    const record = box.messages.get(id);
    if (record && record.fromId !== userId) unreadCount++;
  }
  return { readInboxMaxId, readOutboxMaxId: state.maxRead, unreadCount };
}

/**
 * channels.readHistory: mark messages up to maxId (0: all) read for userId; their other sessions
 * get updateReadChannelInbox and the online authors of newly read messages updateReadChannelOutbox.
 */
export function readChannelHistory(world: World, chat: ChatRecord, userId: number, maxId: number, opts: DeliveryOptions = {}): void {
  const box = channelBox(chat);
  const state = readStateOf(chat);
  const upTo = maxId <= 0 ? box.lastMessageId : Math.min(maxId, box.lastMessageId);
  const before = state.inbox.get(userId) ?? 0;
  if (upTo <= before) return;
  state.inbox.set(userId, upTo);
  const channelId = toLong(chat.id);
  const online = world.onlineUsers();
  if (online.has(userId)) {
    const { unreadCount } = channelReadState(chat, userId);
    const update = new Api.UpdateReadChannelInbox({ channelId, maxId: upTo, stillUnreadCount: unreadCount, pts: box.pts });
    world.push(userId, new Api.UpdateShort({ update, date: world.now() }), opts.exceptSessionKey);
  }
  if (upTo <= state.maxRead) return;
  const authors = new Set<number>();
  for (let id = Math.max(before, state.maxRead) + 1; id <= upTo; id++) {
    const author = box.messages.get(id)?.fromId;
    if (author !== undefined && author !== userId) authors.add(author);
  }
  state.maxRead = upTo;
  for (const author of authors) {
    if (online.has(author)) world.push(author, new Api.UpdateShort({ update: new Api.UpdateReadChannelOutbox({ channelId, maxId: upTo }), date: world.now() }));
  }
}
