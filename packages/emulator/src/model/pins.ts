/**
 * Pinned messages (core.telegram.org/api/pin): messages.updatePinnedMessage pins or unpins one message,
 * messages.unpinAllMessages unpins every pinned message of a chat and answers messages.affectedHistory
 * (core.telegram.org/method/messages.unpinAllMessages). Each is an event of the box it acts on: in a
 * megagroup or channel, updatePinnedChannelMessages in the chat's box, pushed to every online member; in a
 * private chat or basic group, updatePinnedMessages in the common box of every account holding a copy (a
 * private chat's pin with pm_oneside only in the pinner's). The affected history's pts is that box's.
 *
 * Pinning (not unpinning, not one-sided) posts a messageActionPinMessage service message replying to the
 * pinned one. Errors as the method's page lists them: CHANNEL_PRIVATE (not a member), CHAT_ADMIN_REQUIRED,
 * MESSAGE_ID_INVALID (also for a service message), BOT_ONESIDE_NOT_AVAIL (a bot pinning for itself only).
 *
 * Not modelled: pinning by members whose default rights allow it (in megagroups and channels only the
 * creator and admins with pin_messages pin here, stricter than Telegram).
 */
import { Api } from "telegram";
import { type AffectedHistory, advancePts, channelBox } from "./box.js";
import { chatMessageIds } from "./boxIndex.js";
import { senderUpdates } from "./channelPosts.js";
import { holdsAdminRight, isMemberRole, participantOf } from "./chats.js";
import { copiesOf } from "./copies.js";
import { chatUpdates, type DeliveryOptions, pushToMembers } from "./delivery.js";
import { badRequest } from "./errors.js";
import { toLong } from "./longs.js";
import { peerOf } from "./peerRefs.js";
import { wrapUpdates } from "./peerSet.js";
import type { ChatRecord, MessageRecord, PeerRef } from "./records.js";
import { postMessage } from "./sending.js";
import type { World } from "./world.js";

/** CHAT_ADMIN_REQUIRED (400, as the methods' pages list it) unless userId is the creator or an admin with pin_messages. */
function checkCanPin(world: World, chat: ChatRecord, userId: number): void {
  if (!holdsAdminRight(participantOf(world, chat, userId), "pinMessages")) throw badRequest("CHAT_ADMIN_REQUIRED");
}

/** Logs updatePinnedChannelMessages for `ids` in the chat's box and pushes it to every online member; returns it. */
function publishPins(world: World, chat: ChatRecord, ids: number[], pinned: boolean, actorId: number, opts: DeliveryOptions): Api.UpdatePinnedChannelMessages {
  const { update } = advancePts(
    channelBox(chat),
    1,
    world.now(),
    (pts) => new Api.UpdatePinnedChannelMessages({ pinned: pinned || undefined, channelId: toLong(chat.id), messages: ids, pts, ptsCount: 1 }),
  );
  pushToMembers(world, chat, () => [update], [], actorId, opts);
  return update;
}

/**
 * Sets the pinned flag of copies, grouped by owner, with one updatePinnedMessages in each owner's common
 * box (pushed to them if online; the actor's calling session skipped). Returns the actor's update, if any.
 */
function pinCopies(
  world: World,
  actorId: number,
  copies: readonly { ownerId: number; record: MessageRecord }[],
  pinned: boolean,
  opts: DeliveryOptions,
): Api.UpdatePinnedMessages | undefined {
  const byOwner = new Map<number, MessageRecord[]>();
  for (const { ownerId, record } of copies) {
    if ((record.pinned === true) === pinned) continue;
    record.pinned = pinned || undefined;
    byOwner.set(ownerId, [...(byOwner.get(ownerId) ?? []), record]);
  }
  const online = world.onlineUsers();
  let own: Api.UpdatePinnedMessages | undefined;
  for (const [ownerId, records] of byOwner) {
    const { update } = advancePts(
      world.boxOf(ownerId),
      1,
      world.now(),
      (pts) =>
        new Api.UpdatePinnedMessages({
          pinned: pinned || undefined,
          peer: peerOf(records[0].peer),
          messages: records.map((record) => record.id),
          pts,
          ptsCount: 1,
        }),
    );
    if (ownerId === actorId) own = update;
    if (online.has(ownerId)) world.push(ownerId, wrapUpdates(world, ownerId, [update]), ownerId === actorId ? opts.exceptSessionKey : undefined);
  }
  return own;
}

/** Every copy of the given copies of userId's box, with their records (only userId's own with `oneSide`). */
function allCopies(world: World, userId: number, records: readonly MessageRecord[], oneSide: boolean): { ownerId: number; record: MessageRecord }[] {
  const found: { ownerId: number; record: MessageRecord }[] = [];
  for (const record of records) {
    if (oneSide) {
      found.push({ ownerId: userId, record });
      continue;
    }
    for (const copy of copiesOf(world, userId, record)) {
      const held = world.users.get(copy.ownerId)?.box?.messages.get(copy.id);
      if (held) found.push({ ownerId: copy.ownerId, record: held });
    }
  }
  return found;
}

/**
 * messages.updatePinnedMessage: pins (or with `unpin` unpins) one message. MESSAGE_ID_INVALID for a
 * message not in the chat. Returns the Updates the caller's call answers (empty when nothing changed).
 */
export function updatePinnedMessage(
  world: World,
  userId: number,
  peer: PeerRef,
  messageId: number,
  options: { unpin?: boolean; pmOneside?: boolean },
  opts: DeliveryOptions = {},
): Api.Updates {
  const pinned = options.unpin !== true;
  const oneSided = options.pmOneside === true && peer.type === "user";
  if (peer.type === "channel") {
    const chat = world.chats.get(peer.id)!;
    if (!isMemberRole(participantOf(world, chat, userId)?.role)) throw badRequest("CHANNEL_PRIVATE");
    checkCanPin(world, chat, userId);
    const record = channelBox(chat).messages.get(messageId);
    if (!record || record.action) throw badRequest("MESSAGE_ID_INVALID");
    if ((record.pinned === true) === pinned) return chatUpdates(world, userId, chat, [], []);
    record.pinned = pinned || undefined;
    const updates: Api.TypeUpdate[] = [publishPins(world, chat, [messageId], pinned, userId, opts)];
    if (pinned) updates.push(...senderUpdates(world, chat, postPinService(world, userId, peer, messageId, opts)).updates);
    return chatUpdates(world, userId, chat, updates, []);
  }
  if (oneSided && world.users.get(userId)?.bot) throw badRequest("BOT_ONESIDE_NOT_AVAIL");
  const box = world.boxOf(userId);
  const record = box.messages.get(messageId);
  if (!record || record.action || record.peer.type !== peer.type || record.peer.id !== peer.id) throw badRequest("MESSAGE_ID_INVALID");
  const own = pinCopies(world, userId, allCopies(world, userId, [record], oneSided), pinned, opts);
  const updates: Api.TypeUpdate[] = own ? [own] : [];
  if (own && pinned && !oneSided) {
    const service = postPinService(world, userId, peer, messageId, opts);
    if (service.announcement) updates.push(service.announcement);
  }
  return wrapUpdates(world, userId, updates);
}

/** The "pinned a message" service message, replying to the pinned one. */
function postPinService(world: World, userId: number, peer: PeerRef, messageId: number, opts: DeliveryOptions): MessageRecord {
  return postMessage(world, userId, peer, { action: new Api.MessageActionPinMessage(), replyToId: messageId }, opts);
}

/** messages.unpinAllMessages: every pinned message of the chat unpinned, one event in each box it touches. */
export function unpinAllMessages(world: World, userId: number, peer: PeerRef, opts: DeliveryOptions = {}): AffectedHistory {
  if (peer.type === "channel") {
    const chat = world.chats.get(peer.id)!;
    checkCanPin(world, chat, userId);
    const box = channelBox(chat);
    const ids = [...box.messages.values()].filter((record) => record.pinned).map((record) => record.id);
    if (ids.length === 0) return { pts: box.pts, ptsCount: 0, offset: 0 };
    for (const id of ids) box.messages.get(id)!.pinned = undefined;
    publishPins(world, chat, ids, false, userId, opts);
    return { pts: box.pts, ptsCount: 1, offset: 0 };
  }
  const box = world.boxOf(userId);
  const pinned = chatMessageIds(box, peer)
    .map((id) => box.messages.get(id)!)
    .filter((record) => record.pinned);
  const own = pinCopies(world, userId, allCopies(world, userId, pinned, false), false, opts);
  return { pts: box.pts, ptsCount: own ? 1 : 0, offset: 0 };
}
