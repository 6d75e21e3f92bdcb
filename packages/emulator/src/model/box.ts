/**
 * Message boxes: the message-id sequence and pts of one account's common box or of one channel.
 * Pure operations on MessageBox; callers render and push the updates they produce.
 */
import type { Api } from "telegram";
import type { ChatRecord, MessageBox, MessageRecord, PtsEvent } from "./records.js";

/**
 * What a call acting on a chat's whole history answers (messages.affectedHistory): the pts of the box it
 * acted on after the call, how many pts events it added there, and `offset`, positive while the call must
 * be made again for the rest (core.telegram.org/constructor/messages.affectedHistory).
 */
export interface AffectedHistory {
  pts: number;
  ptsCount: number;
  offset: number;
}

/** The box of a megagroup/channel (basic groups have none). */
export function channelBox(chat: ChatRecord): MessageBox {
  if (!chat.box) throw new Error(`chat ${chat.id} is a basic group: it has no channel box`);
  return chat.box;
}

/** Store a new message under the box's next id and return that id. */
export function addMessage(box: MessageBox, message: Omit<MessageRecord, "id">): MessageRecord {
  const record: MessageRecord = { ...message, id: ++box.lastMessageId };
  box.messages.set(record.id, record);
  return record;
}

/**
 * Advance the box's pts by ptsCount and log the update that does so. `make` receives the new pts
 * and builds the update carrying it (updateNewMessage, updateEditChannelMessage, ...).
 */
export function advancePts<U extends Api.TypeUpdate>(
  box: MessageBox,
  ptsCount: number,
  date: number,
  make: (pts: number) => U,
): { update: U; event: PtsEvent } {
  const pts = box.pts + ptsCount;
  const update = make(pts);
  box.pts = pts;
  const event: PtsEvent = { pts, ptsCount, date, update };
  box.log.push(event);
  return { update, event };
}

/** The logged events with pts greater than `afterPts`, oldest first (binary search: the log is sorted). */
export function eventsAfter(box: MessageBox, afterPts: number): PtsEvent[] {
  let lo = 0;
  let hi = box.log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (box.log[mid].pts <= afterPts) lo = mid + 1;
    else hi = mid;
  }
  return box.log.slice(lo);
}
