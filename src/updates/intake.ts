/**
 * Update intake: the update containers the connection receives and the updates carried by the account's
 * own call results go through the update manager (pts / qts / seq rules, gap recovery, catch-up at start
 * and after every reconnect, exactly-once); what it applies comes out here in order: every update to
 * `onUpdate`, and each new message (private chats, groups, supergroups, channels; incoming and outgoing;
 * user and bot accounts) as the runtime's Message to `onMessage`, with `isCatchUp` set for caught-up ones,
 * and each chat action, edit, deletion and participant change as a typed event to `onEvent`, exactly once.
 * The dispatcher, not GramJS, runs the handlers. Where the updates come from (GramJS's connection) and how
 * a raw message is read is the boundary's part: telegram/updateSource.ts.
 */
import type { Api } from "telegram";
import type { UpdateEvent } from "../handlers/events.js";
import type { Message } from "../handlers/message.js";
import { createLogger, type Logger } from "../log.js";
import { openDatabase } from "../store/database.js";
import type { UpdatesApi } from "./fetch.js";
import { UpdateManager, type UpdateSink, type UpdateSource } from "./manager.js";
import type { CatchUpOptions } from "./options.js";
import { UpdateStateStore } from "./stateStore.js";

/** The state of the connection to Telegram as the boundary reports it. */
export type ConnectionState = "connected" | "disconnected" | "broken";

/** What the intake hears from the boundary. */
export interface UpdateListener {
  /** An update container, "push"ed by the connection or the "result" of one of the account's calls. */
  updates(updates: Api.TypeUpdates, origin: UpdateSource): void;
  connection(state: ConnectionState): void;
}

/** The boundary's side of the intake: the account, its calls, its updates and how to read its messages. */
export interface IntakeSource {
  /** Marked id of the account. */
  readonly selfId: string;
  readonly mode: "user" | "bot";
  /** Where the differences are fetched. */
  readonly api: UpdatesApi;
  /** Starts hearing updates and connection changes; returns the function that stops. */
  subscribe(listener: UpdateListener): () => void;
  /** Notes the users and chats that came with updates, before the updates themselves are read. */
  noteEntities(entities: readonly (Api.TypeUser | Api.TypeChat)[]): void;
  /** The runtime's Message for a new message. */
  readMessage(message: Api.Message, catchUp: boolean): Message;
  /** The typed event of an update (telegram/events.ts); `chatId` names a common-box deletion's chat when known. */
  readEvent(update: Api.TypeUpdate, catchUp: boolean, chatId?: string): UpdateEvent | undefined;
}

/** Where the intake hands what it receives. */
export interface IntakeOptions {
  /** Called for each new message, in order per chat; `handled` must be called once its handlers finished (it records the message as handled). */
  readonly onMessage: (message: Message, handled: () => void) => void;
  /**
   * Called for each other update handlers get exactly once (a chat action, an edit, a deletion, a
   * participant change), in order with its chat's messages; `handled` must be called once its handlers
   * finished. Without it they are recorded as handled at once.
   */
  readonly onEvent?: (event: UpdateEvent, handled: () => void) => void;
  /** Called when the connection dropped or came back. */
  readonly onConnection?: (state: ConnectionState) => void;
  /** Called with every update applied, live or caught up (e.g. for an access layer watching participant changes). */
  readonly onUpdate?: (update: Api.TypeUpdate | Api.TypeUpdates, catchUp: boolean) => void;
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
  /** How long a chat may go without updates before its difference is fetched (default SILENCE_MS: 15 minutes). */
  readonly silenceMs?: number;
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
  /** Takes an updates.getState answer (a periodic check): what it shows is missing is fetched, a server-side reset recovered. */
  checkState(state: Api.updates.State): void;
  /** Stops taking updates (idempotent). */
  stop(): void;
  stats(): IntakeStats;
  /** True until the start caught up, while disconnected, and while a catch-up after a reconnection runs. */
  catchingUp(): boolean;
}

/** Starts hearing the source's updates and handing new messages on, after catching up. */
export function startIntake(source: IntakeSource, options: IntakeOptions): Intake {
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
      source.noteEntities(entities);
      guarded("entities", () => options.onEntities?.(entities));
    },
    update: (update, catchUp) => guarded(update.className, () => options.onUpdate?.(update, catchUp)),
    message: ({ update, catchUp, handled }) => guarded(update.className, () => options.onMessage(source.readMessage(update.message, catchUp), handled)),
    event: ({ update, chatId, catchUp, handled }) =>
      guarded(update.className, () => {
        const event = options.onEvent === undefined ? undefined : source.readEvent(update, catchUp, chatId);
        if (event === undefined || options.onEvent === undefined) handled();
        else options.onEvent(event, handled);
      }),
    writable: options.writable ?? (() => Promise.resolve()),
  };
  const manager = new UpdateManager({
    api: source.api,
    store,
    sink,
    log,
    selfId: source.selfId,
    bot: source.mode === "bot",
    catchUp: options.catchUp,
    silenceMs: options.silenceMs,
  });
  const unsubscribe = source.subscribe({
    updates: (updates, origin) => guarded(updates.className, () => manager.receive(updates, origin)),
    connection: (state) => {
      options.onConnection?.(state);
      manager.connection(state);
    },
  });
  const caughtUp = manager.start().catch((err: unknown) => log.error({ err }, "catching up failed"));
  let stopped = false;
  return {
    caughtUp,
    stop() {
      if (stopped) return;
      stopped = true;
      unsubscribe();
      manager.stop();
      memory?.close();
    },
    checkState: (state) => manager.checkState({ pts: state.pts, qts: state.qts, seq: state.seq, date: state.date }),
    stats: () => manager.stats(),
    catchingUp: () => manager.catchingUp(),
  };
}
