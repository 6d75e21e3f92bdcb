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
 *
 * `T` is what an update is to the caller (it is handed back untouched); the I/O loop beside this
 * (recovery.ts) makes the calls, keeps the timers and retries, and follows the decisions.
 */
import { type Box, Boxes } from "./boxes.js";
import type { Counter } from "./classify.js";
import type { Ready } from "./sequence.js";
import type { CommonState } from "./stateStore.js";

/** What an update moves: a counter (classify.ts's counterOf), or nothing but a channel to fetch. */
export type Route = Counter | { readonly kind: "channelTooLong"; readonly chatId: string; readonly pts?: number };

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
  | { readonly kind: "forgotten"; readonly box: BoxOf<T> };

/** A slice of updates.getDifference (difference or differenceSlice): new messages, other updates, the state it moves to. */
export interface DifferenceSlice<T> {
  readonly messages: readonly T[];
  readonly updates: readonly Routed<T>[];
  readonly state: CommonState;
}

/** The update state machine; see the module comment. */
export class MessageBox<T> {
  /** The boxes, their access hashes and what to save of them. */
  readonly boxes = new Boxes<Routed<T>, Push<T>>();
  private decisions: Decision<T>[] = [];
  private firstStart = false;

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

  /** A catch-up: the common box and every channel with a known pts are marked fetching (returned in that order). */
  beginCatchUp(): BoxOf<T>[] {
    const boxes = [this.common, ...this.boxes.knownChannels()];
    for (const box of boxes) this.beginFetch(box);
    return boxes;
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
    if (route.kind === "qts") {
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
    if (box.fetching) {
      box.pts.hold(route.pts, route.ptsCount, routed);
      return;
    }
    const known = box.pts.value;
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
