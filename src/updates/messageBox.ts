/**
 * The update state machine, pure (no I/O, no timers, no GramJS; after Telethon's
 * telethon/_updates/messagebox.py): Telegram's ordering rules (core.telegram.org/api/updates) applied to the
 * updates it is given, and what to do next, as decisions.
 *
 * - Live updates (`process`): each update moves the common box's pts, a channel's pts, qts, or nothing; an
 *   Updates / UpdatesCombined container moves seq. What fits is applied (handed on, in order); what comes
 *   past a gap waits, and the gap is reported so that it is given time to fill; updatesTooLong and
 *   updateChannelTooLong ask for a box's difference at once.
 * - Fetching: while a box's difference is fetched, its live updates wait (unjudged). The fetched answers are
 *   taken back (`applyDifference`, `applyChannelDifference`, `moveTo`, `skipTo`); `endFetch` then applies
 *   what waited and says whether a gap is left: a gap left right after a fetch that moved the box is real
 *   (fetch again at once), otherwise it is given time. A failed fetch changes nothing: the box keeps
 *   fetching and is asked from the same counters again.
 * - A first start's replay (what arrived while the current state was recorded) applies updates at or below
 *   the recorded counters too: they are new to this account's handlers.
 * - Catch-up (start, reconnect) fetches the common difference, and only the channels that show a gap, that
 *   it names (updateChannelTooLong), or that stayed silent long; any box silent that long is fetched while
 *   running too (`silent`), as Telethon's message box does.
 * - A server-side reset: a pts far below ours (past TDLib's and mtcute's margins), updatePtsChanged, or a
 *   getState answer below ours by that much asks the loop to reset the common state (`reset`); a channel's
 *   cardinal drop is followed from the update that shows it.
 *
 * `T` is what an update is to the caller (it is handed back untouched); the I/O loop beside this
 * (recovery.ts) makes the calls, keeps the timers and retries, and follows the decisions.
 */
import { type Box, Boxes } from "./boxes.js";
import type { Counter } from "./classify.js";
import type { Ready } from "./sequence.js";
import type { CommonState } from "./stateStore.js";

/**
 * What an update moves: a counter (classify.ts's counterOf), nothing but a channel to fetch
 * (updateChannelTooLong), or the whole common state, reset server-side (updatePtsChanged: "state has to be
 * refetched using updates.getState", core.telegram.org/constructor/updatePtsChanged).
 */
export type Route = Counter | { readonly kind: "channelTooLong"; readonly chatId: string; readonly pts?: number } | { readonly kind: "ptsChanged" };

/**
 * How far below the local pts an update's may start before it is a server-side reset rather than one
 * applied already: "PTS can only go up or drop cardinally". TDLib takes more than 1,000,009 for the common
 * box (UpdatesManager::set_pts) and more than 99,999 for a channel (MessagesManager::set_channel_pts);
 * mtcute takes more than 1,000,009 for both (updates/manager.ts, isPtsDrop).
 */
export const COMMON_PTS_DROP = 1_000_009;
export const CHANNEL_PTS_DROP = 99_999;

/** An update with its route. */
export interface Routed<T> {
  readonly route: Route;
  readonly item: T;
}

/** A live update container: Updates / UpdatesCombined with their seq range, or a short form (seq 0). */
export interface Push<T> {
  /** 0 for a container outside the seq order. */
  readonly seq: number;
  readonly seqStart: number;
  /** 0 when the container has no date. */
  readonly date: number;
  readonly updates: readonly Routed<T>[];
}

/** A box of the message box. */
export type BoxOf<T> = Box<Routed<T>>;

/** What to do, in order. */
export type Decision<T> =
  /** Hand the update on; `box` (none for updates without a pts) was at `before` just before it. */
  | { readonly kind: "apply"; readonly item: T; readonly box: BoxOf<T> | undefined; readonly before: number }
  /** Fetch the box's difference now (its live updates wait meanwhile). */
  | { readonly kind: "fetch"; readonly box: BoxOf<T> }
  /** Updates of the box (or qts or seq, for the common box) wait behind a new gap: give it time to fill, then fetch the difference. */
  | { readonly kind: "gap"; readonly box: BoxOf<T> }
  /** No update of the box's pts waits any more: stop waiting for the gap reported. */
  | { readonly kind: "noGap"; readonly box: BoxOf<T> }
  /** The channel needs its difference but no access hash to ask for it is known: it was forgotten (its next update starts it again). */
  | { readonly kind: "forgotten"; readonly box: BoxOf<T> }
  /**
   * The server reset the common state (`why`): get the state (updates.getState), recover what was missed
   * as on differenceTooLong, and go on from that state (resetTo). The common box's live updates wait meanwhile.
   */
  | { readonly kind: "reset"; readonly box: BoxOf<T>; readonly why: string }
  /** A channel's pts dropped cardinally (reset server-side): it is followed from the update that showed it, at `to`. */
  | { readonly kind: "ptsDrop"; readonly box: BoxOf<T>; readonly from: number; readonly to: number };

/** A slice of updates.getDifference (difference or differenceSlice): new messages, other updates, the state it moves to. */
export interface DifferenceSlice<T> {
  readonly messages: readonly T[];
  readonly updates: readonly Routed<T>[];
  readonly state: CommonState;
}

/** The update state machine; see the module comment. */
export class MessageBox<T> {
  /** The boxes, their access hashes and what to save of them. */
  readonly boxes: Boxes<Routed<T>, Push<T>>;
  private decisions: Decision<T>[] = [];
  private firstStart = false;

  /** A message box whose silences are measured by `clock` (milliseconds; performance.now by default). */
  constructor(clock?: () => number) {
    this.boxes = new Boxes<Routed<T>, Push<T>>(clock);
  }

  /** The common box. */
  get common(): BoxOf<T> {
    return this.boxes.common;
  }

  /** Takes a live container; `firstStart` while replaying what arrived during a first start. */
  process(push: Push<T>, options: { readonly firstStart?: boolean } = {}): Decision<T>[] {
    this.firstStart = options.firstStart === true;
    try {
      if (push.seq === 0) this.applyContainer(push);
      else this.offerContainer(push);
    } finally {
      this.firstStart = false;
    }
    return this.decided();
  }

  /** updatesTooLong: the common difference is needed now. */
  tooLong(): Decision<T>[] {
    this.fetch(this.common);
    return this.decided();
  }

  /** Marks a box as fetching its difference: its live updates wait until endFetch; a gap reported is no longer waited for. */
  beginFetch(box: BoxOf<T>): void {
    box.fetching = true;
    box.gapOpen = false;
  }

  /**
   * A catch-up (start, reconnect), as Telethon's message box does it: the common box, then the channels
   * with a known pts that show a gap or were silent `silenceMs` or longer, are marked fetching (returned in
   * that order). The other channels are not fetched: the common difference names those with news
   * (updateChannelTooLong), as core.telegram.org/api/updates has it ("getChannelDifference does not have to
   * be manually called for all channels on startup").
   */
  beginCatchUp(silenceMs: number): BoxOf<T>[] {
    const channels = this.boxes.knownChannels().filter((box) => box.gapOpen || box.pts.pending > 0 || this.silentFor(box) >= silenceMs);
    const boxes = [this.common, ...channels];
    for (const box of boxes) this.beginFetch(box);
    return boxes;
  }

  /**
   * The boxes (the common one first) not heard of for `silenceMs` or longer and not being fetched: their
   * differences are due ("Long period without updates: no updates for 15 minutes or longer",
   * core.telegram.org/api/updates, Recovering gaps). They are marked fetching.
   */
  silent(silenceMs: number): BoxOf<T>[] {
    const boxes = [this.common, ...this.boxes.knownChannels()].filter((box) => !box.fetching && this.silentFor(box) >= silenceMs);
    for (const box of boxes) this.beginFetch(box);
    return boxes;
  }

  /**
   * A getState answer (the periodic check): a state ahead of ours means something was missed (the common
   * difference is fetched); one behind by more than COMMON_PTS_DROP is a server-side reset; one a little
   * behind is fetched too (getDifference from our pts tells a reset, PERSISTENT_TIMESTAMP_INVALID, from a
   * push that came before the answer was read). Nothing while the common difference is being fetched.
   */
  checkState(state: CommonState): Decision<T>[] {
    const box = this.common;
    const local = this.boxes.counters();
    if (box.fetching || box.pts.value === undefined) return [];
    if (local.pts - state.pts > COMMON_PTS_DROP) this.reset("updates.getState is far below the saved pts");
    else if (state.pts !== local.pts || state.qts > local.qts || state.seq > local.seq) this.fetch(box);
    return this.decided();
  }

  /** The common state was reset server-side: the box goes on from `state` (pts, qts, seq and date); what waited is judged by endFetch. */
  resetTo(state: CommonState): void {
    this.boxes.reset(state);
  }

  /** The counters to call updates.getDifference from. */
  differenceRequest(): CommonState {
    return this.boxes.counters();
  }

  /**
   * Takes a getDifference slice: its messages are applied, its channel updates run through their channels'
   * rules (updateChannelTooLong asks for that channel's difference), its other updates are applied; the
   * common counters move to the slice's state.
   */
  applyDifference(slice: DifferenceSlice<T>): Decision<T>[] {
    const box = this.common;
    const before = box.pts.value!;
    for (const item of slice.messages) this.apply(box, item, before);
    for (const routed of slice.updates) {
      const { route } = routed;
      if (route.kind === "pts" && route.box === "channel") this.offer(routed);
      else if (route.kind === "channelTooLong") this.channelTooLong(route.chatId, route.pts);
      else this.apply(box, routed.item, before);
    }
    box.pts.set(slice.state.pts);
    box.watermark.advance(slice.state.pts);
    this.boxes.qts.set(slice.state.qts);
    this.boxes.seq.set(slice.state.seq);
    this.boxes.date = slice.state.date;
    this.boxes.markChanged(box);
    return this.decided();
  }

  /** Takes differenceEmpty: nothing was missed; date and seq move. */
  applyDifferenceEmpty(date: number, seq: number): void {
    this.boxes.date = date;
    this.boxes.seq.set(seq);
    this.boxes.markChanged(this.common);
  }

  /** Takes a getChannelDifference slice: its messages and updates (in that order) are applied; the channel moves to `pts`. */
  applyChannelDifference(box: BoxOf<T>, items: readonly T[], pts: number): Decision<T>[] {
    const before = box.pts.value!;
    for (const item of items) this.apply(box, item, before);
    this.moveTo(box, pts);
    return this.decided();
  }

  /** The server moved the box to `pts` (an empty channel difference, or the end of a tooLong answer). */
  moveTo(box: BoxOf<T>, pts: number): void {
    box.pts.set(pts);
    box.watermark.advance(pts);
    this.boxes.markChanged(box);
  }

  /** A tooLong gap skipped to `pts`: the live updates of it that did arrive (they waited behind it) are applied, then the box moves. */
  skipTo(box: BoxOf<T>, pts: number): Decision<T>[] {
    for (const { item, before } of box.pts.takeUpTo(pts)) this.apply(box, item.item, before);
    this.moveTo(box, pts);
    return this.decided();
  }

  /**
   * The box's fetch ended (`from`: its pts when the fetch began): what waited and now fits is applied (the
   * updates of a forgotten channel start it again); a gap still open is fetched again at once when the fetch
   * moved the box, and given time otherwise.
   */
  endFetch(box: BoxOf<T>, from: number | undefined): Decision<T>[] {
    box.fetching = false;
    this.hear(box);
    if (box === this.common) {
      for (const ready of this.boxes.seq.takeReady().ready) this.applyContainer(ready.item);
      this.applyReady(undefined, this.boxes.qts.takeReady().ready);
    }
    if (!this.boxes.isFollowed(box)) {
      for (const routed of box.pts.clear()) this.offer(routed);
      return this.decided();
    }
    this.applyReady(box, box.pts.takeReady().ready);
    this.boxes.markChanged(box);
    if (box.pts.value !== undefined && this.waiting(box) > 0) {
      if (box.pts.value !== from) this.fetch(box);
      else this.gap(box);
    }
    return this.decided();
  }

  // ------------------------------------------------------------------------------------------------

  private decided(): Decision<T>[] {
    const decisions = this.decisions;
    this.decisions = [];
    return decisions;
  }

  private offerContainer(push: Push<T>): void {
    const { seq } = this.boxes;
    this.hear(this.common);
    const count = push.seq - push.seqStart + 1;
    if (this.common.fetching) {
      seq.hold(push.seq, count, push);
      return;
    }
    for (const ready of seq.offer(push.seq, count, push).ready) this.applyContainer(ready.item);
    if (seq.pending > 0) this.gap(this.common);
    else this.noGap(this.common);
    this.boxes.markChanged(this.common);
  }

  private applyContainer(push: Push<T>): void {
    for (const routed of push.updates) this.offer(routed);
    this.boxes.date = Math.max(this.boxes.date, push.date);
  }

  /** Runs one update through its counter's rules (or straight through when it has none). */
  private offer(routed: Routed<T>): void {
    const { route, item } = routed;
    if (route.kind === "none") {
      this.apply(undefined, item, 0);
      return;
    }
    if (route.kind === "channelTooLong") {
      this.channelTooLong(route.chatId, route.pts);
      return;
    }
    const common = this.common;
    if (route.kind === "ptsChanged") {
      this.apply(undefined, item, 0);
      if (!this.firstStart) this.reset("updatePtsChanged");
      return;
    }
    if (route.kind === "qts") {
      this.hear(common);
      const { qts } = this.boxes;
      const known = qts.value;
      if (this.firstStart && known !== undefined && route.qts <= known) {
        this.apply(undefined, item, 0);
        return;
      }
      if (common.fetching) qts.hold(route.qts, 1, routed);
      else this.applyReady(undefined, qts.offer(route.qts, 1, routed).ready);
      if (qts.pending > 0) this.gap(common);
      else this.noGap(common);
      this.boxes.markChanged(common);
      return;
    }
    const box = route.box === "common" ? common : this.boxes.channel(route.chatId, undefined);
    this.hear(box);
    if (box.fetching) {
      box.pts.hold(route.pts, route.ptsCount, routed);
      return;
    }
    let known = box.pts.value;
    const start = route.pts - route.ptsCount;
    if (!this.firstStart && known !== undefined && known - start > (box === common ? COMMON_PTS_DROP : CHANNEL_PTS_DROP)) {
      if (box === common) {
        box.pts.hold(route.pts, route.ptsCount, routed);
        this.reset(`a live update's pts is ${known - start} below the saved one`);
        return;
      }
      this.decisions.push({ kind: "ptsDrop", box, from: known, to: start });
      box.pts.set(start);
      box.watermark.reset(start);
      known = start;
    }
    if (this.firstStart && known !== undefined && route.pts <= known) {
      this.apply(box, item, known);
      return;
    }
    const offered = box.pts.offer(route.pts, route.ptsCount, routed);
    if (known === undefined && offered.ready.length > 0) box.watermark.reset(offered.ready[0].before);
    this.applyReady(box, offered.ready);
    if (box.pts.pending > 0) this.gap(box);
    else this.noGap(box);
  }

  private applyReady(box: BoxOf<T> | undefined, ready: readonly Ready<Routed<T>>[]): void {
    for (const { item, before, end } of ready) {
      this.apply(box, item.item, before);
      box?.watermark.advance(end);
    }
    if (box !== undefined && ready.length > 0) this.boxes.markChanged(box);
  }

  /** updateChannelTooLong (pushed, or in a difference): the channel has updates to fetch. */
  private channelTooLong(chatId: string, pts: number | undefined): void {
    const box = this.boxes.channel(chatId, pts);
    if (box.pts.value !== undefined) this.fetch(box);
  }

  /** Asks for a reset of the common state (live updates of the common box wait meanwhile). */
  private reset(why: string): void {
    this.beginFetch(this.common);
    this.decisions.push({ kind: "reset", box: this.common, why });
  }

  /** The box was heard of now (an update of it came, or its difference was fetched). */
  private hear(box: BoxOf<T>): void {
    box.heardAt = this.boxes.clock();
  }

  /** For how long the box was not heard of. */
  private silentFor(box: BoxOf<T>): number {
    return this.boxes.clock() - box.heardAt;
  }

  private fetch(box: BoxOf<T>): void {
    this.beginFetch(box);
    if (box !== this.common && this.boxes.accessHash(box.key) === undefined) {
      this.boxes.forget(box);
      this.decisions.push({ kind: "forgotten", box });
      return;
    }
    this.decisions.push({ kind: "fetch", box });
  }

  /** A gap is open in the box (or in the qts or seq beside the common box): reported once, unless its difference is being fetched. */
  private gap(box: BoxOf<T>): void {
    if (box.fetching || box.gapOpen) return;
    box.gapOpen = true;
    this.decisions.push({ kind: "gap", box });
  }

  /** How many updates wait in the box: its pts, and for the common box the qts and seq beside it too. */
  private waiting(box: BoxOf<T>): number {
    return box.pts.pending + (box === this.common ? this.boxes.seq.pending + this.boxes.qts.pending : 0);
  }

  /** Nothing waits in the box any more (for the common box: nor in its qts or seq): a gap reported is closed. */
  private noGap(box: BoxOf<T>): void {
    if (!box.gapOpen || this.waiting(box) > 0) return;
    box.gapOpen = false;
    this.decisions.push({ kind: "noGap", box });
  }

  private apply(box: BoxOf<T> | undefined, item: T, before: number): void {
    this.decisions.push({ kind: "apply", item, box, before });
  }
}
