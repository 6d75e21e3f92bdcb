/**
 * The update manager: applies Telegram's rules to every update the account receives, fills gaps, catches
 * up, and hands each new message on exactly once. It composes:
 *
 * - the message box (messageBox.ts, pure): pts / qts / seq ordering (core.telegram.org/api/updates), which
 *   difference to fetch and when, and applying what was fetched; its boxes' bookkeeping is boxes.ts;
 * - the recovery loop beside it (recovery.ts): gap timers (GAP_WAIT_MS, as the docs advise), the calls for
 *   updates.getDifference, updates.getChannelDifference and histories, catch-up at start (from the saved
 *   state) and after every reconnect, tooLong answers by the configured policy, retries (retry.ts);
 * - the ledger (ledger.ts): a message is handed on unless it is queued or running, or recorded as handled;
 *   once its handlers finished, it is recorded, and the box's pts saved as far as every earlier message was
 *   handled, in one transaction: a crash makes the next start fetch again only what was not recorded.
 *
 * Live updates that arrive while the start loads or records the state wait, in order, and are applied after.
 * A first start (nothing saved) records the current state and hands on only new messages.
 */
import { Api } from "telegram";
import type { Logger } from "../log.js";
import { GuardedCalls } from "./calls.js";
import { chatIdOf, type NewMessageUpdate, newMessageOf } from "./classify.js";
import { COMMON_CHAT, type KeyedUpdate, keysOf } from "./eventKeys.js";
import type { Entity, UpdatesApi } from "./fetch.js";
import { channelAccessHashes, type Incoming, pushOf, type UpdateSource } from "./incoming.js";
import { Ledger, type LedgerStats } from "./ledger.js";
import { type BoxOf, MessageBox } from "./messageBox.js";
import { type CatchUpOptions, DEFAULT_CATCH_UP, GAP_WAIT_MS, SILENCE_MS } from "./options.js";
import { Recovery } from "./recovery.js";
import { Retrier, type Schedule } from "./retry.js";
import type { CommonState, UpdateStateStore } from "./stateStore.js";

export type { UpdateSource } from "./incoming.js";

/** A new message handed on; `handled` must be called once its handlers finished (it records it). */
export interface Delivery {
  readonly update: NewMessageUpdate;
  /** Fetched by catch-up rather than received live. */
  readonly catchUp: boolean;
  handled(): void;
}

/**
 * Another update handlers get exactly once (a service message, an edit, a deletion, a participant change:
 * eventKeys.ts); `handled` must be called once its handlers finished (it records it).
 */
export interface EventDelivery {
  readonly update: Api.TypeUpdate;
  /** For a deletion in the account's common box: the chat of its messages, when the ledger knows it. */
  readonly chatId?: string;
  readonly catchUp: boolean;
  handled(): void;
}

/** Where the manager hands what it applies. */
export interface UpdateSink {
  /** Users and chats that came with the updates about to be handed on. */
  entities(entities: readonly Entity[]): void;
  /** Every update applied (live or caught up), in order. */
  update(update: Api.TypeUpdate, catchUp: boolean): void;
  /** A new message to handle. */
  message(delivery: Delivery): void;
  /** Another update to handle exactly once (in order with its chat's messages); without it, none is handed on. */
  event?(delivery: EventDelivery): void;
  /** Resolves when more caught-up messages may be handed on (backpressure). */
  writable(): Promise<void>;
}

/** What the UpdateManager needs. */
export interface UpdateManagerOptions {
  readonly api: UpdatesApi;
  readonly store: UpdateStateStore;
  readonly sink: UpdateSink;
  readonly log: Logger;
  /** Marked id of the account. */
  readonly selfId: string;
  /** Bots cannot fetch dialogs or history; they may fetch larger channel differences. */
  readonly bot: boolean;
  readonly catchUp?: CatchUpOptions;
  /** How long a gap may stay open before a difference is fetched (default GAP_WAIT_MS). */
  readonly gapWaitMs?: number;
  /** How long a box may stay silent before its difference is fetched (default SILENCE_MS). */
  readonly silenceMs?: number;
  /** How the retries of failed fetches pause (default setTimeout; tests may run it faster). */
  readonly retrySchedule?: Schedule;
  /** Unix seconds now (injectable for tests). */
  readonly now?: () => number;
}

/** Counters of the manager. */
export type UpdateManagerStats = LedgerStats;

/** Applies updates, fills gaps and catches up for one account; see the module comment. */
export class UpdateManager {
  private readonly catchUp: CatchUpOptions;
  private readonly api: GuardedCalls;
  private readonly messageBox = new MessageBox<Incoming>();
  private readonly ledger: Ledger;
  private readonly retry: Retrier;
  private readonly recovery: Recovery;
  /** Updates received before the start loaded or recorded the state; applied after, in order. */
  private early: { updates: Api.TypeUpdates; source: UpdateSource }[] | undefined = [];
  private disconnected = false;
  private stopped = false;

  /** Creates the manager; `start` loads the state and catches up. */
  constructor(private readonly options: UpdateManagerOptions) {
    this.catchUp = options.catchUp ?? DEFAULT_CATCH_UP;
    this.api = new GuardedCalls(options.api);
    this.ledger = new Ledger({
      store: options.store,
      maxAgeSeconds: this.catchUp.maxAgeSeconds,
      now: options.now ?? (() => Math.floor(Date.now() / 1000)),
      boxChanges: () => this.messageBox.boxes.takeChanges(),
    });
    this.retry = new Retrier(options.log, options.retrySchedule);
    this.recovery = new Recovery({
      messageBox: this.messageBox,
      api: this.api,
      store: options.store,
      log: options.log,
      retry: this.retry,
      bot: options.bot,
      catchUp: this.catchUp,
      gapWaitMs: options.gapWaitMs ?? GAP_WAIT_MS,
      silenceMs: options.silenceMs ?? SILENCE_MS,
      handOn: (box, incoming, before) => this.handOn(box, incoming, before),
      seen: (entities) => this.seen(entities),
      writable: () => options.sink.writable(),
      saveSoon: () => this.ledger.saveSoon(),
      stats: () => this.ledger.stats(),
    });
  }

  /**
   * Loads the saved state and catches up from it (or records the current state at a first start, or when
   * catch-up is off); updates received meanwhile are applied after, in order. Resolves once every missed
   * message was handed on.
   */
  async start(): Promise<void> {
    const { store, log, selfId } = this.options;
    if (store.claim(selfId)) log.warn({ account: selfId }, "the saved update state belonged to another account: starting afresh");
    const saved = store.load();
    this.messageBox.boxes.load(saved.channels);
    if (saved.common === undefined || !this.catchUp.enabled) {
      const previous = saved.common;
      await this.retry.run("record the current update state", () => this.recovery.recordCurrentState(previous));
      if (this.stopped) return;
      this.replayEarly(true);
      if (!this.disconnected) return;
      this.disconnected = false;
      await this.recovery.catchUpAll("reconnected");
      return;
    }
    this.messageBox.boxes.start(saved.common);
    const catchingUp = this.recovery.catchUpAll("start");
    this.replayEarly(false);
    await catchingUp;
  }

  /** Takes an update container the server pushed, or the result of one of the account's calls. */
  receive(updates: Api.TypeUpdates, source: UpdateSource): void {
    if (this.stopped) return;
    if (this.early !== undefined) {
      this.early.push({ updates, source });
      return;
    }
    this.take(updates, source, false);
  }

  /** Hears the connection state: after a reconnection, calls in flight are made again and catch-up runs again. */
  connection(state: "connected" | "disconnected" | "broken"): void {
    if (state !== "connected") {
      this.disconnected = true;
      return;
    }
    this.api.reset();
    if (!this.disconnected || this.early !== undefined || this.stopped) return;
    this.disconnected = false;
    void this.recovery.catchUpAll("reconnected");
  }

  /**
   * Takes a getState answer (the runtime asks every few minutes whether the session is alive): what it
   * shows is missing is fetched, and a state far below ours is a server-side reset to recover from.
   */
  checkState(state: CommonState): void {
    if (this.stopped || this.early !== undefined) return;
    this.recovery.checkState(state);
  }

  /** Stops: no more updates taken, no more calls made; handled messages are still recorded until the database closes. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.recovery.stop();
    this.retry.stop();
    this.api.close();
    this.ledger.stop();
  }

  /** True until the start loaded its state and caught up, while disconnected, and while a catch-up runs. */
  catchingUp(): boolean {
    return this.early !== undefined || this.disconnected || this.recovery.isCatchingUp();
  }

  /** Counters so far. */
  stats(): UpdateManagerStats {
    return this.ledger.stats();
  }

  // ------------------------------------------------------------------------------------------------

  /** Applies what arrived while the start loaded or recorded the state; `firstStart`: updates at or below the recorded state are new too. */
  private replayEarly(firstStart: boolean): void {
    const early = this.early ?? [];
    this.early = undefined;
    for (const { updates, source } of early) if (!this.stopped) this.take(updates, source, firstStart);
  }

  private take(updates: Api.TypeUpdates, source: UpdateSource, firstStart: boolean): void {
    const push = pushOf(updates, source, this.options.selfId);
    if (source === "result") this.recordOwnMessages(push?.updates.map((routed) => routed.item.update) ?? []);
    if (updates instanceof Api.UpdatesTooLong) {
      this.recovery.follow(this.messageBox.tooLong());
      return;
    }
    if (push === undefined) return;
    if (updates instanceof Api.Updates || updates instanceof Api.UpdatesCombined) this.seen([...updates.users, ...updates.chats]);
    this.recovery.follow(this.messageBox.process(push, { firstStart }));
  }

  /**
   * The account's own sent messages (call results), and its own edits and deletions, are recorded as
   * handled at once: never handed on, even if a difference repeats them.
   */
  private recordOwnMessages(updates: readonly Api.TypeUpdate[]): void {
    for (const update of updates) {
      const message = newMessageOf(update)?.message;
      if (message !== undefined) this.ledger.recordOwn(chatIdOf(message), message.id, update instanceof Api.UpdateNewMessage);
      else {
        const keys = keysOf(update)?.keys ?? [];
        if (keys.length > 0) this.ledger.recordOwnKeys(keys);
      }
    }
  }

  /** Hands an applied update on: to the sink, and its new message to be handled (results were recorded on receipt). */
  private handOn(box: BoxOf<Incoming> | undefined, incoming: Incoming, before: number): void {
    if (incoming.source === "result") return;
    this.options.sink.update(incoming.update, incoming.catchUp);
    const message = newMessageOf(incoming.update);
    if (message !== undefined) {
      if (box !== undefined) this.deliver(box, message, before, incoming.catchUp);
      return;
    }
    const keyed = keysOf(incoming.update);
    if (keyed !== undefined) this.deliverEvent(box, incoming, keyed, before);
  }

  /**
   * Hands another keyed update on unless the ledger has it already. A deletion in the common box is split
   * by chat (the ledger knows the chats of the messages it handled), so that each part runs in order with
   * its chat's messages. Updates moving a box's pts hold it until handled; qts updates have no box to hold.
   */
  private deliverEvent(box: BoxOf<Incoming> | undefined, incoming: Incoming, keyed: KeyedUpdate, before: number): void {
    const sink = this.options.sink;
    if (sink.event === undefined) return;
    const fresh = this.ledger.admitKeys(keyed.keys, keyed.date, incoming.catchUp, incoming.update instanceof Api.UpdateNewMessage);
    if (fresh.length === 0) return;
    const { update } = incoming;
    const parts: { update: Api.TypeUpdate; chatId?: string; keys: typeof fresh }[] = [];
    if (update instanceof Api.UpdateDeleteMessages) {
      const byChat = new Map<string | undefined, typeof fresh>();
      for (const key of fresh) {
        const chatId = key.chatId === COMMON_CHAT ? this.ledger.chatOf(key.messageId) : key.chatId;
        byChat.set(chatId, [...(byChat.get(chatId) ?? []), key]);
      }
      for (const [chatId, keys] of byChat) {
        const messages = keys.map((key) => key.messageId);
        parts.push({ update: new Api.UpdateDeleteMessages({ messages, pts: update.pts, ptsCount: update.ptsCount }), chatId, keys });
      }
    } else if (update instanceof Api.UpdateDeleteChannelMessages && fresh.length < keyed.keys.length) {
      const messages = fresh.map((key) => key.messageId);
      parts.push({
        update: new Api.UpdateDeleteChannelMessages({ channelId: update.channelId, messages, pts: update.pts, ptsCount: update.ptsCount }),
        keys: fresh,
      });
    } else {
      parts.push({ update, keys: fresh });
    }
    for (const part of parts) {
      const hold = box === undefined ? undefined : this.messageBox.boxes.hold(box, before);
      let done = false;
      sink.event({
        update: part.update,
        chatId: part.chatId,
        catchUp: incoming.catchUp,
        handled: () => {
          if (done) return;
          done = true;
          if (box !== undefined && hold !== undefined) this.messageBox.boxes.release(box, hold);
          this.ledger.handledKeys(part.keys);
        },
      });
    }
  }

  /** Hands a new message on unless the ledger has it already (or, caught up, it is too old). */
  private deliver(box: BoxOf<Incoming>, update: NewMessageUpdate, before: number, catchUp: boolean): void {
    const { message } = update;
    const chatId = chatIdOf(message);
    if (!this.ledger.admit(chatId, message.id, message.date, catchUp, update instanceof Api.UpdateNewMessage)) return;
    const hold = this.messageBox.boxes.hold(box, before);
    let done = false;
    this.options.sink.message({
      update,
      catchUp,
      handled: () => {
        if (done) return;
        done = true;
        this.messageBox.boxes.release(box, hold);
        this.ledger.handled(chatId, message.id);
      },
    });
  }

  /** Entities that came with updates or answers: to the sink, and their channels' access hashes kept (and saved). */
  private seen(entities: readonly Entity[]): void {
    this.options.sink.entities(entities);
    for (const { chatId, accessHash } of channelAccessHashes(entities)) {
      if (this.messageBox.boxes.noteAccessHash(chatId, accessHash)) this.options.store.saveAccessHash(chatId, accessHash);
    }
  }
}
