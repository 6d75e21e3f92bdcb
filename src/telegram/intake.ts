/**
 * Update intake: the update containers GramJS's connection receives and the results of the account's own
 * calls go through the update manager (pts / qts / seq rules, gap recovery, catch-up at start and after
 * every reconnect, exactly-once); what it applies comes out here in order: every update to `onUpdate`, and
 * each new message (private chats, groups, supergroups, channels; incoming and outgoing; user and bot
 * accounts) as the runtime's Message to `onMessage`, with `isCatchUp` set for caught-up ones. The dispatcher,
 * not GramJS, runs the handlers.
 */
import { Api, type TelegramClient, utils } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import type { Message } from "../handlers/message.js";
import { createLogger, type Logger } from "../log.js";
import { openDatabase } from "../store/database.js";
import { expandSentMessage } from "../updates/classify.js";
import { UpdateManager, type UpdateSink } from "../updates/manager.js";
import type { CatchUpOptions } from "../updates/options.js";
import { UpdateStateStore } from "../updates/stateStore.js";
import { type ConversionContext, fieldsOfMessage, toMessage } from "./convert.js";
import { type ConnectionState, connectionStateOf, onCallResult, onUpdatesReceived } from "./internals.js";

/** Where the intake hands what it receives. */
export interface IntakeOptions {
  readonly context: ConversionContext;
  /** Called for each new message, in order per chat; `handled` must be called once its handlers finished (it records the message as handled). */
  readonly onMessage: (message: Message, handled: () => void) => void;
  /** Called when GramJS reports the connection dropped or came back. */
  readonly onConnection?: (state: ConnectionState) => void;
  /** Called with every update applied, live or caught up (e.g. for an access layer watching participant changes). */
  readonly onUpdate?: (update: Api.TypeUpdate | Api.TypeUpdates) => void;
  /** Called with the users and chats that came with the updates about to be handed on (before them). */
  readonly onEntities?: (entities: readonly (Api.TypeUser | Api.TypeChat)[]) => void;
  /** Called when an update cannot be read (it is skipped; GramJS never sees the error). */
  readonly onError?: (error: unknown, update: string) => void;
  /** The session's update state (default: kept in memory, so every start is a first start). */
  readonly store?: UpdateStateStore;
  readonly catchUp?: CatchUpOptions;
  readonly log?: Logger;
  /** Resolves when the handlers can take more caught-up messages (the dispatcher's whenWritable). */
  readonly writable?: () => Promise<void>;
}

/** Counters of the intake. */
export interface IntakeStats {
  /** Messages handed on. */
  readonly received: number;
  /** Messages not handed on again (queued, running or handled already). */
  readonly duplicates: number;
  /** Caught-up messages older than CATCH_UP_MAX_AGE, not handed on. */
  readonly tooOld: number;
}

/** A running intake. */
export interface Intake {
  /** Resolves once the start's catch-up handed every missed message on. */
  readonly caughtUp: Promise<void>;
  /** Stops taking updates (idempotent). */
  stop(): void;
  stats(): IntakeStats;
}

/** Subscribes to the (connected) client's updates and starts handing new messages on, after catching up. */
export function startIntake(client: TelegramClient, options: IntakeOptions): Intake {
  const { context, onMessage } = options;
  const log = options.log ?? createLogger({ level: "silent" });
  const memory = options.store === undefined ? openDatabase(":memory:") : undefined;
  const store = options.store ?? new UpdateStateStore(memory!);
  const guarded = (what: string, work: () => void) => {
    try {
      work();
    } catch (error) {
      options.onError?.(error, what);
    }
  };
  const sink: UpdateSink = {
    entities: (entities) => {
      context.directory.note(entities);
      guarded("entities", () => options.onEntities?.(entities));
    },
    update: (update) => guarded(update.className, () => options.onUpdate?.(update)),
    message: ({ update, catchUp, handled }) =>
      guarded(update.className, () => {
        const message = update.message;
        if (message.fromId instanceof Api.PeerUser && !(message.peerId instanceof Api.PeerChannel))
          context.directory.noteMention(message.fromId.userId.toString(), message.id);
        onMessage(toMessage(fieldsOfMessage(message), context, catchUp), handled);
      }),
    writable: options.writable ?? (() => Promise.resolve()),
  };
  const manager = new UpdateManager({ api: client, store, sink, log, selfId: context.selfId, bot: context.mode === "bot", catchUp: options.catchUp });
  const stopTaking = onUpdatesReceived(client, (received) => {
    const state = connectionStateOf(received);
    if (state !== undefined) {
      options.onConnection?.(state);
      manager.connection(state);
      return;
    }
    const updates = received as Api.TypeUpdates;
    guarded(updates.className, () => manager.receive(updates, "push"));
  });
  const stopObserving = onCallResult(client, (request, result) => guarded(request.className, () => takeResult(manager, request, result, context.selfId)));
  const caughtUp = manager.start().catch((err: unknown) => log.error({ err }, "catching up failed"));
  let stopped = false;
  return {
    caughtUp,
    stop() {
      if (stopped) return;
      stopped = true;
      stopTaking();
      stopObserving();
      manager.stop();
      memory?.close();
    },
    stats: () => manager.stats(),
  };
}

/** Update containers' constructor ids (crc32 of "Updates"): what a call may return instead of a plain result. */
const UPDATES_SUBCLASS = 0x8af52aac;

/** The result of one of the account's calls, when it carries updates or moves a pts (affected messages). */
function takeResult(manager: UpdateManager, request: Api.AnyRequest, result: unknown, selfId: string): void {
  if (result instanceof Api.UpdateShortSentMessage) {
    const peer = peerOfRequest(request, selfId);
    if (peer === undefined) return;
    const text = "message" in request && typeof request.message === "string" ? request.message : "";
    manager.receive(new Api.UpdateShort({ update: expandSentMessage(result, peer, selfId, text), date: result.date }), "result");
  } else if ((result as { SUBCLASS_OF_ID?: number } | null)?.SUBCLASS_OF_ID === UPDATES_SUBCLASS) {
    manager.receive(result as Api.TypeUpdates, "result");
  } else if (
    result instanceof Api.messages.AffectedMessages ||
    result instanceof Api.messages.AffectedHistory ||
    result instanceof Api.messages.AffectedFoundMessages
  ) {
    const update =
      request instanceof Api.channels.DeleteMessages && request.channel instanceof Api.InputChannel
        ? new Api.UpdateDeleteChannelMessages({ channelId: request.channel.channelId, messages: [], pts: result.pts, ptsCount: result.ptsCount })
        : new Api.UpdateDeleteMessages({ messages: [], pts: result.pts, ptsCount: result.ptsCount });
    manager.receive(new Api.UpdateShort({ update, date: 0 }), "result");
  }
}

/** The chat a send call went to, as a Peer. */
function peerOfRequest(request: Api.AnyRequest, selfId: string): Api.TypePeer | undefined {
  const input = "peer" in request ? (request.peer as unknown) : undefined;
  if (input instanceof Api.InputPeerSelf) return new Api.PeerUser({ userId: returnBigInt(selfId) });
  if (input instanceof Api.InputPeerUser || input instanceof Api.InputPeerChat || input instanceof Api.InputPeerChannel) return utils.getPeer(input);
  return undefined;
}
