/**
 * What an update is to the update state, pure: which counter it moves (the common box's pts, a channel's
 * pts, qts, or none), and the new message it carries. Short updates (updateShortMessage,
 * updateShortChatMessage, updateShortSentMessage) are turned into the updateNewMessage they abbreviate, so
 * everything after this sees one shape.
 */
import { Api, utils } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";

/** The counter an update moves. */
export type Counter =
  | { readonly kind: "pts"; readonly box: "common"; readonly pts: number; readonly ptsCount: number }
  | { readonly kind: "pts"; readonly box: "channel"; readonly chatId: string; readonly pts: number; readonly ptsCount: number }
  | { readonly kind: "qts"; readonly qts: number }
  | { readonly kind: "none" };

/** A new message update as handlers get it. */
export type NewMessageUpdate = (Api.UpdateNewMessage | Api.UpdateNewChannelMessage) & { message: Api.Message };

/** The fields some update constructors share, read without knowing the constructor. */
interface CounterFields {
  readonly pts?: unknown;
  readonly ptsCount?: unknown;
  readonly qts?: unknown;
  readonly channelId?: unknown;
  readonly message?: unknown;
}

const NONE: Counter = { kind: "none" };

/** The marked id of a channel (-100 followed by its id). */
export function channelChatId(channelId: Api.long): string {
  return utils.getPeerId(new Api.PeerChannel({ channelId }));
}

/** The bare channel id of a marked one (-1001234 → 1234). */
export function bareChannelId(chatId: string): Api.long {
  return returnBigInt(chatId.slice(4));
}

/** Which counter an update moves: pts with pts_count (channel updates by their channel), qts (from 1), or none. */
export function counterOf(update: Api.TypeUpdate): Counter {
  const fields = update as CounterFields;
  if (typeof fields.pts === "number" && typeof fields.ptsCount === "number") {
    const chatId = channelOfFields(fields);
    if (chatId !== undefined) return { kind: "pts", box: "channel", chatId, pts: fields.pts, ptsCount: fields.ptsCount };
    return { kind: "pts", box: "common", pts: fields.pts, ptsCount: fields.ptsCount };
  }
  // qts numbering starts at 1: a qts of 0 comes from a server that does not number these updates, applied unordered.
  if (typeof fields.qts === "number" && fields.qts > 0) return { kind: "qts", qts: fields.qts };
  return NONE;
}

/** The channel (marked id) an update is about: its channel_id, or its message's channel. */
function channelOfFields(fields: CounterFields): string | undefined {
  if (fields.channelId !== undefined && fields.channelId !== null) return channelChatId(fields.channelId as Api.long);
  const message = fields.message;
  if (message instanceof Api.Message || message instanceof Api.MessageService || message instanceof Api.MessageEmpty) {
    if (message.peerId instanceof Api.PeerChannel) return channelChatId(message.peerId.channelId);
  }
  return undefined;
}

/** The update as a new message to handle, when it is one (service messages and empty ones are not). */
export function newMessageOf(update: Api.TypeUpdate): NewMessageUpdate | undefined {
  if (!(update instanceof Api.UpdateNewMessage || update instanceof Api.UpdateNewChannelMessage)) return undefined;
  return update.message instanceof Api.Message ? (update as NewMessageUpdate) : undefined;
}

/** The marked chat id of a message. */
export function chatIdOf(message: Api.Message): string {
  return utils.getPeerId(message.peerId);
}

/** A message as the new-message update a difference or history answer stands for (no counter of its own). */
export function asNewMessage(message: Api.TypeMessage): Api.UpdateNewMessage | Api.UpdateNewChannelMessage {
  const inChannel = !(message instanceof Api.MessageEmpty) && message.peerId instanceof Api.PeerChannel;
  return inChannel ? new Api.UpdateNewChannelMessage({ message, pts: 0, ptsCount: 0 }) : new Api.UpdateNewMessage({ message, pts: 0, ptsCount: 0 });
}

/** updateShortMessage / updateShortChatMessage as the updateNewMessage they abbreviate. */
export function expandShortMessage(update: Api.UpdateShortMessage | Api.UpdateShortChatMessage, selfId: string): Api.UpdateNewMessage {
  const out = update.out === true;
  const peerId = update instanceof Api.UpdateShortMessage ? new Api.PeerUser({ userId: update.userId }) : new Api.PeerChat({ chatId: update.chatId });
  const fromId =
    update instanceof Api.UpdateShortMessage
      ? new Api.PeerUser({ userId: out ? returnBigInt(selfId) : update.userId })
      : new Api.PeerUser({ userId: update.fromId });
  const message = new Api.Message({
    id: update.id,
    peerId,
    fromId,
    out: update.out,
    mentioned: update.mentioned,
    mediaUnread: update.mediaUnread,
    silent: update.silent,
    date: update.date,
    message: update.message,
    fwdFrom: update.fwdFrom,
    viaBotId: update.viaBotId,
    replyTo: update.replyTo,
    entities: update.entities,
    ttlPeriod: update.ttlPeriod,
  });
  return new Api.UpdateNewMessage({ message, pts: update.pts, ptsCount: update.ptsCount });
}

/** updateShortSentMessage (the answer to sending into `peer`) as the updateNewMessage it abbreviates. */
export function expandSentMessage(update: Api.UpdateShortSentMessage, peer: Api.TypePeer, selfId: string, text: string): Api.UpdateNewMessage {
  const message = new Api.Message({
    id: update.id,
    peerId: peer,
    fromId: new Api.PeerUser({ userId: returnBigInt(selfId) }),
    out: true,
    date: update.date,
    message: text,
    media: update.media,
    entities: update.entities,
    ttlPeriod: update.ttlPeriod,
  });
  return new Api.UpdateNewMessage({ message, pts: update.pts, ptsCount: update.ptsCount });
}
