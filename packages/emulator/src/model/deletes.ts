/**
 * Deleting messages: from an account's common box (with revoke, every other copy too), each box
 * logging one updateDeleteMessages; from a megagroup or channel box, with updateDeleteChannelMessages
 * to every connected member. Deleting a chat's whole history (messages.deleteHistory) or one member's
 * messages in a megagroup (channels.deleteParticipantHistory) goes in batches: messages.affectedHistory
 * with a positive `offset` asks the client to call again for the rest.
 */
import { Api } from "telegram";
import { type AffectedHistory, advancePts, channelBox } from "./box.js";
import { chatMessageIds } from "./boxIndex.js";
import { holdsAdminRight, isAdminRole, isMemberRole, participantOf } from "./chats.js";
import { copiesOf, removeCopy } from "./copies.js";
import { type DeliveryOptions, pushToMembers } from "./delivery.js";
import { badRequest, forbidden } from "./errors.js";
import { toLong } from "./longs.js";
import { wrapUpdates } from "./peerSet.js";
import type { ChatRecord, MessageRecord, PeerRef } from "./records.js";
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
  for (const unread of chat.unreadMentions?.values() ?? []) for (const id of existing) unread.delete(id);
  const { update } = advancePts(
    box,
    existing.length,
    world.now(),
    (pts) => new Api.UpdateDeleteChannelMessages({ channelId: toLong(chat.id), messages: existing, pts, ptsCount: existing.length }),
  );
  pushToMembers(world, chat, () => [update], [], actorId, opts);
  return { pts: box.pts, ptsCount: existing.length };
}

/**
 * Most messages one history-wide deletion removes before answering a positive offset. Telegram does not
 * document its batch; a bounded one makes the client follow `offset` as the method pages require.
 */
export const HISTORY_BATCH = 100;

/** The first HISTORY_BATCH of `ids` deleted by `remove`, and how many are left for the next call. */
function inBatches(ids: readonly number[], remove: (batch: number[]) => { pts: number; ptsCount: number }): AffectedHistory {
  const { pts, ptsCount } = remove(ids.slice(0, HISTORY_BATCH));
  return { pts, ptsCount, offset: Math.max(0, ids.length - HISTORY_BATCH) };
}

/**
 * messages.deleteHistory (core.telegram.org/method/messages.deleteHistory) on a megagroup or channel:
 * its messages up to maxId (0: all) deleted for everyone, by the creator or an admin with delete_messages
 * (CHAT_ADMIN_REQUIRED otherwise); min_date / max_date answer CHAT_REVOKE_DATE_UNSUPPORTED ("not available
 * for using with non-user peers"). The affected history is the channel box's.
 */
export function deleteChannelHistory(
  world: World,
  chat: ChatRecord,
  actorId: number,
  maxId: number,
  dated: boolean,
  opts: DeliveryOptions = {},
): AffectedHistory {
  if (dated) throw badRequest("CHAT_REVOKE_DATE_UNSUPPORTED");
  if (!holdsAdminRight(participantOf(world, chat, actorId), "deleteMessages")) throw badRequest("CHAT_ADMIN_REQUIRED");
  const ids = [...channelBox(chat).messages.keys()].filter((id) => maxId <= 0 || id <= maxId).sort((a, b) => a - b);
  return inBatches(ids, (batch) => deleteChannelMessages(world, chat, actorId, batch, opts));
}

/**
 * messages.deleteHistory on a private chat or basic group: the account's copies up to maxId (0: all)
 * deleted, and with `revoke` in a private chat the other side's too (a basic group's history is cleared
 * for the caller only). The affected history is the caller's common box's.
 */
export function deleteCommonHistory(world: World, userId: number, peer: PeerRef, maxId: number, revoke: boolean, opts: DeliveryOptions = {}): AffectedHistory {
  const ids = chatMessageIds(world.boxOf(userId), peer).filter((id) => maxId <= 0 || id <= maxId);
  return inBatches(ids, (batch) => deleteMessages(world, userId, batch, revoke && peer.type === "user", opts));
}

/**
 * channels.deleteParticipantHistory (core.telegram.org/method/channels.deleteParticipantHistory): every
 * message one member sent in a megagroup deleted, by the creator or an admin with delete_messages
 * (CHAT_ADMIN_REQUIRED otherwise); a broadcast channel is CHANNEL_INVALID ("Supergroup"). The affected
 * history is the megagroup box's.
 */
export function deleteParticipantHistory(world: World, chat: ChatRecord, actorId: number, participantId: number, opts: DeliveryOptions = {}): AffectedHistory {
  if (chat.kind !== "megagroup") throw badRequest("CHANNEL_INVALID");
  if (!holdsAdminRight(participantOf(world, chat, actorId), "deleteMessages")) throw badRequest("CHAT_ADMIN_REQUIRED");
  const ids = [...channelBox(chat).messages.values()]
    .filter((record) => record.fromId === participantId)
    .map((record) => record.id)
    .sort((a, b) => a - b);
  return inBatches(ids, (batch) => deleteChannelMessages(world, chat, actorId, batch, opts));
}
