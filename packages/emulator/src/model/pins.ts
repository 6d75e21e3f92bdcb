/**
 * Pinning (core.telegram.org/method/messages.updatePinnedMessage): a message is pinned or unpinned in its
 * chat; each box that holds it logs updatePinnedMessages (private chats and basic groups, every copy unless
 * pm_oneside) or updatePinnedChannelMessages (megagroups and channels), with its pts; pinning (not
 * unpinning, not one-sided) posts a messageActionPinMessage service message replying to it. Errors as that
 * page lists them: CHAT_ADMIN_REQUIRED (a megagroup or channel member without the pin_messages right;
 * stricter than Telegram where a megagroup's default rights let members pin), CHANNEL_PRIVATE,
 * MESSAGE_ID_INVALID, BOT_ONESIDE_NOT_AVAIL.
 */
import { Api } from "telegram";
import { advancePts, channelBox } from "./box.js";
import { senderUpdates } from "./channelPosts.js";
import { holdsAdminRight, isMemberRole, participantOf } from "./chats.js";
import { copyIdsOf } from "./copies.js";
import { type DeliveryOptions, pushToMembers } from "./delivery.js";
import { badRequest } from "./errors.js";
import { toLong } from "./longs.js";
import { peerKey, peerOf } from "./peerRefs.js";
import { wrapUpdates } from "./peerSet.js";
import type { MessageRecord, PeerRef } from "./records.js";
import { postMessage } from "./sending.js";
import type { World } from "./world.js";

/** How to pin. */
export interface PinFlags {
  readonly unpin?: boolean;
  readonly pmOneside?: boolean;
}

/** Pins or unpins message `id` of `peer` as `userId`; returns the updates of the caller's own boxes, and the service message if one was posted. */
export function pinMessage(world: World, userId: number, peer: PeerRef, id: number, flags: PinFlags, opts: DeliveryOptions = {}): Api.TypeUpdate[] {
  const pinned = !flags.unpin;
  const mine: Api.TypeUpdate[] = [];
  if (peer.type === "channel") {
    const chat = world.chats.get(peer.id);
    if (!chat) throw badRequest("CHANNEL_INVALID");
    const p = participantOf(world, chat, userId);
    if (!isMemberRole(p?.role)) throw badRequest("CHANNEL_PRIVATE");
    if (!holdsAdminRight(p, "pinMessages")) throw badRequest("CHAT_ADMIN_REQUIRED");
    const box = channelBox(chat);
    const record = box.messages.get(id);
    if (!record || record.action) throw badRequest("MESSAGE_ID_INVALID");
    record.pinned = pinned || undefined;
    const { update } = advancePts(
      box,
      1,
      world.now(),
      (pts) => new Api.UpdatePinnedChannelMessages({ channelId: toLong(chat.id), messages: [id], pts, ptsCount: 1, pinned: pinned || undefined }),
    );
    pushToMembers(world, chat, () => [update], [], userId, opts);
    mine.push(update);
  } else {
    if (flags.pmOneside && world.users.get(userId)?.bot) throw badRequest("BOT_ONESIDE_NOT_AVAIL");
    const record = world.boxOf(userId).messages.get(id);
    if (!record || record.action || peerKey(record.peer) !== peerKey(peer)) throw badRequest("MESSAGE_ID_INVALID");
    const copies = flags.pmOneside ? new Map([[userId, id]]) : copyIdsOf(world, userId, record);
    for (const [ownerId, copyId] of copies) {
      const box = world.boxOf(ownerId);
      const copy: MessageRecord | undefined = box.messages.get(copyId);
      if (!copy) continue;
      copy.pinned = pinned || undefined;
      const { update } = advancePts(
        box,
        1,
        world.now(),
        (pts) => new Api.UpdatePinnedMessages({ peer: peerOf(copy.peer), messages: [copyId], pts, ptsCount: 1, pinned: pinned || undefined }),
      );
      if (ownerId === userId) mine.push(update);
      if (world.onlineUsers().has(ownerId)) world.push(ownerId, wrapUpdates(world, ownerId, [update]), ownerId === userId ? opts.exceptSessionKey : undefined);
    }
  }
  if (pinned && !flags.pmOneside) {
    const service = postMessage(world, userId, peer, { action: new Api.MessageActionPinMessage(), replyToId: id }, opts);
    if (service.announcement) mine.push(service.announcement);
    else if (peer.type === "channel") mine.push(...senderUpdates(world, world.chats.get(peer.id)!, service).updates);
  }
  return mine;
}
