/**
 * Read state. Common boxes: each account's read marks per dialog (World.messageLedger.reads);
 * messages.readHistory moves the reader's inbox mark and the authors' outbox marks, each with an update
 * in that account's box. Megagroups and channels: one mark per member and the highest mark anybody
 * reached (ChatRecord.channelReads); channels.readHistory pushes updateReadChannelInbox / Outbox.
 */
import { Api } from "telegram";
import { advancePts, channelBox } from "./box.js";
import { chatMessageIds, lowerBound, peerIndex } from "./boxIndex.js";
import { copyIn } from "./copies.js";
import type { DeliveryOptions } from "./delivery.js";
import { toLong } from "./longs.js";
import { peerKey, peerOf } from "./peerRefs.js";
import { wrapUpdates } from "./peerSet.js";
import type { ChannelReads, ChatRecord, MessageBox, MessageRecord, PeerRef } from "./records.js";
import type { ReadMarks, World } from "./world.js";

/** Read counters as dialogs and channelFull report them. */
export interface ReadCounters {
  readInboxMaxId: number;
  readOutboxMaxId: number;
  unreadCount: number;
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

/** Read counters of userId in a private chat or basic group. */
export function commonReadState(world: World, userId: number, peer: PeerRef): ReadCounters {
  const box = world.boxOf(userId);
  const marks = marksOf(world, userId, peer);
  return { readInboxMaxId: marks.inbox, readOutboxMaxId: marks.outbox, unreadCount: unreadIn(box, chatMessageIds(box, peer), marks.inbox) };
}

/** Unread incoming messages over all private chats and basic groups of an account. */
export function totalUnread(world: World, userId: number): number {
  const box = world.boxOf(userId);
  let total = 0;
  for (const { peer, ids } of peerIndex(box).byPeer.values()) total += unreadIn(box, ids, marksOf(world, userId, peer).inbox);
  return total;
}

function readStateOf(chat: ChatRecord): ChannelReads {
  return (chat.channelReads ??= { inbox: new Map(), maxRead: 0 });
}

/** A member who just joined has read everything posted before. */
export function markAllRead(chat: ChatRecord, userId: number): void {
  readStateOf(chat).inbox.set(userId, channelBox(chat).lastMessageId);
}

/** Read counters of userId in a channel, as dialogs and channelFull report them. */
export function channelReadState(chat: ChatRecord, userId: number): ReadCounters {
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
