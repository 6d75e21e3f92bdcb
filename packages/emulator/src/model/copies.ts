/**
 * Private-chat and basic-group messages are kept as Telegram keeps them: a copy in the common box of
 * every participant, each with that account's own message id and pts. The copies of one message share
 * a globalKey; World.messageLedger.copies lists where each copy is. Storing a copy, finding the copy
 * another account holds, and removing one.
 */
import { Api } from "telegram";
import { addMessage, advancePts } from "./box.js";
import { indexInsert, indexRemove, peerIndex } from "./boxIndex.js";
import { renderMessage } from "./messageRender.js";
import type { MessageRecord } from "./records.js";
import type { MessageCopy, World } from "./world.js";

/** Store a copy in its owner's box, log its updateNewMessage (kept as the copy's announcement) and index it. */
export function storeCopy(world: World, ownerId: number, fields: Omit<MessageRecord, "id">): { record: MessageRecord; update: Api.UpdateNewMessage } {
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

/** Where every copy of the message `record` (held by `ownerId`) is; just `record` when it has no copies elsewhere. */
export function copiesOf(world: World, ownerId: number, record: MessageRecord): MessageCopy[] {
  if (record.globalKey === undefined) return [{ ownerId, id: record.id }];
  return world.messageLedger.copies.get(record.globalKey) ?? [];
}

/** The copy of a message kept in another account's box, if it has one. */
export function copyIn(world: World, record: MessageRecord, ownerId: number): MessageRecord | undefined {
  if (record.globalKey === undefined) return undefined;
  const copy = world.messageLedger.copies.get(record.globalKey)?.find((c) => c.ownerId === ownerId);
  return copy && world.users.get(ownerId)?.box?.messages.get(copy.id);
}

/** Owner id to the id of their copy of `record` (the record's own owner included). */
export function copyIdsOf(world: World, ownerId: number, record: MessageRecord | undefined): Map<number, number> {
  const ids = new Map<number, number>();
  if (!record) return ids;
  ids.set(ownerId, record.id);
  if (record.globalKey === undefined) return ids;
  for (const copy of world.messageLedger.copies.get(record.globalKey) ?? []) ids.set(copy.ownerId, copy.id);
  return ids;
}

/** Take a copy out of its owner's box, its chat's index and the ledger (no update is logged). */
export function removeCopy(world: World, ownerId: number, record: MessageRecord): void {
  const box = world.boxOf(ownerId);
  box.messages.delete(record.id);
  indexRemove(box, record);
  if (record.globalKey === undefined) return;
  const copies = world.messageLedger.copies;
  const rest = (copies.get(record.globalKey) ?? []).filter((c) => c.ownerId !== ownerId || c.id !== record.id);
  if (rest.length) copies.set(record.globalKey, rest);
  else copies.delete(record.globalKey);
}
