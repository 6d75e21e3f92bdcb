/**
 * A common box's message ids grouped by chat (MessageBox.peerIndex): what history windows, unread
 * counts and dialogs read instead of scanning the whole box. Kept up to date by the copies module as it
 * stores and removes copies, and rebuilt whenever messages were added to the box without it.
 */
import { peerKey } from "./peerRefs.js";
import type { MessageBox, MessageRecord, PeerIndex, PeerRef } from "./records.js";
import type { World } from "./world.js";

/** The box's ids grouped by chat; rebuilt when messages were added behind this module's back. */
export function peerIndex(box: MessageBox): PeerIndex {
  const cached = box.peerIndex;
  if (cached && cached.lastMessageId === box.lastMessageId) return cached;
  const index: PeerIndex = { lastMessageId: box.lastMessageId, byPeer: new Map() };
  for (const record of box.messages.values()) indexInsert(index, record);
  box.peerIndex = index;
  return index;
}

/** Add a message the box just stored (its id is the box's highest). */
export function indexInsert(index: PeerIndex, record: MessageRecord): void {
  const key = peerKey(record.peer);
  let entry = index.byPeer.get(key);
  if (!entry) {
    entry = { peer: record.peer, ids: [] };
    index.byPeer.set(key, entry);
  }
  entry.ids.push(record.id);
}

/** Forget a message the box no longer holds. */
export function indexRemove(box: MessageBox, record: MessageRecord): void {
  const ids = box.peerIndex?.byPeer.get(peerKey(record.peer))?.ids;
  if (!ids) return;
  const i = lowerBound(ids, record.id);
  if (ids[i] === record.id) ids.splice(i, 1);
}

/** First index in ascending `ids` whose value is >= id. */
export function lowerBound(ids: number[], id: number): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ids[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Ascending ids of the messages of one chat in a box. */
export function chatMessageIds(box: MessageBox, peer: PeerRef): number[] {
  return peerIndex(box).byPeer.get(peerKey(peer))?.ids ?? [];
}

/** Whether any message between an account and a chat is in the account's box. */
export function hasHistory(world: World, ownerId: number, peer: PeerRef): boolean {
  return chatMessageIds(world.boxOf(ownerId), peer).length > 0;
}
