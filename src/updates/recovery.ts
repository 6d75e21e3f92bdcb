/**
 * The I/O loop beside the message box (messageBox.ts): it follows the box's decisions, makes the calls it
 * asks for and feeds the answers back.
 *
 * - One fetch runs per box at a time; asked again meanwhile, it runs once more. A gap is given `gapWaitMs` to
 *   fill (the docs advise about half a second) before its difference is fetched.
 * - Catch-up, at start and after every reconnect, as Telethon does it: the common difference first, then
 *   the channels it names (updateChannelTooLong), that show a gap, or that stayed silent `silenceMs`; not
 *   every saved channel. Channel differences run PARALLEL_CHANNELS at a time. Slices are followed; no more
 *   is fetched until the handlers can take it (backpressure). Any box silent `silenceMs` is fetched while
 *   running too.
 * - A server-side reset of the common state (a cardinal pts drop, updatePtsChanged,
 *   PERSISTENT_TIMESTAMP_INVALID, differenceTooLong below our pts, a getState answer far below ours):
 *   updates.getState, the missed messages recovered from the chats' histories as on differenceTooLong, and
 *   the whole common state (pts, qts, seq, date) taken from the answer; logged.
 * - The periodic getState check (checkState) fetches what the answer shows is missing.
 * - tooLong answers follow the configured policy: the missed messages refetched from the chats' histories
 *   (users), or a skip to the current state (by choice, and always for bots); either is logged.
 * - A first start (or catch-up off) records the current state (getState, and the dialogs' channels).
 * - Failed calls are retried (retry.ts).
 */
import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import type { Logger } from "../log.js";
import { asNewMessage, bareChannelId } from "./classify.js";
import { type DialogInfo, type Entity, fetchChannelDifference, fetchDialogs, fetchDifference, fetchHistoryPage, type UpdatesApi } from "./fetch.js";
import { caughtUp, type Incoming, routed } from "./incoming.js";
import type { LedgerStats } from "./ledger.js";
import type { BoxOf, Decision, MessageBox } from "./messageBox.js";
import type { CatchUpOptions } from "./options.js";
import type { Retrier } from "./retry.js";
import type { CommonState, UpdateStateStore } from "./stateStore.js";

/** Channel difference size: ordinary users may ask 10-100, bots up to 100000 (we take slices of 1000). */
const USER_CHANNEL_LIMIT = 100;
const BOT_CHANNEL_LIMIT = 1000;
/** Channels caught up at once. */
const PARALLEL_CHANNELS = 4;
/** Dialog pages fetched at a first start and for a common tooLong or reset (100 dialogs each). */
const DIALOG_PAGES = 20;
/** How many times per silence period the boxes are checked for silence. */
const SILENCE_CHECKS = 15;

type Box = BoxOf<Incoming>;

/** What the loop works with. */
export interface RecoveryOptions {
  readonly messageBox: MessageBox<Incoming>;
  /** Telegram, through calls that end when the connection comes back (calls.ts). */
  readonly api: UpdatesApi;
  readonly store: UpdateStateStore;
  readonly log: Logger;
  readonly retry: Retrier;
  readonly bot: boolean;
  readonly catchUp: CatchUpOptions;
  readonly gapWaitMs: number;
  /** How long a box may stay silent before its difference is fetched (SILENCE_MS). */
  readonly silenceMs: number;
  /** Hands an applied update on (the box it moved was at `before` just before it). */
  readonly handOn: (box: Box | undefined, incoming: Incoming, before: number) => void;
  /** Users and chats that came with an answer. */
  readonly seen: (entities: readonly Entity[]) => void;
  /** Resolves when more caught-up messages may be handed on. */
  readonly writable: () => Promise<void>;
  /** Saves what changed, soon (the ledger's saveSoon). */
  readonly saveSoon: () => void;
  /** The ledger's counters, for the catch-up's log line. */
  readonly stats: () => LedgerStats;
}

/** Fetches what the message box lacks; see the module comment. */
export class Recovery {
  private readonly messageBox: MessageBox<Incoming>;
  private readonly timers = new Map<Box, NodeJS.Timeout>();
  private readonly running = new Map<Box, Promise<void>>();
  private readonly rerun = new Set<Box>();
  private catchingUp: Promise<void> | undefined;
  private catchUpAgain = false;
  /** Channel fetches started while a catch-up runs (the channels the common difference named): it waits for them. */
  private caughtUpChannels: Set<Promise<void>> | undefined;
  /** Channel fetches waiting for one of the PARALLEL_CHANNELS places. */
  private readonly queue: (() => void)[] = [];
  private channelsRunning = 0;
  /** Why the common state is to be reset before the next common difference, when it is. */
  private resetAsked: string | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  /** Creates the loop; nothing runs until a decision or a catch-up asks. */
  constructor(private readonly options: RecoveryOptions) {
    this.messageBox = options.messageBox;
  }

  /** Does what the message box decided, in order. */
  follow(decisions: readonly Decision<Incoming>[]): void {
    for (const decision of decisions) {
      switch (decision.kind) {
        case "apply":
          this.options.handOn(decision.box, decision.item, decision.before);
          break;
        case "fetch":
          void this.recover(decision.box);
          break;
        case "gap":
          this.armGapTimer(decision.box);
          break;
        case "noGap":
          this.clearGapTimer(decision.box);
          break;
        case "forgotten":
          this.clearGapTimer(decision.box);
          this.warnNoAccessHash(decision.box);
          this.options.store.forgetChannel(decision.box.key);
          break;
        case "reset":
          this.resetAsked ??= decision.why;
          void this.recover(decision.box);
          break;
        case "ptsDrop":
          this.options.log.warn(
            { chat: decision.box.key, from: decision.from, to: decision.to },
            "a channel's pts dropped far below the saved one (reset server-side): following it from its new pts",
          );
          break;
      }
    }
    this.changed();
  }

  /** Takes a getState answer (the runtime's periodic check) and fetches what it shows is missing. */
  checkState(state: CommonState): void {
    if (!this.stopped) this.follow(this.messageBox.checkState(state));
  }

  /**
   * Catches up: the common box, then the channels it names, that show a gap or that stayed silent long
   * (the message box's beginCatchUp); resolves once all of them were fetched.
   */
  catchUpAll(reason: "start" | "reconnected"): Promise<void> {
    this.armSilenceTimer();
    if (this.catchingUp !== undefined) {
      this.catchUpAgain = true;
      return this.catchingUp;
    }
    this.catchingUp = (async () => {
      do {
        this.catchUpAgain = false;
        const boxes = this.messageBox.beginCatchUp(this.options.silenceMs);
        for (const box of boxes) this.clearGapTimer(box);
        const began = performance.now();
        const before = this.options.stats();
        const fetched = new Set<Promise<void>>();
        this.caughtUpChannels = fetched;
        this.options.log.info({ reason, channels: boxes.length - 1 }, "catching up on missed updates");
        await this.recover(this.messageBox.common);
        for (const box of boxes.slice(1)) fetched.add(this.recover(box));
        for (let done = 0; fetched.size > done && !this.stopped; ) {
          done = fetched.size;
          await Promise.all(fetched);
        }
        this.caughtUpChannels = undefined;
        if (this.stopped) return;
        const after = this.options.stats();
        this.options.log.info(
          {
            reason,
            channels: fetched.size,
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

  /** True while a catch-up (at start or after a reconnection) is fetching or handing on what was missed. */
  isCatchingUp(): boolean {
    return this.catchingUp !== undefined;
  }

  /** First start (or catch-up off): takes the current state as the starting point; nothing before it is handled. */
  async recordCurrentState(previous: CommonState | undefined): Promise<void> {
    const { api, store, log } = this.options;
    const state = await api.invoke(new Api.updates.GetState());
    const dialogs: DialogInfo[] = this.options.bot ? [] : await fetchDialogs(api, DIALOG_PAGES, (entities) => this.options.seen(entities));
    if (this.stopped) return;
    const channels = dialogs.flatMap((dialog) => (dialog.pts === undefined ? [] : [{ chatId: dialog.chatId, pts: dialog.pts }]));
    const { forgotten, common } = this.messageBox.boxes.restart({ pts: state.pts, qts: state.qts, seq: state.seq, date: state.date }, channels);
    // Channels saved before and not among the dialogs now start again from their next update.
    for (const box of forgotten) store.forgetChannel(box.key);
    store.commit({ common, channels, cursors: dialogs.map((dialog) => ({ chatId: dialog.chatId, messageId: dialog.topMessage })) });
    if (previous === undefined) {
      log.info({ pts: state.pts, channels: channels.length }, "first start: recorded the update state; only new messages will be handled");
    } else {
      log.warn({ skippedPts: state.pts - previous.pts }, "catch-up is off (CATCH_UP=off): updates since the last run were not handled");
    }
  }

  /** Stops: no more fetches or gap timers (the retrier is stopped by its owner). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    clearInterval(this.silenceTimer);
    for (const wake of this.queue.splice(0)) wake();
  }

  // ------------------------------------------------------------------------------------------------
  // Fetches

  /** Fetches a box's difference (once more if asked again meanwhile), then lets the box release what waited. */
  private recover(box: Box): Promise<void> {
    this.messageBox.beginFetch(box);
    this.clearGapTimer(box);
    const running = this.running.get(box);
    if (running !== undefined) {
      this.rerun.add(box);
      return running;
    }
    const from = box.pts.value;
    const common = box === this.messageBox.common;
    const task = (async () => {
      if (!common) await this.channelPlace();
      try {
        do {
          this.rerun.delete(box);
          await this.options.retry.run(common ? "fetch the difference" : `fetch the difference of channel ${box.key}`, () =>
            common ? this.recoverCommon() : this.recoverChannel(box),
          );
        } while (this.rerun.has(box) && !this.stopped);
      } finally {
        if (!common) this.leaveChannelPlace();
        this.running.delete(box);
        if (!this.stopped) this.follow(this.messageBox.endFetch(box, from));
      }
    })();
    this.running.set(box, task);
    if (!common) this.caughtUpChannels?.add(task);
    return task;
  }

  /** Resolves once one of the PARALLEL_CHANNELS places for a channel fetch is free (at once when stopped). */
  private channelPlace(): Promise<void> {
    if (this.channelsRunning < PARALLEL_CHANNELS || this.stopped) {
      this.channelsRunning += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.queue.push(() => {
        this.channelsRunning += 1;
        resolve();
      }),
    );
  }

  private leaveChannelPlace(): void {
    this.channelsRunning -= 1;
    this.queue.shift()?.();
  }

  /**
   * Checks every SILENCE_CHECKS-th of `silenceMs` for boxes silent that long and fetches their differences
   * (the common one first, the channels PARALLEL_CHANNELS at a time).
   */
  private armSilenceTimer(): void {
    // 0: every catch-up takes every channel as silent (as catch-up was before issue 12); no check while running.
    if (this.silenceTimer !== undefined || this.stopped || this.options.silenceMs <= 0) return;
    this.silenceTimer = setInterval(
      () => {
        for (const box of this.messageBox.silent(this.options.silenceMs)) {
          this.options.log.debug({ box: box.key, silentMs: this.options.silenceMs }, "no update for long: fetching the difference");
          void this.recover(box);
        }
      },
      Math.max(10, this.options.silenceMs / SILENCE_CHECKS),
    );
    this.silenceTimer.unref();
  }

  private armGapTimer(box: Box): void {
    if (this.timers.has(box) || box.fetching || this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(box);
      this.options.log.debug({ box: box.key, waitedMs: this.options.gapWaitMs }, "update gap not filled in time: fetching the difference");
      void this.recover(box);
    }, this.options.gapWaitMs);
    timer.unref();
    this.timers.set(box, timer);
  }

  private clearGapTimer(box: Box): void {
    clearTimeout(this.timers.get(box));
    this.timers.delete(box);
  }

  private async recoverCommon(): Promise<void> {
    while (!this.stopped) {
      if (this.resetAsked !== undefined) {
        await this.resetCommon(this.resetAsked);
        this.resetAsked = undefined;
        continue;
      }
      await this.options.writable();
      const request = this.messageBox.differenceRequest();
      const step = await fetchDifference(this.options.api, request);
      if (this.stopped) return;
      if (step.kind === "empty") {
        this.messageBox.applyDifferenceEmpty(step.date, step.seq);
        this.changed();
        return;
      }
      if (step.kind === "invalid") {
        this.resetAsked = `updates.getDifference answered ${step.error}`;
        continue;
      }
      if (step.kind === "tooLong" && step.pts < request.pts) {
        this.resetAsked = "updates.getDifference answered differenceTooLong below the saved pts";
        continue;
      }
      if (step.kind === "tooLong") {
        await this.commonTooLong(step.pts);
        continue;
      }
      this.options.seen(step.entities);
      this.follow(
        this.messageBox.applyDifference({
          messages: step.messages.map((message) => caughtUp(asNewMessage(message))),
          updates: step.updates.map((update) => routed(caughtUp(update))),
          state: step.state,
        }),
      );
      if (step.final) return;
    }
  }

  /**
   * The server reset the common state: its current state (updates.getState), what was missed recovered from
   * the chats' histories as on differenceTooLong (bots cannot: skipped, and said), then the whole common
   * state taken from the answer (moving only pts would ask from the stale date again).
   */
  private async resetCommon(why: string): Promise<void> {
    const { log, api } = this.options;
    const state = await api.invoke(new Api.updates.GetState());
    if (this.stopped) return;
    const local = this.messageBox.differenceRequest();
    const where = { why, from: local, to: { pts: state.pts, qts: state.qts, seq: state.seq, date: state.date } };
    if (this.options.bot || this.options.catchUp.tooLong === "skip") {
      log.warn({ ...where, reason: this.skipReason() }, "the server reset the update state: went on from its current state, missed messages skipped");
    } else {
      log.warn(where, "the server reset the update state: recovering missed messages from the chats' histories, then going on from its current state");
      await this.recoverCommonHistory(local.pts);
      if (this.stopped) return;
    }
    this.messageBox.resetTo({ pts: state.pts, qts: state.qts, seq: state.seq, date: state.date });
    this.changed();
  }

  /** Hands on, from each private chat's and basic group's history, the messages above its cursor (or, without one, newer than the state's date). */
  private async recoverCommonHistory(before: number): Promise<void> {
    const { catchUp } = this.options;
    const box = this.messageBox.common;
    const since = this.messageBox.boxes.date;
    const dialogs = await fetchDialogs(this.options.api, DIALOG_PAGES, (entities) => this.options.seen(entities));
    for (const dialog of dialogs) {
      if (this.stopped) return;
      if (dialog.pts !== undefined || dialog.peer === undefined) continue;
      const cursor = this.options.store.cursor(dialog.chatId);
      await this.recoverHistory(
        box,
        dialog.chatId,
        dialog.peer,
        cursor ?? Math.max(0, dialog.topMessage - catchUp.historyLimit),
        dialog.topMessage,
        before,
        cursor === undefined ? since : 0,
      );
    }
  }

  /** differenceTooLong: refetch the chats' histories (or skip, by policy), then go on from the new pts. */
  private async commonTooLong(pts: number): Promise<void> {
    const { log, catchUp } = this.options;
    const box = this.messageBox.common;
    const before = box.pts.value!;
    const policy = this.options.bot ? "skip" : catchUp.tooLong;
    if (policy === "history") {
      log.warn({ from: before, to: pts }, "update gap too long for getDifference: recovering missed messages from the chats' histories");
      await this.recoverCommonHistory(before);
      if (this.stopped) return;
      this.messageBox.moveTo(box, pts);
      this.changed();
    } else {
      log.warn(
        { from: before, to: pts, skippedPts: pts - before, reason: this.skipReason() },
        "update gap too long for getDifference: skipped to the current state",
      );
      this.follow(this.messageBox.skipTo(box, pts));
    }
  }

  private async recoverChannel(box: Box): Promise<void> {
    const { log } = this.options;
    const chatId = box.key;
    while (!this.stopped && box.pts.value !== undefined) {
      const accessHash = this.messageBox.boxes.accessHash(chatId);
      if (accessHash === undefined) {
        this.warnNoAccessHash(box);
        this.forget(box);
        return;
      }
      const channel = new Api.InputChannel({ channelId: bareChannelId(chatId), accessHash: returnBigInt(accessHash) });
      await this.options.writable();
      const pts = box.pts.value!;
      const step = await fetchChannelDifference(this.options.api, channel, pts, this.options.bot ? BOT_CHANNEL_LIMIT : USER_CHANNEL_LIMIT);
      if (this.stopped) return;
      switch (step.kind) {
        case "empty":
          this.messageBox.moveTo(box, step.pts);
          this.changed();
          return;
        case "gone":
          log.info({ chat: chatId, error: step.error }, "no longer in the channel: stopped following its updates");
          this.forget(box);
          return;
        case "invalid":
          log.warn({ chat: chatId, error: step.error }, "the channel's saved pts is not usable: following it again from its next update");
          this.forget(box);
          return;
        case "tooLong":
          await this.channelTooLong(box, channel, step.pts ?? pts, step.topMessage, step.entities);
          return;
        case "slice":
          this.options.seen(step.entities);
          this.follow(
            this.messageBox.applyChannelDifference(
              box,
              [...step.messages.map((message) => caughtUp(asNewMessage(message))), ...step.updates.map((update) => caughtUp(update))],
              step.pts,
            ),
          );
          if (step.final) return;
      }
    }
  }

  /** channelDifferenceTooLong: refetch the missed messages from the channel's history (or skip, by policy). */
  private async channelTooLong(box: Box, channel: Api.InputChannel, pts: number, topMessage: number | undefined, entities: readonly Entity[]): Promise<void> {
    const { log, store } = this.options;
    const chatId = box.key;
    const before = box.pts.value!;
    this.options.seen(entities);
    const cursor = store.cursor(chatId);
    const top = topMessage ?? 0;
    const policy = this.options.bot ? "skip" : this.options.catchUp.tooLong;
    const where = { chat: chatId, from: before, to: pts };
    if (cursor === undefined || top <= cursor) {
      log.warn({ ...where, top, cursor }, "channel difference too long, with no missed message known to recover: moved to the current state");
    } else if (policy === "history") {
      log.warn({ ...where, messages: top - cursor }, "channel difference too long: recovering the missed messages from its history");
      const peer = new Api.InputPeerChannel({ channelId: channel.channelId, accessHash: channel.accessHash });
      await this.recoverHistory(box, chatId, peer, cursor, top, before, 0);
    } else {
      log.warn({ ...where, skippedMessages: top - cursor, reason: this.skipReason() }, "channel difference too long: skipped to the current state");
      store.commit({ cursors: [{ chatId, messageId: top }] });
      this.follow(this.messageBox.skipTo(box, pts));
      return;
    }
    this.messageBox.moveTo(box, pts);
    this.changed();
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
    const { historyLimit } = this.options.catchUp;
    let from = after;
    if (top - after > historyLimit) {
      from = top - historyLimit;
      this.options.log.warn(
        { chat: chatId, skipped: from - after, limit: historyLimit },
        "history recovery limited: older missed messages skipped (CATCH_UP_HISTORY_LIMIT)",
      );
    }
    while (!this.stopped && from < top) {
      await this.options.writable();
      const page = await fetchHistoryPage(this.options.api, peer, from, top);
      if (this.stopped || page.messages.length === 0) return;
      this.options.seen(page.entities);
      for (const message of page.messages) {
        // The state's date is a whole second: a message of that second may be newer than the state (the ledger drops one handled already).
        if (message.date >= sinceDate) this.options.handOn(box, caughtUp(asNewMessage(message)), before);
      }
      from = page.messages[page.messages.length - 1].id;
    }
  }

  /** Why a tooLong gap is skipped rather than refetched. */
  private skipReason(): string {
    return this.options.bot ? "bots cannot fetch history" : "CATCH_UP_TOO_LONG=skip";
  }

  private warnNoAccessHash(box: Box): void {
    this.options.log.warn({ chat: box.key }, "no access hash to fetch a channel's missed updates: following it again from its next update");
  }

  /** Stops following a channel (here and in the store). */
  private forget(box: Box): void {
    this.messageBox.boxes.forget(box);
    this.options.store.forgetChannel(box.key);
  }

  /** The boxes changed: saved soon. */
  private changed(): void {
    if (this.messageBox.boxes.hasChanges) this.options.saveSoon();
  }
}
