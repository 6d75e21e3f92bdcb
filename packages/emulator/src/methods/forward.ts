/**
 * messages.forwardMessages (core.telegram.org/method/messages.forwardMessages): copies of messages of one
 * chat posted into another, each with its own random_id, carrying a fwd_from header naming the origin
 * (core.telegram.org/constructor/messageFwdHeader) unless drop_author is set. Errors as that page lists them:
 * MESSAGE_IDS_EMPTY, MESSAGE_ID_INVALID (a message that is not there, or a service message), RANDOM_ID_INVALID
 * (not one random_id per message), RANDOM_ID_DUPLICATE (a random_id already used, as sending answers it).
 * At most 100 messages at once (the TDLib and mtcute references give the same limit).
 */
import { Api } from "telegram";
import { channelBox } from "../model/box.js";
import { senderUpdates } from "../model/channelPosts.js";
import { badRequest, RpcError } from "../model/errors.js";
import { resolveInputPeer } from "../model/inputPeers.js";
import { toLong } from "../model/longs.js";
import { peerKey, peerOf } from "../model/peerRefs.js";
import { wrapUpdates } from "../model/peerSet.js";
import type { MessageRecord, PeerRef } from "../model/records.js";
import { postMessage, randomIdUsed, rememberRandomId } from "../model/sending.js";
import type { World } from "../model/world.js";
import type { CallContext, MethodTable } from "../rpc/context.js";

/** Most messages one forwardMessages call takes. */
const FORWARD_MAX = 100;

/** The viewer's stored message `id` of chat `peer`, or MESSAGE_ID_INVALID. */
function sourceMessage(world: World, viewerId: number, peer: PeerRef, id: number): MessageRecord {
  const box = peer.type === "channel" ? channelBox(world.chats.get(peer.id) ?? missingChannel()) : world.boxOf(viewerId);
  const record = box.messages.get(id);
  if (!record || peerKey(record.peer) !== peerKey(peer) || record.action) throw badRequest("MESSAGE_ID_INVALID");
  return record;
}

function missingChannel(): never {
  throw badRequest("CHANNEL_INVALID");
}

/**
 * The header a forward carries: a forward of a forward keeps the first origin; a broadcast channel's post
 * names the channel and its post id; any other message names its sender.
 */
function headerOf(world: World, record: MessageRecord): Api.MessageFwdHeader {
  if (record.fwdFrom) return record.fwdFrom;
  const channel = record.peer.type === "channel" ? world.chats.get(record.peer.id) : undefined;
  if (channel?.kind === "channel") return new Api.MessageFwdHeader({ fromId: peerOf(record.peer), channelPost: record.id, date: record.date });
  return new Api.MessageFwdHeader({ fromId: new Api.PeerUser({ userId: toLong(record.fromId) }), date: record.date });
}

function forwardMessages(request: Api.messages.ForwardMessages, ctx: CallContext): Api.Updates {
  const user = ctx.requireUser();
  const world = ctx.world;
  const from = resolveInputPeer(world, user.id, request.fromPeer as Api.TypeInputPeer);
  const to = resolveInputPeer(world, user.id, request.toPeer as Api.TypeInputPeer);
  const ids = request.id ?? [];
  const randomIds = (request.randomId ?? []).map(String);
  if (ids.length === 0) throw badRequest("MESSAGE_IDS_EMPTY");
  if (ids.length > FORWARD_MAX || randomIds.length !== ids.length || new Set(randomIds).size !== randomIds.length) throw badRequest("RANDOM_ID_INVALID");
  if (randomIds.some((randomId) => randomIdUsed(world, user.id, randomId))) throw new RpcError(500, "RANDOM_ID_DUPLICATE");
  const sources = ids.map((id) => sourceMessage(world, user.id, from, id));
  const updates: Api.TypeUpdate[] = [];
  sources.forEach((source, index) => {
    const record = postMessage(
      world,
      user.id,
      to,
      { text: source.text, entities: source.entities, media: source.media, fwdFrom: request.dropAuthor ? undefined : headerOf(world, source) },
      { exceptSessionKey: ctx.sessionKey },
    );
    rememberRandomId(world, user.id, randomIds[index]);
    updates.push(new Api.UpdateMessageID({ id: record.id, randomId: request.randomId![index] }));
    if (to.type === "channel") updates.push(...senderUpdates(world, world.chats.get(to.id)!, record).updates);
    else if (record.announcement) updates.push(record.announcement);
  });
  return wrapUpdates(world, user.id, updates);
}

/** Handlers for forwarding, keyed by GramJS request name (pinning is in messages.ts, over model/pins.ts). */
export const forwardMethods: MethodTable = {
  "messages.ForwardMessages": forwardMessages,
};
