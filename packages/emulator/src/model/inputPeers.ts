/**
 * Resolution of the InputUser, InputPeer and InputChannel a client sends back, with the access hash the
 * viewer was given checked, and Telegram's errors for wrong ids and hashes.
 */
import { Api } from "telegram";
import { canSeeChannel } from "./chats.js";
import { badRequest, notAcceptable } from "./errors.js";
import { bigintOf, fromLong } from "./longs.js";
import type { ChatRecord, PeerRef, UserRecord } from "./records.js";
import type { World } from "./world.js";

/** The user `input` names, after checking the access hash `viewerId` was given for it. */
export function resolveInputUser(
  world: World,
  viewerId: number,
  input: Api.TypeInputUser | Api.TypeInputPeer,
  errorName: string = input.className.startsWith("InputPeer") ? "PEER_ID_INVALID" : "USER_ID_INVALID",
): UserRecord {
  const found = findInputUser(world, viewerId, input);
  if (!found) throw badRequest(errorName);
  return found;
}

function findInputUser(world: World, viewerId: number, input: Api.TypeInputUser | Api.TypeInputPeer): UserRecord | undefined {
  if (input instanceof Api.InputUserSelf || input instanceof Api.InputPeerSelf) return world.users.get(viewerId);
  if (input instanceof Api.InputUser || input instanceof Api.InputPeerUser) {
    const id = fromLong(input.userId);
    const user = world.users.get(id);
    if (!user || !world.checkAccessHash(viewerId, "user", id, bigintOf(input.accessHash))) return undefined;
    return user;
  }
  if (input instanceof Api.InputUserFromMessage || input instanceof Api.InputPeerUserFromMessage) {
    const id = fromLong(input.userId);
    const user = world.users.get(id);
    if (!user) return undefined;
    const chat = resolveInputPeer(world, viewerId, input.peer);
    const box = chat.type === "channel" ? world.chats.get(chat.id)?.box : world.users.get(viewerId)?.box;
    const seen = box?.messages.get(input.msgId);
    return seen && seen.fromId === id ? user : undefined;
  }
  return undefined;
}

/**
 * The chat `input` names from `viewerId`'s side: the viewer, a user (hash checked), a basic group
 * the viewer belongs or belonged to, or a channel (resolveChannel below).
 */
export function resolveInputPeer(world: World, viewerId: number, input: Api.TypeInputPeer): PeerRef {
  if (input instanceof Api.InputPeerChat) {
    const id = fromLong(input.chatId);
    const chat = world.chats.get(id);
    if (chat?.kind !== "group" || !chat.participants.has(viewerId)) throw badRequest("PEER_ID_INVALID");
    return { type: "chat", id };
  }
  if (input instanceof Api.InputPeerChannel || input instanceof Api.InputPeerChannelFromMessage) {
    return { type: "channel", id: resolveChannel(world, viewerId, input).id };
  }
  return { type: "user", id: resolveInputUser(world, viewerId, input, "PEER_ID_INVALID").id };
}

/**
 * The megagroup/channel an InputChannel or InputPeer names, checking only the id and the viewer's
 * access hash (CHANNEL_INVALID); min constructors (…FromMessage) are taken by id.
 */
export function lookupChannel(world: World, viewerId: number, input: Api.TypeInputChannel | Api.TypeInputPeer): ChatRecord {
  let id: number;
  let hash: bigint | undefined;
  if (input instanceof Api.InputChannel || input instanceof Api.InputPeerChannel) {
    id = fromLong(input.channelId);
    hash = BigInt(String(input.accessHash));
  } else if (input instanceof Api.InputChannelFromMessage || input instanceof Api.InputPeerChannelFromMessage) {
    id = fromLong(input.channelId);
  } else {
    throw badRequest("CHANNEL_INVALID");
  }
  const chat = world.chats.get(id);
  if (!chat || chat.kind === "group") throw badRequest("CHANNEL_INVALID");
  if (hash !== undefined && !world.checkAccessHash(viewerId, "channel", id, hash)) throw badRequest("CHANNEL_INVALID");
  return chat;
}

/**
 * The megagroup/channel named by input, which viewerId must be able to see: CHANNEL_INVALID for
 * a wrong id or hash, CHANNEL_PRIVATE when banned or when it is private and they are not in it.
 */
export function resolveChannel(world: World, viewerId: number, input: Api.TypeInputChannel | Api.TypeInputPeer): ChatRecord {
  const chat = lookupChannel(world, viewerId, input);
  if (!canSeeChannel(world, chat, viewerId)) throw notAcceptable("CHANNEL_PRIVATE");
  return chat;
}
