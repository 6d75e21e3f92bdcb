/**
 * Deleting messages: from an account's common box (with revoke, every other copy too), each box
 * logging one updateDeleteMessages; from a megagroup or channel box, with updateDeleteChannelMessages
 * to every connected member.
 */
import { Api } from "telegram";
import { advancePts, channelBox } from "./box.js";
import { holdsAdminRight, isAdminRole, isMemberRole, participantOf } from "./chats.js";
import { copiesOf, removeCopy } from "./copies.js";
import { type DeliveryOptions, pushToMembers } from "./delivery.js";
import { forbidden } from "./errors.js";
import { toLong } from "./longs.js";
import { wrapUpdates } from "./peerSet.js";
import type { ChatRecord, MessageRecord } from "./records.js";
import type { World } from "./world.js";

/** Remove copies from one owner's box under one updateDeleteMessages; returns its pts. */
function removeFromBox(world: World, ownerId: number, candidates: number[], exceptSessionKey?: string): { pts: number; ptsCount: number } {
  const box = world.boxOf(ownerId);
  const ids = candidates.filter((id) => box.messages.has(id));
  for (const id of ids) removeCopy(world, ownerId, box.messages.get(id)!);
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
      for (const copy of copiesOf(world, userId, record)) {
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
