/**
 * The boundary's side of the update intake (updates/intake.ts) over a connected GramJS client: the update
 * containers its connection receives, the updates carried by the results of the account's own calls (a
 * sent message's pts, affected messages), connection changes, and reading raw messages into the runtime's
 * Message with the peers they mention noted.
 */
import { Api, type TelegramClient, utils } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { expandSentMessage } from "../updates/classify.js";
import type { IntakeSource } from "../updates/intake.js";
import { type ConversionContext, fieldsOfMessage, toMessage } from "./convert.js";
import { eventOf } from "./events.js";
import { connectionStateOf, onCallResult, onUpdatesReceived } from "./internals.js";

/** The intake's source for a connected client, as the account of `context`. */
export function gramjsUpdateSource(client: TelegramClient, context: ConversionContext): IntakeSource {
  return {
    selfId: context.selfId,
    mode: context.mode,
    api: client,
    subscribe(listener) {
      const stopTaking = onUpdatesReceived(client, (received) => {
        const state = connectionStateOf(received);
        if (state !== undefined) listener.connection(state);
        else listener.updates(received as Api.TypeUpdates, "push");
      });
      const stopObserving = onCallResult(client, (request, result) => {
        const updates = updatesOfResult(request, result, context.selfId);
        if (updates !== undefined) listener.updates(updates, "result");
      });
      return () => {
        stopTaking();
        stopObserving();
      };
    },
    noteEntities: (entities) => context.directory.note(entities),
    readMessage(message, catchUp) {
      if (message.fromId instanceof Api.PeerUser && !(message.peerId instanceof Api.PeerChannel))
        context.directory.noteMention(message.fromId.userId.toString(), message.id);
      return toMessage(fieldsOfMessage(message), context, catchUp);
    },
    readEvent: (update, catchUp, chatId) => eventOf(update, context, catchUp, chatId),
  };
}

/** Update containers' constructor ids (crc32 of "Updates"): what a call may return instead of a plain result. */
const UPDATES_SUBCLASS = 0x8af52aac;

/**
 * The updates a call's result stands for: a sent message's short form expanded, an update container as is,
 * and affected messages / history as a pts-only deletion in the box they moved. A call on a supergroup or
 * channel (channels.deleteMessages, channels.deleteParticipantHistory, messages.readMentions,
 * unpinAllMessages, readReactions or deleteHistory on an InputPeerChannel) moves that channel's pts, not the
 * account's (core.telegram.org/api/updates: a channel has its own pts; TDLib applies affected history to
 * the channel's sequence for a channel dialog); charged to the common box, it would shadow a private
 * message's pts and open a gap that no difference fills.
 */
export function updatesOfResult(request: Api.AnyRequest, result: unknown, selfId: string): Api.TypeUpdates | undefined {
  if (result instanceof Api.UpdateShortSentMessage) {
    const peer = peerOfRequest(request, selfId);
    if (peer === undefined) return undefined;
    const text = "message" in request && typeof request.message === "string" ? request.message : "";
    return new Api.UpdateShort({ update: expandSentMessage(result, peer, selfId, text), date: result.date });
  }
  if ((result as { SUBCLASS_OF_ID?: number } | null)?.SUBCLASS_OF_ID === UPDATES_SUBCLASS) return result as Api.TypeUpdates;
  if (
    result instanceof Api.messages.AffectedMessages ||
    result instanceof Api.messages.AffectedHistory ||
    result instanceof Api.messages.AffectedFoundMessages
  ) {
    const channelId = channelOfRequest(request);
    const update =
      channelId === undefined
        ? new Api.UpdateDeleteMessages({ messages: [], pts: result.pts, ptsCount: result.ptsCount })
        : new Api.UpdateDeleteChannelMessages({ channelId, messages: [], pts: result.pts, ptsCount: result.ptsCount });
    return new Api.UpdateShort({ update, date: 0 });
  }
  return undefined;
}

/** The supergroup or channel a call acts on (its `channel`, or a `peer` that is one), if any. */
function channelOfRequest(request: Api.AnyRequest): Api.long | undefined {
  const channel = "channel" in request ? (request.channel as unknown) : undefined;
  if (channel instanceof Api.InputChannel || channel instanceof Api.InputChannelFromMessage) return channel.channelId;
  const peer = "peer" in request ? (request.peer as unknown) : undefined;
  if (peer instanceof Api.InputPeerChannel || peer instanceof Api.InputPeerChannelFromMessage) return peer.channelId;
  return undefined;
}

/** The chat a send call went to, as a Peer. */
function peerOfRequest(request: Api.AnyRequest, selfId: string): Api.TypePeer | undefined {
  const input = "peer" in request ? (request.peer as unknown) : undefined;
  if (input instanceof Api.InputPeerSelf) return new Api.PeerUser({ userId: returnBigInt(selfId) });
  if (input instanceof Api.InputPeerUser || input instanceof Api.InputPeerChat || input instanceof Api.InputPeerChannel) return utils.getPeer(input);
  return undefined;
}
