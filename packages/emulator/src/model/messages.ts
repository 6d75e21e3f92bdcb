/**
 * Messages of private chats and basic groups, kept as Telegram keeps them: a copy in the common box
 * of every participant, each with that account's own message id and pts. Sending, editing,
 * deleting and reading, the updates each of them pushes, history windows and dialogs. Channel
 * peers go to the channel model (channelMessages.ts).
 */
import { Api } from "telegram";
import { addMessage, advancePts } from "./box.js";
import { channelReadState, type DeliveryOptions, type MessageContent, postChannelMessage, renderChannelMessage } from "./channelMessages.js";
import { chatsOf, isAdminRole, isMemberRole, renderBareChannelMessage, renderChat } from "./chats.js";
import { badRequest, forbidden } from "./errors.js";
import { renderMedia } from "./files.js";
import { fromLong, toLong } from "./longs.js";
import { checkCaption } from "./media.js";
import { peerKey, peerOf } from "./peerRefs.js";
import type { ChatRecord, MessageBox, MessageRecord, PeerIndex, PeerRef, UserRecord } from "./records.js";
import { renderUsers } from "./users.js";
import type { ReadMarks, World } from "./world.js";

export type { DeliveryOptions, MessageContent };

/** Longest message text Telegram accepts (config message_length_max). */
export const MAX_MESSAGE_LENGTH = 4096;
/** Seconds after sending during which a user may edit a message (config edit_time_limit). */
export const EDIT_TIME_LIMIT = 172_800;

// ---------------------------------------------------------------------------------------------
// Per-box index of message ids by chat

/** The box's ids grouped by chat; rebuilt when messages were added behind this module's back. */
function peerIndex(box: MessageBox): PeerIndex {
  const cached = box.peerIndex;
  if (cached && cached.lastMessageId === box.lastMessageId) return cached;
  const index: PeerIndex = { lastMessageId: box.lastMessageId, byPeer: new Map() };
  for (const record of box.messages.values()) indexInsert(index, record);
  box.peerIndex = index;
  return index;
}

function indexInsert(index: PeerIndex, record: MessageRecord): void {
  const key = peerKey(record.peer);
  let entry = index.byPeer.get(key);
  if (!entry) {
    entry = { peer: record.peer, ids: [] };
    index.byPeer.set(key, entry);
  }
  entry.ids.push(record.id);
}

/** First index in ascending `ids` whose value is >= id. */
function lowerBound(ids: number[], id: number): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function indexRemove(box: MessageBox, record: MessageRecord): void {
  const ids = box.peerIndex?.byPeer.get(peerKey(record.peer))?.ids;
  if (!ids) return;
  const i = lowerBound(ids, record.id);
  if (ids[i] === record.id) ids.splice(i, 1);
}

/** Ascending ids of the messages of one chat in a box. */
export function chatMessageIds(box: MessageBox, peer: PeerRef): number[] {
  return peerIndex(box).byPeer.get(peerKey(peer))?.ids ?? [];
}

// ---------------------------------------------------------------------------------------------
// Rendering

/**
 * A stored message as the TL Message (MessageService for service messages). Private-chat copies
 * carry from_id only when outgoing, group copies always; channel records render through the
 * channel model, with `out` for `viewerId`'s own posts when a viewer is given.
 */
export function renderMessage(world: World, record: MessageRecord, viewerId?: number): Api.Message | Api.MessageService {
  if (record.peer.type === "channel") {
    const chat = world.chats.get(record.peer.id);
    if (chat) return viewerId === undefined ? renderBareChannelMessage(chat, record) : renderChannelMessage(chat, record, viewerId);
  }
  const peerId = peerOf(record.peer);
  const fromId = record.peer.type !== "user" || record.out ? new Api.PeerUser({ userId: toLong(record.fromId) }) : undefined;
  const replyTo = record.replyToId ? new Api.MessageReplyHeader({ replyToMsgId: record.replyToId }) : undefined;
  const mentioned = record.mentioned || undefined;
  const out = record.out || undefined;
  if (record.action) {
    return new Api.MessageService({ out, mentioned, id: record.id, fromId, peerId, replyTo, date: record.date, action: record.action });
  }
  return new Api.Message({
    out,
    mentioned,
    mediaUnread: mentioned,
    id: record.id,
    fromId,
    peerId,
    replyTo,
    date: record.date,
    message: record.text,
    media: record.media && renderMedia(record.media),
    entities: record.entities?.length ? record.entities : undefined,
    replyMarkup: record.replyMarkup,
    editDate: record.editDate,
  });
}

/** Ids of the users and chats (basic groups and channels alike) that updates and messages name. */
export interface PeerSet {
  users: Set<number>;
  chats: Set<number>;
}

/** An empty PeerSet. */
export function peerSet(): PeerSet {
  return { users: new Set(), chats: new Set() };
}

function addPeer(set: PeerSet, peer: Api.TypePeer | undefined): void {
  if (peer instanceof Api.PeerUser) set.users.add(fromLong(peer.userId));
  else if (peer instanceof Api.PeerChat) set.chats.add(fromLong(peer.chatId));
  else if (peer instanceof Api.PeerChannel) set.chats.add(fromLong(peer.channelId));
}

/** Add what a message names: its chat, sender, users of a service action, mention-name entities. */
export function collectMessagePeers(set: PeerSet, message: Api.TypeMessage): void {
  if (message instanceof Api.MessageEmpty) return;
  addPeer(set, message.peerId);
  addPeer(set, message.fromId);
  if (message instanceof Api.MessageService) {
    collectActionPeers(set, message.action);
    return;
  }
  for (const entity of message.entities ?? []) {
    if (entity instanceof Api.MessageEntityMentionName) set.users.add(fromLong(entity.userId));
  }
}

/** Add the users and chats a service action names. */
export function collectActionPeers(set: PeerSet, action: Api.TypeMessageAction): void {
  if (action instanceof Api.MessageActionChatCreate || action instanceof Api.MessageActionChatAddUser) {
    for (const id of action.users) set.users.add(fromLong(id));
  } else if (action instanceof Api.MessageActionChatDeleteUser) {
    set.users.add(fromLong(action.userId));
  } else if (action instanceof Api.MessageActionChatJoinedByLink) {
    set.users.add(fromLong(action.inviterId));
  } else if (action instanceof Api.MessageActionChatMigrateTo) {
    set.chats.add(fromLong(action.channelId));
  } else if (action instanceof Api.MessageActionChannelMigrateFrom) {
    set.chats.add(fromLong(action.chatId));
  }
}

/** Add what an update names (its message, peer, chat or user). */
export function collectUpdatePeers(set: PeerSet, update: Api.TypeUpdate): void {
  if (
    update instanceof Api.UpdateNewMessage ||
    update instanceof Api.UpdateEditMessage ||
    update instanceof Api.UpdateNewChannelMessage ||
    update instanceof Api.UpdateEditChannelMessage
  ) {
    collectMessagePeers(set, update.message);
  } else if (update instanceof Api.UpdateReadHistoryInbox || update instanceof Api.UpdateReadHistoryOutbox) {
    addPeer(set, update.peer);
  } else if (update instanceof Api.UpdateBotCallbackQuery) {
    set.users.add(fromLong(update.userId));
    addPeer(set, update.peer);
  } else if (update instanceof Api.UpdateChatParticipantAdd || update instanceof Api.UpdateChatParticipantDelete) {
    set.chats.add(fromLong(update.chatId));
    set.users.add(fromLong(update.userId));
  } else if (update instanceof Api.UpdateChatParticipants) {
    set.chats.add(fromLong(update.participants.chatId));
  } else if (update instanceof Api.UpdateChannel) {
    set.chats.add(fromLong(update.channelId));
  }
}

/** The users and chats of a PeerSet, rendered for `viewerId` (unknown ids are skipped). */
export function renderPeerSet(world: World, viewerId: number, set: PeerSet): { users: Api.TypeUser[]; chats: Api.TypeChat[] } {
  const chats: Api.TypeChat[] = [];
  for (const id of set.chats) {
    const chat = world.chats.get(id);
    if (chat) chats.push(renderChat(world, viewerId, chat));
  }
  return { users: renderUsers(world, viewerId, set.users), chats };
}

/** Updates (seq 0) carrying `updates` with the users and chats they name, rendered for `viewerId`. */
export function wrapUpdates(world: World, viewerId: number, updates: Api.TypeUpdate[]): Api.Updates {
  const set = peerSet();
  for (const update of updates) collectUpdatePeers(set, update);
  return new Api.Updates({ updates, ...renderPeerSet(world, viewerId, set), date: world.now(), seq: 0 });
}

// ---------------------------------------------------------------------------------------------
// Sending

/** MESSAGE_EMPTY / MESSAGE_TOO_LONG for text that Telegram would refuse. */
export function checkText(text: string | undefined): void {
  if (!text || text.trim() === "") throw badRequest("MESSAGE_EMPTY");
  if (text.length > MAX_MESSAGE_LENGTH) throw badRequest("MESSAGE_TOO_LONG");
}

/** Whether a user already sent a message with this random_id (Telegram answers RANDOM_ID_DUPLICATE). */
export function randomIdUsed(world: World, userId: number, randomId: string): boolean {
  return world.messageLedger.randomIds.has(`${userId}:${randomId}`);
}

/** Record the random_id of a message a user sent. */
export function rememberRandomId(world: World, userId: number, randomId: string): void {
  world.messageLedger.randomIds.add(`${userId}:${randomId}`);
}

/** Whether any message between an account and a chat is in the account's box. */
export function hasHistory(world: World, ownerId: number, peer: PeerRef): boolean {
  return chatMessageIds(world.boxOf(ownerId), peer).length > 0;
}

/** Store a copy in its owner's box, log its updateNewMessage and index it. */
function store(world: World, ownerId: number, fields: Omit<MessageRecord, "id">): { record: MessageRecord; update: Api.UpdateNewMessage } {
  const box = world.boxOf(ownerId);
  const index = peerIndex(box);
  const record = addMessage(box, fields);
  indexInsert(index, record);
  index.lastMessageId = box.lastMessageId;
  const { update } = advancePts(box, 1, record.date, (pts) => new Api.UpdateNewMessage({ message: renderMessage(world, record), pts, ptsCount: 1 }));
  record.announcement = update;
  if (record.globalKey !== undefined) {
    const copies = world.messageLedger.copies.get(record.globalKey) ?? [];
    copies.push({ ownerId, id: record.id });
    world.messageLedger.copies.set(record.globalKey, copies);
  }
  return { record, update };
}

/** The copy of a message kept in another account's box, if it has one. */
export function copyIn(world: World, record: MessageRecord, ownerId: number): MessageRecord | undefined {
  if (record.globalKey === undefined) return undefined;
  const copy = world.messageLedger.copies.get(record.globalKey)?.find((c) => c.ownerId === ownerId);
  return copy && world.users.get(ownerId)?.box?.messages.get(copy.id);
}

/** What the box owner's sessions receive for a new copy: the short forms where Telegram uses them. */
function announce(world: World, ownerId: number, record: MessageRecord, update: Api.UpdateNewMessage): Api.TypeUpdates {
  if (!record.action && !record.replyMarkup && !record.media && record.peer.type !== "channel") {
    const common = {
      out: record.out || undefined,
      mentioned: record.mentioned || undefined,
      mediaUnread: record.mentioned || undefined,
      id: record.id,
      message: record.text,
      pts: update.pts,
      ptsCount: 1,
      date: record.date,
      replyTo: record.replyToId ? new Api.MessageReplyHeader({ replyToMsgId: record.replyToId }) : undefined,
      entities: record.entities?.length ? record.entities : undefined,
    };
    if (record.peer.type === "user") return new Api.UpdateShortMessage({ ...common, userId: toLong(record.peer.id) });
    return new Api.UpdateShortChatMessage({ ...common, fromId: toLong(record.fromId), chatId: toLong(record.peer.id) });
  }
  return wrapUpdates(world, ownerId, [update]);
}

/** Whether a copy mentions its owner: a reply to their message, @username, a mention-name entity. */
function mentions(world: World, owner: UserRecord, text: string, entities: Api.TypeMessageEntity[] | undefined, replyToId: number | undefined): boolean {
  if (replyToId !== undefined && world.boxOf(owner.id).messages.get(replyToId)?.out) return true;
  if (entities?.some((e) => e instanceof Api.MessageEntityMentionName && fromLong(e.userId) === owner.id)) return true;
  if (!owner.username) return false;
  return new RegExp(`(^|[^\\w@])@${owner.username}(?!\\w)`, "i").test(text);
}

/** Owner id to the id of their copy of `record` (the record's own owner included). */
function copyIdsOf(world: World, ownerId: number, record: MessageRecord | undefined): Map<number, number> {
  const ids = new Map<number, number>();
  if (!record) return ids;
  ids.set(ownerId, record.id);
  if (record.globalKey === undefined) return ids;
  for (const copy of world.messageLedger.copies.get(record.globalKey) ?? []) ids.set(copy.ownerId, copy.id);
  return ids;
}

/**
 * Send a message: the one way any message gets sent (messages.sendMessage and sendMedia, the control
 * API's simulated people, service messages); a message with media has a caption (MEDIA_CAPTION_TOO_LONG). Private chats get a copy in each side's box, basic groups
 * one in every member's box, channels go to the channel model. Online recipients get
 * updateShortMessage / updateShortChatMessage where Telegram uses them, else Updates with
 * updateNewMessage; the sender's session named in opts is skipped. Returns the sender's copy.
 */
export function postMessage(world: World, fromId: number, peer: PeerRef, content: MessageContent, opts: DeliveryOptions = {}): MessageRecord {
  if (content.media) checkCaption(world, fromId, content.text);
  else if (!content.action) checkText(content.text);
  const sender = world.users.get(fromId);
  if (!sender) throw new Error(`postMessage: no user ${fromId}`);
  if (peer.type === "channel") {
    const chat = world.chats.get(peer.id);
    if (!chat || chat.kind === "group") throw badRequest("CHANNEL_INVALID");
    return postChannelMessage(world, chat, fromId, content, opts);
  }
  const recipients = peer.type === "user" ? privateRecipients(world, sender, peer.id) : groupRecipients(world, fromId, peer.id, content);
  const replyTarget = world.boxOf(fromId).messages.get(content.replyToId ?? 0);
  const replyIds = copyIdsOf(world, fromId, replyTarget && peerKey(replyTarget.peer) === peerKey(peer) ? replyTarget : undefined);
  const base = {
    fromId,
    text: content.action ? "" : (content.text ?? ""),
    date: world.now(),
    entities: content.entities?.length ? content.entities : undefined,
    replyMarkup: content.replyMarkup,
    action: content.action,
    media: content.media,
    globalKey: world.messageLedger.nextGlobalKey++,
  };
  const online = world.onlineUsers();
  let sent: MessageRecord | undefined;
  for (const owner of recipients) {
    const ownReply = replyIds.get(owner.id);
    const { record, update } = store(world, owner.id, {
      ...base,
      peer: peer.type === "user" ? { type: "user", id: owner.id === fromId ? peer.id : fromId } : peer,
      out: owner.id === fromId,
      replyToId: ownReply,
      mentioned: owner.id !== fromId && peer.type === "chat" && mentions(world, owner, base.text, base.entities, ownReply) ? true : undefined,
    });
    if (owner.id === fromId) sent = record;
    if (online.has(owner.id)) {
      world.push(owner.id, announce(world, owner.id, record, update), owner.id === fromId ? opts.exceptSessionKey : undefined);
    }
  }
  if (!sent) throw new Error("postMessage: the sender got no copy");
  return sent;
}

/** Sender and receiver of a private message, with Telegram's refusals. */
function privateRecipients(world: World, sender: UserRecord, receiverId: number): UserRecord[] {
  const receiver = world.users.get(receiverId);
  if (!receiver) throw badRequest("PEER_ID_INVALID");
  if (receiver.id === sender.id) return [sender];
  if (receiver.deleted) throw badRequest("INPUT_USER_DEACTIVATED");
  if (sender.bot && receiver.bot) throw badRequest("USER_IS_BOT");
  // Bots cannot start conversations: the person must have written to the bot first.
  if (sender.bot && !hasHistory(world, sender.id, { type: "user", id: receiver.id })) throw badRequest("PEER_ID_INVALID");
  return [sender, receiver];
}

/**
 * Who gets a copy of a basic-group message: the members (sender first); service messages also
 * reach the sender and the people the action names (a removed member sees their removal).
 */
function groupRecipients(world: World, fromId: number, chatId: number, content: MessageContent): UserRecord[] {
  const chat = world.chats.get(chatId);
  if (chat?.kind !== "group") throw badRequest("PEER_ID_INVALID");
  const ids = new Set<number>();
  if (content.action) {
    ids.add(fromId);
    const named = peerSet();
    collectActionPeers(named, content.action);
    for (const id of named.users) ids.add(id);
  } else if (chat.deactivated || !isMemberRole(chat.participants.get(fromId)?.role)) {
    throw forbidden("CHAT_WRITE_FORBIDDEN");
  } else {
    ids.add(fromId);
  }
  for (const p of chat.participants.values()) if (isMemberRole(p.role)) ids.add(p.userId);
  const users: UserRecord[] = [];
  for (const id of ids) {
    const user = world.users.get(id);
    if (user && !user.deleted) users.push(user);
  }
  return users;
}

// ---------------------------------------------------------------------------------------------
// Editing, deleting, reading

/** What messages.editMessage may change. */
export interface MessageEdit {
  text?: string;
  entities?: Api.TypeMessageEntity[];
  replyMarkup?: Api.TypeReplyMarkup;
}

/** Whether two lists of TL objects (entities, markup) serialize the same. */
export function sameTl(a: readonly { getBytes(): Buffer }[] | undefined, b: readonly { getBytes(): Buffer }[] | undefined): boolean {
  const left = a ?? [];
  const right = b ?? [];
  return left.length === right.length && left.every((item, i) => item.getBytes().equals(right[i].getBytes()));
}

/** The message `id` of chat `peer` in the account's box (MESSAGE_ID_INVALID when absent). */
export function ownMessage(world: World, ownerId: number, peer: PeerRef, id: number): MessageRecord {
  const record = world.boxOf(ownerId).messages.get(id);
  if (!record || peerKey(record.peer) !== peerKey(peer)) throw badRequest("MESSAGE_ID_INVALID");
  return record;
}

/**
 * Edit a private or basic-group message in every copy: MESSAGE_ID_INVALID, MESSAGE_AUTHOR_REQUIRED,
 * MESSAGE_EDIT_TIME_EXPIRED, MESSAGE_NOT_MODIFIED as Telegram answers; each owner gets
 * updateEditMessage with its own pts. Returns the editor's copy and update.
 */
export function editMessage(
  world: World,
  editorId: number,
  peer: PeerRef,
  id: number,
  edit: MessageEdit,
  opts: DeliveryOptions = {},
): { record: MessageRecord; update: Api.UpdateEditMessage } {
  const record = ownMessage(world, editorId, peer, id);
  if (record.action) throw badRequest("MESSAGE_ID_INVALID");
  if (record.fromId !== editorId) throw forbidden("MESSAGE_AUTHOR_REQUIRED");
  const editor = world.users.get(editorId);
  const savedMessages = peer.type === "user" && peer.id === editorId;
  if (!editor?.bot && !savedMessages && world.now() - record.date > EDIT_TIME_LIMIT) throw badRequest("MESSAGE_EDIT_TIME_EXPIRED");
  if (edit.text !== undefined) checkText(edit.text);
  const text = edit.text ?? record.text;
  const entities = edit.entities?.length ? edit.entities : edit.text === undefined ? record.entities : undefined;
  // An edit replaces the inline keyboard: one left out is removed, as Telegram does.
  const markup = edit.replyMarkup;
  const markupSame = sameTl(record.replyMarkup ? [record.replyMarkup] : [], markup ? [markup] : []);
  if (text === record.text && sameTl(entities, record.entities) && markupSame) throw badRequest("MESSAGE_NOT_MODIFIED");
  const date = world.now();
  const copies = record.globalKey === undefined ? [{ ownerId: editorId, id }] : (world.messageLedger.copies.get(record.globalKey) ?? []);
  const online = world.onlineUsers();
  let result: Api.UpdateEditMessage | undefined;
  for (const { ownerId, id: copyId } of copies) {
    const box = world.boxOf(ownerId);
    const copy = box.messages.get(copyId);
    if (!copy) continue;
    copy.text = text;
    copy.entities = entities;
    copy.replyMarkup = markup;
    copy.editDate = date;
    const { update } = advancePts(box, 1, date, (pts) => new Api.UpdateEditMessage({ message: renderMessage(world, copy), pts, ptsCount: 1 }));
    if (ownerId === editorId) result = update;
    if (online.has(ownerId)) world.push(ownerId, wrapUpdates(world, ownerId, [update]), ownerId === editorId ? opts.exceptSessionKey : undefined);
  }
  if (!result) throw new Error("editMessage: the editor's copy is gone");
  return { record, update: result };
}

/** Remove copies from one owner's box under one updateDeleteMessages; returns its pts. */
function removeFromBox(world: World, ownerId: number, candidates: number[], exceptSessionKey?: string): { pts: number; ptsCount: number } {
  const box = world.boxOf(ownerId);
  const copies = world.messageLedger.copies;
  const ids = candidates.filter((id) => box.messages.has(id));
  for (const id of ids) {
    const record = box.messages.get(id)!;
    box.messages.delete(id);
    indexRemove(box, record);
    if (record.globalKey === undefined) continue;
    const rest = (copies.get(record.globalKey) ?? []).filter((c) => c.ownerId !== ownerId || c.id !== id);
    if (rest.length) copies.set(record.globalKey, rest);
    else copies.delete(record.globalKey);
  }
  if (ids.length === 0) return { pts: box.pts, ptsCount: 0 };
  const { update } = advancePts(box, ids.length, world.now(), (pts) => new Api.UpdateDeleteMessages({ messages: ids, pts, ptsCount: ids.length }));
  if (world.onlineUsers().has(ownerId)) world.push(ownerId, wrapUpdates(world, ownerId, [update]), exceptSessionKey);
  return { pts: box.pts, ptsCount: ids.length };
}

/**
 * Delete messages from the account's common box (unknown ids are skipped); with `revoke` every
 * other copy goes too. In basic groups only the creator and admins revoke other people's messages
 * (MESSAGE_DELETE_FORBIDDEN). Returns messages.affectedMessages' pts and pts_count.
 */
export function deleteMessages(world: World, userId: number, ids: number[], revoke: boolean, opts: DeliveryOptions = {}): { pts: number; ptsCount: number } {
  const box = world.boxOf(userId);
  const records = [...new Set(ids)].map((id) => box.messages.get(id)).filter((r): r is MessageRecord => r !== undefined);
  if (revoke) {
    for (const record of records) {
      if (record.peer.type !== "chat" || record.fromId === userId) continue;
      const role = world.chats.get(record.peer.id)?.participants.get(userId)?.role;
      if (!isAdminRole(role)) throw forbidden("MESSAGE_DELETE_FORBIDDEN");
    }
  }
  const others = new Map<number, number[]>();
  if (revoke) {
    for (const record of records) {
      if (record.globalKey === undefined) continue;
      for (const copy of world.messageLedger.copies.get(record.globalKey) ?? []) {
        if (copy.ownerId === userId) continue;
        others.set(copy.ownerId, [...(others.get(copy.ownerId) ?? []), copy.id]);
      }
    }
  }
  const result = removeFromBox(
    world,
    userId,
    records.map((r) => r.id),
    opts.exceptSessionKey,
  );
  for (const [ownerId, copyIds] of others) removeFromBox(world, ownerId, copyIds);
  return result;
}

/** The read marks of a dialog; stored on first change, zero until then. */
function marksOf(world: World, ownerId: number, peer: PeerRef, forUpdate = false): ReadMarks {
  const reads = world.messageLedger.reads;
  const key = `${ownerId}|${peerKey(peer)}`;
  let marks = reads.get(key);
  if (!marks) {
    marks = { inbox: 0, outbox: 0 };
    if (forUpdate) reads.set(key, marks);
  }
  return marks;
}

/** Incoming messages of a chat in the owner's box newer than its read mark. */
function unreadIn(box: MessageBox, ids: number[], readInbox: number): number {
  let count = 0;
  for (let i = ids.length - 1; i >= 0 && ids[i] > readInbox; i--) {
    if (box.messages.get(ids[i])?.out === false) count++;
  }
  return count;
}

/**
 * messages.readHistory for a private chat or basic group: mark incoming messages up to maxId
 * (0: all) read. The reader's box logs updateReadHistoryInbox; every author whose messages became
 * read gets updateReadHistoryOutbox in theirs. Returns affectedMessages' pts and pts_count.
 */
export function readHistory(world: World, userId: number, peer: PeerRef, maxId: number, opts: DeliveryOptions = {}): { pts: number; ptsCount: number } {
  const box = world.boxOf(userId);
  const ids = chatMessageIds(box, peer);
  const last = ids.length ? ids[ids.length - 1] : 0;
  const upTo = maxId > 0 ? Math.min(maxId, last) : last;
  const marks = marksOf(world, userId, peer, true);
  if (upTo <= marks.inbox) return { pts: box.pts, ptsCount: 0 };
  const authors = new Map<number, MessageRecord>();
  for (let i = lowerBound(ids, marks.inbox + 1); i < ids.length && ids[i] <= upTo; i++) {
    const record = box.messages.get(ids[i]);
    if (record && !record.out) authors.set(record.fromId, record);
  }
  marks.inbox = upTo;
  const date = world.now();
  const online = world.onlineUsers();
  const { update } = advancePts(
    box,
    1,
    date,
    (pts) => new Api.UpdateReadHistoryInbox({ peer: peerOf(peer), maxId: upTo, stillUnreadCount: unreadIn(box, ids, upTo), pts, ptsCount: 1 }),
  );
  if (online.has(userId)) world.push(userId, wrapUpdates(world, userId, [update]), opts.exceptSessionKey);
  for (const [authorId, latest] of authors) {
    const theirs = copyIn(world, latest, authorId);
    if (!theirs) continue;
    const authorMarks = marksOf(world, authorId, theirs.peer, true);
    if (theirs.id <= authorMarks.outbox) continue;
    authorMarks.outbox = theirs.id;
    const authorBox = world.boxOf(authorId);
    const read = advancePts(authorBox, 1, date, (pts) => new Api.UpdateReadHistoryOutbox({ peer: peerOf(theirs.peer), maxId: theirs.id, pts, ptsCount: 1 }));
    if (online.has(authorId)) world.push(authorId, wrapUpdates(world, authorId, [read.update]));
  }
  return { pts: box.pts, ptsCount: 1 };
}

// ---------------------------------------------------------------------------------------------
// History windows

/** messages.getHistory's paging parameters. */
export interface HistoryQuery {
  offsetId: number;
  offsetDate: number;
  addOffset: number;
  limit: number;
  maxId: number;
  minId: number;
}

export interface HistoryPage {
  /** Newest first. */
  messages: MessageRecord[];
  /** Messages in the whole chat. */
  count: number;
  /** Position of messages[0] in the whole chat, newest first (when paging by offset). */
  offsetIdOffset?: number;
  /** The page holds the whole chat: messages.messages rather than messagesSlice. */
  complete: boolean;
}

/** Most messages one history call returns, as on Telegram. */
export const HISTORY_LIMIT = 100;

/**
 * A page of history as messages.getHistory computes it: messages newest first, starting at the
 * first message older than offset_id (or sent before offset_date), moved by add_offset (negative
 * values reach newer messages), at most `limit` (≤ 100), only ids in (min_id, max_id) when those
 * are given. With `peer`, only that chat's messages of the box; without, the whole box (a channel).
 */
export function historyWindow(box: MessageBox, query: HistoryQuery, peer?: PeerRef): HistoryPage {
  const ids = peer ? chatMessageIds(box, peer) : Array.from(box.messages.keys());
  const lo = query.minId > 0 ? lowerBound(ids, query.minId + 1) : 0;
  const hi = query.maxId > 0 ? lowerBound(ids, query.maxId) : ids.length;
  let p = hi;
  if (query.offsetId > 0) {
    p = Math.min(Math.max(lowerBound(ids, query.offsetId), lo), hi);
  } else if (query.offsetDate > 0) {
    let a = lo;
    let b = hi;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if ((box.messages.get(ids[mid])?.date ?? 0) < query.offsetDate) a = mid + 1;
      else b = mid;
    }
    p = a;
  }
  const limit = Math.min(Math.max(query.limit, 0), HISTORY_LIMIT);
  const start = Math.max(hi - p + query.addOffset, 0);
  const end = Math.min(hi - p + query.addOffset + limit, hi - lo);
  const messages: MessageRecord[] = [];
  for (let k = start; k < end; k++) {
    const record = box.messages.get(ids[hi - 1 - k]);
    if (record) messages.push(record);
  }
  const paged = query.offsetId > 0 || query.offsetDate > 0;
  return {
    messages,
    count: ids.length,
    offsetIdOffset: paged ? ids.length - hi + start : undefined,
    complete: messages.length === ids.length,
  };
}

// ---------------------------------------------------------------------------------------------
// Dialogs

/** One dialog of an account: a private chat, basic group or channel, with its newest message. */
export interface DialogEntry {
  peer: PeerRef;
  top?: MessageRecord;
  /** Date of the newest message (the chat's date when it has none). */
  date: number;
}

function newestIn(box: MessageBox | undefined, ids?: number[]): MessageRecord | undefined {
  if (!box) return undefined;
  if (ids) return ids.length ? box.messages.get(ids[ids.length - 1]) : undefined;
  for (let id = box.lastMessageId; id > 0; id--) {
    const record = box.messages.get(id);
    if (record) return record;
  }
  return undefined;
}

/** Every dialog of an account, newest first: chats with messages in its box, plus its groups and channels. */
export function listDialogs(world: World, userId: number): DialogEntry[] {
  const box = world.boxOf(userId);
  const entries = new Map<string, DialogEntry>();
  for (const [key, { peer, ids }] of peerIndex(box).byPeer) {
    const top = newestIn(box, ids);
    if (top) entries.set(key, { peer, top, date: top.date });
  }
  for (const chat of chatsOf(world, userId)) {
    const peer: PeerRef = { type: chat.kind === "group" ? "chat" : "channel", id: chat.id };
    const key = peerKey(peer);
    if (entries.has(key)) continue;
    const top = chat.kind === "group" ? undefined : newestIn(chat.box);
    entries.set(key, { peer, top, date: top?.date ?? chat.date });
  }
  // Same second: common-box messages by id (their order of arrival), then channels, then chats without messages.
  const rank = (e: DialogEntry) => (!e.top ? 2 : e.peer.type === "channel" ? 1 : 0);
  return [...entries.values()].sort((a, b) => {
    if (a.date !== b.date) return b.date - a.date;
    if (rank(a) !== rank(b)) return rank(a) - rank(b);
    if (rank(a) === 0) return b.top!.id - a.top!.id;
    return peerKey(a.peer) < peerKey(b.peer) ? -1 : 1;
  });
}

/** Where messages.getDialogs resumes: after offset_peer when listed, else before offset_date/offset_id. */
export function dialogPage(entries: DialogEntry[], offset: { peer?: PeerRef; date: number; id: number }, limit: number): DialogEntry[] {
  let start = 0;
  const at = offset.peer ? entries.findIndex((e) => peerKey(e.peer) === peerKey(offset.peer!)) : -1;
  if (at >= 0) start = at + 1;
  else if (offset.date > 0) {
    start = entries.findIndex((e) => e.date < offset.date || (e.date === offset.date && (e.top?.id ?? 0) < offset.id));
    if (start < 0) start = entries.length;
  }
  return entries.slice(start, start + Math.min(Math.max(limit, 0), HISTORY_LIMIT));
}

/** The Dialog constructor of an entry, with the account's read marks and unread count. */
export function renderDialog(world: World, userId: number, entry: DialogEntry): Api.Dialog {
  const notifySettings = new Api.PeerNotifySettings({});
  const common = {
    peer: peerOf(entry.peer),
    topMessage: entry.top?.id ?? 0,
    unreadMentionsCount: 0,
    unreadReactionsCount: 0,
    notifySettings,
  };
  if (entry.peer.type === "channel") {
    const chat = world.chats.get(entry.peer.id) as ChatRecord;
    return new Api.Dialog({ ...common, ...channelReadState(chat, userId), pts: chat.box?.pts ?? 0 });
  }
  const box = world.boxOf(userId);
  const marks = marksOf(world, userId, entry.peer);
  return new Api.Dialog({
    ...common,
    readInboxMaxId: marks.inbox,
    readOutboxMaxId: marks.outbox,
    unreadCount: unreadIn(box, chatMessageIds(box, entry.peer), marks.inbox),
  });
}

/** Unread incoming messages over all private chats and basic groups of an account. */
export function totalUnread(world: World, userId: number): number {
  const box = world.boxOf(userId);
  let total = 0;
  for (const { peer, ids } of peerIndex(box).byPeer.values()) total += unreadIn(box, ids, marksOf(world, userId, peer).inbox);
  return total;
}
