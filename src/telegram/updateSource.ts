/**
 * The boundary's side of the update intake (updates/intake.ts) over a connected GramJS client: the update
 * containers its connection receives, the updates carried by the results of the account's own calls (a
 * sent message's pts, affected messages), connection changes, and reading raw messages into the runtime's
 * Message with the peers they mention noted.
 */
import { Api, type TelegramClient, utils } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { expandSentMessage } from "../updates/classify.js";
import type { IntakeSource, UpdateListener } from "../updates/intake.js";
import { type ConversionContext, fieldsOfMessage, toMessage } from "./convert.js";
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
      const stopObserving = onCallResult(client, (request, result) => takeResult(listener, request, result, context.selfId));
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
  };
}

/** Update containers' constructor ids (crc32 of "Updates"): what a call may return instead of a plain result. */
const UPDATES_SUBCLASS = 0x8af52aac;

/** The result of one of the account's calls, when it carries updates or moves a pts (affected messages). */
function takeResult(listener: UpdateListener, request: Api.AnyRequest, result: unknown, selfId: string): void {
  if (result instanceof Api.UpdateShortSentMessage) {
    const peer = peerOfRequest(request, selfId);
    if (peer === undefined) return;
    const text = "message" in request && typeof request.message === "string" ? request.message : "";
    listener.updates(new Api.UpdateShort({ update: expandSentMessage(result, peer, selfId, text), date: result.date }), "result");
  } else if ((result as { SUBCLASS_OF_ID?: number } | null)?.SUBCLASS_OF_ID === UPDATES_SUBCLASS) {
    listener.updates(result as Api.TypeUpdates, "result");
  } else if (
    result instanceof Api.messages.AffectedMessages ||
    result instanceof Api.messages.AffectedHistory ||
    result instanceof Api.messages.AffectedFoundMessages
  ) {
    const update =
      request instanceof Api.channels.DeleteMessages && request.channel instanceof Api.InputChannel
        ? new Api.UpdateDeleteChannelMessages({ channelId: request.channel.channelId, messages: [], pts: result.pts, ptsCount: result.ptsCount })
        : new Api.UpdateDeleteMessages({ messages: [], pts: result.pts, ptsCount: result.ptsCount });
    listener.updates(new Api.UpdateShort({ update, date: 0 }), "result");
  }
}

/** The chat a send call went to, as a Peer. */
function peerOfRequest(request: Api.AnyRequest, selfId: string): Api.TypePeer | undefined {
  const input = "peer" in request ? (request.peer as unknown) : undefined;
  if (input instanceof Api.InputPeerSelf) return new Api.PeerUser({ userId: returnBigInt(selfId) });
  if (input instanceof Api.InputPeerUser || input instanceof Api.InputPeerChat || input instanceof Api.InputPeerChannel) return utils.getPeer(input);
  return undefined;
}
