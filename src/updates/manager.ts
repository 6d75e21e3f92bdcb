/**
 * The update manager: applies Telegram's rules to every update the account receives, fills gaps, catches
 * up, and hands each new message on exactly once.
 *
 * - Counters (core.telegram.org/api/updates): the common box's pts, each channel's pts, qts, and the seq of
 *   Updates / UpdatesCombined containers. An update past a gap waits (GAP_WAIT_MS, as the docs advise) for
 *   the missing ones; then updates.getDifference or updates.getChannelDifference fills it. updatesTooLong
 *   fetches the difference at once.
 * - Catch-up: at start (from the saved state) and after every reconnect, the common box and every known
 *   channel are caught up before their live updates are applied; live updates wait meanwhile, in order.
 *   Slices are followed; tooLong answers follow the configured policy (history refetch or skip), logged.
 * - Exactly-once: a message is handed on unless it is queued or running, or recorded as handled. Once its
 *   handlers finished, it is recorded, and the box's pts saved as far as every earlier message was
 *   handled, in one transaction: a crash makes the next start fetch again only what was not recorded.
 * - A first start (nothing saved) records the current state and hands on only new messages.
 */
import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import type { Logger } from "../log.js";
import type { BoxChanges } from "./boxes.js";
import { GuardedCalls } from "./calls.js";
import { asNewMessage, bareChannelId, channelChatId, chatIdOf, counterOf, expandShortMessage, type NewMessageUpdate, newMessageOf } from "./classify.js";
import { type DialogInfo, type Entity, fetchChannelDifference, fetchDialogs, fetchDifference, fetchHistoryPage, type UpdatesApi } from "./fetch.js";
import { Ledger, type LedgerStats } from "./ledger.js";
import { type CatchUpOptions, DEFAULT_CATCH_UP, GAP_WAIT_MS } from "./options.js";
import { Retrier } from "./retry.js";
import { type Ready, Sequence } from "./sequence.js";
import type { CommonState, UpdateStateStore } from "./stateStore.js";
import { Watermark } from "./watermark.js";

/** A new message handed on; `handled` must be called once its handlers finished (it records it). */
export interface Delivery {
  readonly update: NewMessageUpdate;
  /** Fetched by catch-up rather than received live. */
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
  /** Unix seconds now (injectable for tests). */
  readonly now?: () => number;
}

/** Where an update came from: pushed by the server, or the result of the account's own call. */
export type UpdateSource = "push" | "result";

/** Counters of the manager. */
export type UpdateManagerStats = LedgerStats;

/** An update waiting its turn in a box. */
interface Incoming {
  readonly update: Api.TypeUpdate;
  readonly source: UpdateSource;
  readonly catchUp: boolean;
}

/** An update container waiting its seq turn. */
interface Container {
  readonly updates: Api.Updates | Api.UpdatesCombined;
  readonly source: UpdateSource;
}

/** One pts box: the common box or a channel. */
interface Box {
  /** "common", or the channel's marked id. */
  readonly key: string;
  readonly pts: Sequence<Incoming>;
  readonly watermark: Watermark;
  /** The value last saved. */
  saved: number | undefined;
  /** While a difference is fetched, its updates wait in `pts`. */
  recovering: boolean;
  running?: Promise<void>;
  rerun: boolean;
  timer?: NodeJS.Timeout;
}

/** Channel difference size: ordinary users may ask 10-100, bots up to 100000 (we take slices of 1000). */
const USER_CHANNEL_LIMIT = 100;
const BOT_CHANNEL_LIMIT = 1000;
/** Channels caught up at once. */
const PARALLEL_CHANNELS = 4;
/** Dialog pages fetched at a first start and for a common tooLong (100 dialogs each). */
const DIALOG_PAGES = 20;

/** Applies updates, fills gaps and catches up for one account; see the module comment. */
export class UpdateManager {
  private readonly catchUp: CatchUpOptions;
  private readonly api: GuardedCalls;
  private readonly gapWaitMs: number;
  private readonly common: Box;
  private readonly qts = new Sequence<Incoming>(undefined);
  private readonly seq = new Sequence<Container>(undefined);
  private date = 0;
  private savedCommon: CommonState | undefined;
  private readonly channels = new Map<string, Box>();
  private readonly accessHashes = new Map<string, string>();
  private early: { updates: Api.TypeUpdates; source: UpdateSource }[] | undefined = [];
  /** While replaying what arrived during a first start: updates at or below the recorded state are new too. */
  private firstStartReplay = false;
  private disconnected = false;
  private catchingUp: Promise<void> | undefined;
  private catchUpAgain = false;
  private readonly dirty = new Set<Box>();
  private stopped = false;
  private readonly retry: Retrier;
  private readonly ledger: Ledger;

  /** Creates the manager; `start` loads the state and catches up. */
  constructor(private readonly options: UpdateManagerOptions) {
    this.catchUp = options.catchUp ?? DEFAULT_CATCH_UP;
    this.api = new GuardedCalls(options.api);
    this.retry = new Retrier(options.log);
    this.ledger = new Ledger({
      store: options.store,
      maxAgeSeconds: this.catchUp.maxAgeSeconds,
      now: options.now ?? (() => Math.floor(Date.now() / 1000)),
      boxChanges: () => this.boxChanges(),
    });
    this.gapWaitMs = options.gapWaitMs ?? GAP_WAIT_MS;
    this.common = newBox("common", undefined);
  }

  /**
   * Loads the saved state and catches up from it (or records the current state at a first start, or when
   * catch-up is off); updates received meanwhile are applied after, in order. Resolves once every missed
   * message was handed on.
   */
  async start(): Promise<void> {
    if (this.options.store.claim(this.options.selfId)) {
      this.options.log.warn({ account: this.options.selfId }, "the saved update state belonged to another account: starting afresh");
    }
    const saved = this.options.store.load();
    for (const channel of saved.channels) {
      if (channel.accessHash !== undefined) this.accessHashes.set(channel.chatId, channel.accessHash);
      if (channel.pts !== undefined) this.channelBox(channel.chatId, channel.pts).saved = channel.pts;
    }
    if (saved.common === undefined || !this.catchUp.enabled) {
      await this.retry.run("record the current update state", () => this.recordCurrentState(saved.common));
      if (this.stopped) return;
      this.firstStartReplay = true;
      this.replayEarly();
      this.firstStartReplay = false;
      if (!this.disconnected) return;
      this.disconnected = false;
      await this.catchUpAll("reconnected");
      return;
    }
    this.setCommon(saved.common);
    this.savedCommon = saved.common;
    const catchingUp = this.catchUpAll("start");
    this.replayEarly();
    await catchingUp;
  }

  /** Takes an update container the server pushed, or the result of one of the account's calls. */
  receive(updates: Api.TypeUpdates, source: UpdateSource): void {
    if (this.stopped) return;
    if (this.early !== undefined) {
      this.early.push({ updates, source });
      return;
    }
    if (source === "result") this.recordOwnMessages(updates);
    this.take(updates, source);
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
    void this.catchUpAll("reconnected");
  }

  /** Stops: no more updates taken, no more calls made; handled messages are still recorded until the database closes. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const box of [this.common, ...this.channels.values()]) clearTimeout(box.timer);
    this.retry.stop();
    this.api.close();
    this.ledger.stop();
  }

  /** Counters so far. */
  stats(): UpdateManagerStats {
    return this.ledger.stats();
  }

  // ------------------------------------------------------------------------------------------------
  // Live updates

  private replayEarly(): void {
    const early = this.early ?? [];
    this.early = undefined;
    for (const { updates, source } of early) this.receive(updates, source);
  }

  private take(updates: Api.TypeUpdates, source: UpdateSource): void {
    if (updates instanceof Api.UpdatesTooLong) {
      void this.recover(this.common);
    } else if (updates instanceof Api.UpdateShortMessage || updates instanceof Api.UpdateShortChatMessage) {
      this.offer({ update: expandShortMessage(updates, this.options.selfId), source, catchUp: false });
    } else if (updates instanceof Api.UpdateShort) {
      this.offer({ update: updates.update, source, catchUp: false });
      this.date = Math.max(this.date, updates.date);
    } else if (updates instanceof Api.Updates || updates instanceof Api.UpdatesCombined) {
      this.seen([...updates.users, ...updates.chats]);
      if (updates.seq === 0) {
        this.applyContainer({ updates, source });
        return;
      }
      const seqStart = updates instanceof Api.UpdatesCombined ? updates.seqStart : updates.seq;
      const count = updates.seq - seqStart + 1;
      if (this.common.recovering) {
        this.seq.hold(updates.seq, count, { updates, source });
        return;
      }
      const offered = this.seq.offer(updates.seq, count, { updates, source });
      for (const ready of offered.ready) this.applyContainer(ready.item);
      if (this.seq.pending > 0) this.armGapTimer(this.common);
      this.markDirty(this.common);
    }
  }

  private applyContainer({ updates, source }: Container): void {
    for (const update of updates.updates) this.offer({ update, source, catchUp: false });
    this.date = Math.max(this.date, updates.date);
  }

  /** Runs one update through its counter's rules (or straight through when it has none). */
  private offer(incoming: Incoming): void {
    const counter = counterOf(incoming.update);
    if (counter.kind === "none") {
      if (incoming.update instanceof Api.UpdateChannelTooLong) this.channelTooLongHint(incoming.update);
      else this.apply(undefined, incoming, 0);
      return;
    }
    if (counter.kind === "qts") {
      const knownQts = this.qts.value;
      if (this.firstStartReplay && knownQts !== undefined && counter.qts <= knownQts) {
        this.apply(undefined, incoming, 0);
        return;
      }
      if (this.common.recovering) this.qts.hold(counter.qts, 1, incoming);
      else this.applyReady(undefined, this.qts.offer(counter.qts, 1, incoming).ready);
      if (this.qts.pending > 0) this.armGapTimer(this.common);
      this.markDirty(this.common);
      return;
    }
    const box = counter.box === "common" ? this.common : this.channelBox(counter.chatId, undefined);
    if (box.recovering) {
      box.pts.hold(counter.pts, counter.ptsCount, incoming);
      return;
    }
    const known = box.pts.value;
    if (this.firstStartReplay && known !== undefined && counter.pts <= known) {
      this.apply(box, incoming, known);
      return;
    }
    const offered = box.pts.offer(counter.pts, counter.ptsCount, incoming);
    if (known === undefined && offered.ready.length > 0) box.watermark.reset(offered.ready[0].before);
    this.applyReady(box, offered.ready);
    if (box.pts.pending > 0) this.armGapTimer(box);
    else if (box.timer !== undefined) {
      clearTimeout(box.timer);
      box.timer = undefined;
    }
  }

  private applyReady(box: Box | undefined, ready: readonly Ready<Incoming>[]): void {
    for (const { item, before, end } of ready) {
      this.apply(box, item, before);
      box?.watermark.advance(end);
    }
    if (box !== undefined && ready.length > 0) this.markDirty(box);
  }

  /** A hint that a channel has updates to fetch (in a difference, or pushed). */
  private channelTooLongHint(update: Api.UpdateChannelTooLong): void {
    const chatId = channelChatId(update.channelId);
    const box = this.channelBox(chatId, update.pts ?? undefined);
    if (box.pts.value === undefined) return;
    void this.recover(box);
  }

  /** Hands an applied update on: to the sink, and its new message to be handled (results were recorded on receipt). */
  private apply(box: Box | undefined, incoming: Incoming, before: number): void {
    if (incoming.source === "result") return;
    this.options.sink.update(incoming.update, incoming.catchUp);
    const message = newMessageOf(incoming.update);
    if (message !== undefined && box !== undefined) this.deliver(box, message, before, incoming.catchUp);
  }

  /** Hands a new message on unless the ledger has it already (or, caught up, it is too old). */
  private deliver(box: Box, update: NewMessageUpdate, before: number, catchUp: boolean): void {
    const message = update.message;
    const chatId = chatIdOf(message);
    if (!this.ledger.admit(chatId, message.id, message.date, catchUp)) return;
    const hold = box.watermark.hold(before);
    let done = false;
    this.options.sink.message({
      update,
      catchUp,
      handled: () => {
        if (done) return;
        done = true;
        box.watermark.release(hold);
        this.markDirty(box);
        this.ledger.handled(chatId, message.id);
      },
    });
  }

  /** The account's own sent messages (call results) are recorded as handled at once: never handed on, even if a difference repeats them. */
  private recordOwnMessages(updates: Api.TypeUpdates): void {
    for (const update of this.innerUpdates(updates)) {
      const message = newMessageOf(update)?.message;
      if (message !== undefined) this.ledger.recordOwn(chatIdOf(message), message.id);
    }
  }

  /** The updates a container carries, short messages expanded. */
  private innerUpdates(updates: Api.TypeUpdates): readonly Api.TypeUpdate[] {
    if (updates instanceof Api.UpdateShort) return [updates.update];
    if (updates instanceof Api.Updates || updates instanceof Api.UpdatesCombined) return updates.updates;
    if (updates instanceof Api.UpdateShortMessage || updates instanceof Api.UpdateShortChatMessage) return [expandShortMessage(updates, this.options.selfId)];
    return [];
  }

  // ------------------------------------------------------------------------------------------------
  // Catch-up

  /** Catches up the common box, then every known channel; their live updates wait until each is done. */
  private catchUpAll(reason: "start" | "reconnected"): Promise<void> {
    if (this.catchingUp !== undefined) {
      this.catchUpAgain = true;
      return this.catchingUp;
    }
    this.catchingUp = (async () => {
      do {
        this.catchUpAgain = false;
        const boxes = [this.common, ...[...this.channels.values()].filter((box) => box.pts.value !== undefined)];
        for (const box of boxes) this.markRecovering(box);
        const began = performance.now();
        const before = this.ledger.stats();
        this.options.log.info({ reason, channels: boxes.length - 1 }, "catching up on missed updates");
        await this.recover(this.common);
        const channels = boxes.slice(1);
        await Promise.all(
          Array.from({ length: Math.min(PARALLEL_CHANNELS, channels.length) }, async () => {
            for (let box = channels.shift(); box !== undefined && !this.stopped; box = channels.shift()) await this.recover(box);
          }),
        );
        if (this.stopped) return;
        const after = this.ledger.stats();
        this.options.log.info(
          {
            reason,
            messages: after.received - before.received,
            duplicates: after.duplicates - before.duplicates,
            tooOld: after.tooOld - before.tooOld,
            ms: Math.round(performance.now() - began),
          },
          "caught up",
        );
      } while (this.catchUpAgain && !this.stopped);
    })().finally(() => {
      this.catchingUp = undefined;
    });
    return this.catchingUp;
  }

  private markRecovering(box: Box): void {
    box.recovering = true;
    clearTimeout(box.timer);
    box.timer = undefined;
  }

  /** Fetches a box's difference (once more if asked again meanwhile), then applies what waited. */
  private recover(box: Box): Promise<void> {
    this.markRecovering(box);
    if (box.running !== undefined) {
      box.rerun = true;
      return box.running;
    }
    const from = box.pts.value;
    box.running = (async () => {
      try {
        do {
          box.rerun = false;
          await this.retry.run(box === this.common ? "fetch the difference" : `fetch the difference of channel ${box.key}`, () =>
            box === this.common ? this.recoverCommon() : this.recoverChannel(box),
          );
        } while (box.rerun && !this.stopped);
      } finally {
        box.running = undefined;
        box.recovering = false;
        // A gap left right after a fetch that moved the box is real: fetch again at once; otherwise wait as usual.
        if (!this.stopped && this.releaseWaiting(box)) {
          if (box.pts.value !== from) void this.recover(box);
          else this.armGapTimer(box);
        }
      }
    })();
    return box.running;
  }

  /** After a recovery: applies the updates that waited and now fit; true when a gap remains (it is real: fetch again). */
  private releaseWaiting(box: Box): boolean {
    if (box === this.common) {
      const containers = this.seq.takeReady();
      for (const ready of containers.ready) this.applyContainer(ready.item);
      this.applyReady(undefined, this.qts.takeReady().ready);
    }
    if (box !== this.common && this.channels.get(box.key) !== box) {
      for (const incoming of box.pts.clear()) this.offer(incoming);
      return false;
    }
    this.applyReady(box, box.pts.takeReady().ready);
    this.markDirty(box);
    if (box.pts.value === undefined) return false;
    return box.pts.pending + (box === this.common ? this.seq.pending + this.qts.pending : 0) > 0;
  }

  private armGapTimer(box: Box): void {
    if (box.timer !== undefined || box.recovering || this.stopped) return;
    box.timer = setTimeout(() => {
      box.timer = undefined;
      this.options.log.debug({ box: box.key, waitedMs: this.gapWaitMs }, "update gap not filled in time: fetching the difference");
      void this.recover(box);
    }, this.gapWaitMs);
    box.timer.unref();
  }

  private async recoverCommon(): Promise<void> {
    const box = this.common;
    while (!this.stopped) {
      await this.options.sink.writable();
      const step = await fetchDifference(this.api, this.commonCounters());
      if (this.stopped) return;
      if (step.kind === "empty") {
        this.date = step.date;
        this.seq.set(step.seq);
        this.markDirty(box);
        return;
      }
      if (step.kind === "tooLong") {
        await this.commonTooLong(step.pts);
        continue;
      }
      this.seen(step.entities);
      const before = box.pts.value!;
      for (const message of step.messages) this.apply(box, { update: asNewMessage(message), source: "push", catchUp: true }, before);
      for (const update of step.updates) {
        const counter = counterOf(update);
        if (counter.kind === "pts" && counter.box === "channel") this.offer({ update, source: "push", catchUp: true });
        else if (update instanceof Api.UpdateChannelTooLong) this.channelTooLongHint(update);
        else this.apply(box, { update, source: "push", catchUp: true }, before);
      }
      box.pts.set(step.state.pts);
      box.watermark.advance(step.state.pts);
      this.qts.set(step.state.qts);
      this.seq.set(step.state.seq);
      this.date = step.state.date;
      this.markDirty(box);
      if (step.final) return;
    }
  }

  /** differenceTooLong: refetch the chats' histories (or skip, by policy), then go on from the new pts. */
  private async commonTooLong(pts: number): Promise<void> {
    const box = this.common;
    const before = box.pts.value!;
    const policy = this.options.bot ? "skip" : this.catchUp.tooLong;
    if (policy === "history") {
      this.options.log.warn({ from: before, to: pts }, "update gap too long for getDifference: recovering missed messages from the chats' histories");
      const since = this.date;
      const dialogs = await fetchDialogs(this.api, DIALOG_PAGES, (entities) => this.seen(entities));
      for (const dialog of dialogs) {
        if (this.stopped) return;
        if (dialog.pts !== undefined || dialog.peer === undefined) continue;
        const cursor = this.options.store.cursor(dialog.chatId);
        await this.recoverHistory(
          box,
          dialog.chatId,
          dialog.peer,
          cursor ?? Math.max(0, dialog.topMessage - this.catchUp.historyLimit),
          dialog.topMessage,
          before,
          cursor === undefined ? since : 0,
        );
      }
    } else {
      const reason = this.options.bot ? "bots cannot fetch history" : "CATCH_UP_TOO_LONG=skip";
      this.options.log.warn({ from: before, to: pts, skippedPts: pts - before, reason }, "update gap too long for getDifference: skipped to the current state");
      this.applySkipped(box, pts);
    }
    box.pts.set(pts);
    box.watermark.advance(pts);
    this.markDirty(box);
  }

  private async recoverChannel(box: Box): Promise<void> {
    const chatId = box.key;
    while (!this.stopped && box.pts.value !== undefined) {
      const channel = this.inputChannel(chatId);
      if (channel === undefined) {
        this.options.log.warn({ chat: chatId }, "no access hash to fetch a channel's missed updates: following it again from its next update");
        this.forgetChannel(box);
        return;
      }
      await this.options.sink.writable();
      const pts = box.pts.value!;
      const step = await fetchChannelDifference(this.api, channel, pts, this.options.bot ? BOT_CHANNEL_LIMIT : USER_CHANNEL_LIMIT);
      if (this.stopped) return;
      switch (step.kind) {
        case "empty":
          box.pts.set(step.pts);
          box.watermark.advance(step.pts);
          this.markDirty(box);
          return;
        case "gone":
          this.options.log.info({ chat: chatId, error: step.error }, "no longer in the channel: stopped following its updates");
          this.forgetChannel(box);
          return;
        case "invalid":
          this.options.log.warn({ chat: chatId, error: step.error }, "the channel's saved pts is not usable: following it again from its next update");
          this.forgetChannel(box);
          return;
        case "tooLong":
          await this.channelTooLong(box, channel, step.pts ?? pts, step.topMessage, step.entities);
          return;
        case "slice":
          this.seen(step.entities);
          for (const message of step.messages) this.apply(box, { update: asNewMessage(message), source: "push", catchUp: true }, pts);
          for (const update of step.updates) this.apply(box, { update, source: "push", catchUp: true }, pts);
          box.pts.set(step.pts);
          box.watermark.advance(step.pts);
          this.markDirty(box);
          if (step.final) return;
      }
    }
  }

  /** channelDifferenceTooLong: refetch the missed messages from the channel's history (or skip, by policy). */
  private async channelTooLong(box: Box, channel: Api.InputChannel, pts: number, topMessage: number | undefined, entities: readonly Entity[]): Promise<void> {
    const chatId = box.key;
    const before = box.pts.value!;
    this.seen(entities);
    const cursor = this.options.store.cursor(chatId);
    const top = topMessage ?? 0;
    const policy = this.options.bot ? "skip" : this.catchUp.tooLong;
    const where = { chat: chatId, from: before, to: pts };
    if (cursor === undefined || top <= cursor) {
      this.options.log.warn({ ...where, top, cursor }, "channel difference too long, with no missed message known to recover: moved to the current state");
    } else if (policy === "history") {
      this.options.log.warn({ ...where, messages: top - cursor }, "channel difference too long: recovering the missed messages from its history");
      const peer = new Api.InputPeerChannel({ channelId: channel.channelId, accessHash: channel.accessHash });
      await this.recoverHistory(box, chatId, peer, cursor, top, before, 0);
    } else {
      const reason = this.options.bot ? "bots cannot fetch history" : "CATCH_UP_TOO_LONG=skip";
      this.options.log.warn({ ...where, skippedMessages: top - cursor, reason }, "channel difference too long: skipped to the current state");
      this.options.store.commit({ cursors: [{ chatId, messageId: top }] });
      this.applySkipped(box, pts);
    }
    box.pts.set(pts);
    box.watermark.advance(pts);
    this.markDirty(box);
  }

  /** A skipped gap still hands on the updates of it that did arrive live (they waited behind the gap). */
  private applySkipped(box: Box, pts: number): void {
    for (const { item, before } of box.pts.takeUpTo(pts)) this.apply(box, item, before);
  }

  /** Hands on a chat's messages above `after` up to `top` (the newest historyLimit of them), oldest first. */
  private async recoverHistory(
    box: Box,
    chatId: string,
    peer: Api.TypeInputPeer,
    after: number,
    top: number,
    before: number,
    sinceDate: number,
  ): Promise<void> {
    let from = after;
    if (top - after > this.catchUp.historyLimit) {
      from = top - this.catchUp.historyLimit;
      this.options.log.warn(
        { chat: chatId, skipped: from - after, limit: this.catchUp.historyLimit },
        "history recovery limited: older missed messages skipped (CATCH_UP_HISTORY_LIMIT)",
      );
    }
    while (!this.stopped && from < top) {
      await this.options.sink.writable();
      const page = await fetchHistoryPage(this.api, peer, from, top);
      if (this.stopped || page.messages.length === 0) return;
      this.seen(page.entities);
      for (const message of page.messages) {
        if (message.date > sinceDate) this.apply(box, { update: asNewMessage(message), source: "push", catchUp: true }, before);
      }
      from = page.messages[page.messages.length - 1].id;
    }
  }

  /** First start (or catch-up off): take the current state as the starting point; nothing before it is handled. */
  private async recordCurrentState(previous: CommonState | undefined): Promise<void> {
    const state = await this.api.invoke(new Api.updates.GetState());
    const dialogs: DialogInfo[] = this.options.bot ? [] : await fetchDialogs(this.api, DIALOG_PAGES, (entities) => this.seen(entities));
    if (this.stopped) return;
    this.setCommon({ pts: state.pts, qts: state.qts, seq: state.seq, date: state.date });
    // Channels saved before and not among the dialogs now start again from their next update.
    const current = new Set(dialogs.filter((dialog) => dialog.pts !== undefined).map((dialog) => dialog.chatId));
    for (const box of [...this.channels.values()]) if (!current.has(box.key)) this.forgetChannel(box);
    const channels: { chatId: string; pts: number }[] = [];
    for (const dialog of dialogs) {
      if (dialog.pts === undefined) continue;
      const box = this.channelBox(dialog.chatId, dialog.pts);
      box.pts.set(dialog.pts);
      box.watermark.reset(dialog.pts);
      box.saved = dialog.pts;
      channels.push({ chatId: dialog.chatId, pts: dialog.pts });
    }
    const common = this.commonState();
    this.options.store.commit({ common, channels, cursors: dialogs.map((dialog) => ({ chatId: dialog.chatId, messageId: dialog.topMessage })) });
    this.savedCommon = common;
    if (previous === undefined) {
      this.options.log.info({ pts: state.pts, channels: channels.length }, "first start: recorded the update state; only new messages will be handled");
    } else {
      this.options.log.warn({ skippedPts: state.pts - previous.pts }, "catch-up is off (CATCH_UP=off): updates since the last run were not handled");
    }
  }

  // ------------------------------------------------------------------------------------------------
  // State

  private setCommon(state: CommonState): void {
    this.common.pts.set(state.pts);
    this.common.watermark.reset(state.pts);
    this.common.saved = state.pts;
    this.qts.set(state.qts);
    this.seq.set(state.seq);
    this.date = state.date;
  }

  private commonCounters(): { pts: number; qts: number; seq: number; date: number } {
    return { pts: this.common.pts.value ?? 0, qts: this.qts.value ?? 0, seq: this.seq.value ?? 0, date: this.date };
  }

  /** The common state it is safe to save. */
  private commonState(): CommonState {
    return { ...this.commonCounters(), pts: this.common.watermark.safe };
  }

  /** The box's state change since it was last saved, if any. */
  private changeOf(box: Box): Partial<BoxChanges> {
    if (box === this.common) {
      const state = this.commonState();
      const saved = this.savedCommon;
      if (saved !== undefined && saved.pts === state.pts && saved.qts === state.qts && saved.seq === state.seq && saved.date === state.date) return {};
      this.savedCommon = state;
      return { common: state };
    }
    if (this.channels.get(box.key) !== box || box.pts.value === undefined) return {};
    const safe = box.watermark.safe;
    if (box.saved === safe) return {};
    box.saved = safe;
    return { channels: [{ chatId: box.key, pts: safe }] };
  }

  /** Saves the box's state soon (one transaction, with the ledger's, for everything that changed meanwhile). */
  private markDirty(box: Box): void {
    this.dirty.add(box);
    this.ledger.saveSoon();
  }

  /** The states of the boxes that changed since the last save (none while the start has no state to save yet). */
  private boxChanges(): BoxChanges {
    const changes: { common?: CommonState; channels: { chatId: string; pts: number }[] } = { channels: [] };
    if (this.early !== undefined && this.savedCommon === undefined) return changes;
    for (const box of this.dirty) {
      const boxChange = this.changeOf(box);
      if (boxChange.common !== undefined) changes.common = boxChange.common;
      changes.channels.push(...(boxChange.channels ?? []));
    }
    this.dirty.clear();
    return changes;
  }

  private channelBox(chatId: string, pts: number | undefined): Box {
    let box = this.channels.get(chatId);
    if (box === undefined) {
      box = newBox(chatId, pts);
      this.channels.set(chatId, box);
    } else if (box.pts.value === undefined && pts !== undefined) {
      box.pts.set(pts);
      box.watermark.reset(pts);
    }
    return box;
  }

  private forgetChannel(box: Box): void {
    this.channels.delete(box.key);
    this.accessHashes.delete(box.key);
    this.options.store.forgetChannel(box.key);
  }

  /** Entities that came with updates or answers: to the sink, and their channels' access hashes kept. */
  private seen(entities: readonly Entity[]): void {
    this.options.sink.entities(entities);
    this.noteEntities(entities);
  }

  /** Remembers (and saves) the access hashes of channels seen. */
  private noteEntities(entities: readonly Entity[]): void {
    for (const entity of entities) {
      if (!(entity instanceof Api.Channel) || entity.min === true || entity.accessHash == null) continue;
      const chatId = channelChatId(entity.id);
      const hash = entity.accessHash.toString();
      if (this.accessHashes.get(chatId) === hash) continue;
      this.accessHashes.set(chatId, hash);
      this.options.store.saveAccessHash(chatId, hash);
    }
  }

  private inputChannel(chatId: string): Api.InputChannel | undefined {
    const hash = this.accessHashes.get(chatId);
    if (hash === undefined) return undefined;
    return new Api.InputChannel({ channelId: bareChannelId(chatId), accessHash: returnBigInt(hash) });
  }
}

function newBox(key: string, pts: number | undefined): Box {
  return { key, pts: new Sequence<Incoming>(pts), watermark: new Watermark(pts ?? 0), saved: undefined, recovering: false, rerun: false };
}
