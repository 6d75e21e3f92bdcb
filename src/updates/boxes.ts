/**
 * The account's update boxes and what is known about them, pure (no I/O, no timers, no GramJS): the common
 * box (the account's pts, with qts, seq and date beside it) and a box per channel followed (its pts), each
 * with the updates waiting behind a gap and the watermark of what it is safe to save; the channels' access
 * hashes; and which boxes changed since their state was last saved. The message box (messageBox.ts) applies
 * Telegram's rules to them; this module only keeps them.
 */
import { Sequence } from "./sequence.js";
import type { ChannelState, CommonState } from "./stateStore.js";
import { type Hold, Watermark } from "./watermark.js";

/** One pts box: the common box or a channel's; `W` is what waits behind a gap. */
export class Box<W> {
  /** The box's pts, with the updates waiting behind a gap. */
  readonly pts: Sequence<W>;
  /** How far the box may be saved while messages of it are being handled. */
  readonly watermark: Watermark;
  /** The value last saved (channels; the common box's is the common state last saved). */
  saved: number | undefined;
  /** While its difference is fetched (or queued to be), its live updates wait. */
  fetching = false;
  /** A gap was reported and is being given time to fill. */
  gapOpen = false;

  /**
   * A box known by `key` ("common", or the channel's marked id) at `pts` (undefined: not known yet), last
   * heard of at `heardAt` (milliseconds of the message box's clock: when it was created, or an update or a
   * difference of it came).
   */
  constructor(
    readonly key: string,
    pts: number | undefined,
    public heardAt = 0,
  ) {
    this.pts = new Sequence<W>(pts);
    this.watermark = new Watermark(pts ?? 0);
  }
}

/** The key of the common box. */
export const COMMON = "common";

/** The box states to save (the part of a StateChange they make). */
export interface BoxChanges {
  readonly common?: CommonState;
  readonly channels: { readonly chatId: string; readonly pts: number }[];
}

/** Every box of the account; `W` waits in the pts and qts counters, `C` (update containers) in the seq counter. */
export class Boxes<W, C> {
  readonly common: Box<W>;
  /** The account's qts (updates past a gap wait here). */
  readonly qts = new Sequence<W>(undefined);
  /** The seq of Updates / UpdatesCombined containers (containers past a gap wait here). */
  readonly seq = new Sequence<C>(undefined);
  /** The date of the common state. */
  date = 0;
  /** The common state last saved; undefined until the starting state is known (nothing is saved before). */
  private savedCommon: CommonState | undefined;
  private readonly channels = new Map<string, Box<W>>();
  private readonly accessHashes = new Map<string, string>();
  private readonly changed = new Set<Box<W>>();

  /** The boxes, created now by `clock` (milliseconds; what each box's heardAt is measured by). */
  constructor(readonly clock: () => number = () => performance.now()) {
    this.common = new Box<W>(COMMON, undefined, clock());
  }

  /** Takes what was saved of the channels: their access hashes, and the pts of those that had one. */
  load(channels: readonly ChannelState[]): void {
    for (const channel of channels) {
      if (channel.accessHash !== undefined) this.accessHashes.set(channel.chatId, channel.accessHash);
      if (channel.pts !== undefined) this.channel(channel.chatId, channel.pts).saved = channel.pts;
    }
  }

  /** Starts from a saved common state (catch-up goes on from it). */
  start(state: CommonState): void {
    this.setCommon(state);
    this.savedCommon = state;
  }

  /**
   * Takes the server's current state as the starting point (a first start, or catch-up off): the common
   * state, and each channel of `channels` at its pts; the other channels are forgotten (returned). The state
   * returned is recorded as saved: the caller saves it.
   */
  restart(state: CommonState, channels: readonly { readonly chatId: string; readonly pts: number }[]): { forgotten: Box<W>[]; common: CommonState } {
    this.setCommon(state);
    const current = new Set(channels.map((channel) => channel.chatId));
    const forgotten = [...this.channels.values()].filter((box) => !current.has(box.key));
    for (const box of forgotten) this.forget(box);
    for (const { chatId, pts } of channels) {
      const box = this.channel(chatId, pts);
      box.pts.set(pts);
      box.watermark.reset(pts);
      box.saved = pts;
    }
    const common = this.safeCommon();
    this.savedCommon = common;
    return { forgotten, common };
  }

  /**
   * The server reset the common state (a pts drop, PERSISTENT_TIMESTAMP_INVALID): the box goes on from
   * `state`, all of it (pts, qts, seq and date: moving pts alone would ask from the stale date again).
   */
  reset(state: CommonState): void {
    this.setCommon(state);
    this.markChanged(this.common);
  }

  /** The common counters as they are now (what updates.getDifference is asked from). */
  counters(): CommonState {
    return { pts: this.common.pts.value ?? 0, qts: this.qts.value ?? 0, seq: this.seq.value ?? 0, date: this.date };
  }

  /** A channel's box, created when new; a pts given for a box whose pts is not known yet becomes its pts. */
  channel(chatId: string, pts: number | undefined): Box<W> {
    let box = this.channels.get(chatId);
    if (box === undefined) {
      box = new Box<W>(chatId, pts, this.clock());
      this.channels.set(chatId, box);
    } else if (box.pts.value === undefined && pts !== undefined) {
      box.pts.set(pts);
      box.watermark.reset(pts);
    }
    return box;
  }

  /** Whether the box is still the one followed for its key (a forgotten channel's box is not). */
  isFollowed(box: Box<W>): boolean {
    return box === this.common || this.channels.get(box.key) === box;
  }

  /** The channels whose pts is known (those a catch-up fetches). */
  knownChannels(): Box<W>[] {
    return [...this.channels.values()].filter((box) => box.pts.value !== undefined);
  }

  /** Stops following a channel: its box and access hash are dropped (its next update starts it again). */
  forget(box: Box<W>): void {
    this.channels.delete(box.key);
    this.accessHashes.delete(box.key);
  }

  /** Remembers a channel's access hash; true when it is new or changed (to be saved). */
  noteAccessHash(chatId: string, accessHash: string): boolean {
    if (this.accessHashes.get(chatId) === accessHash) return false;
    this.accessHashes.set(chatId, accessHash);
    return true;
  }

  /** A channel's access hash, if one was seen. */
  accessHash(chatId: string): string | undefined {
    return this.accessHashes.get(chatId);
  }

  /** Keeps the box's saved value at or before `before` until the hold is released (its message is being handled). */
  hold(box: Box<W>, before: number): Hold {
    return box.watermark.hold(before);
  }

  /** Releases a hold (its message was handled): the box may be saved further. */
  release(box: Box<W>, hold: Hold): void {
    box.watermark.release(hold);
    this.markChanged(box);
  }

  /** Notes that a box's state changed (the next takeChanges looks at it). */
  markChanged(box: Box<W>): void {
    this.changed.add(box);
  }

  /** Whether a box changed since the last takeChanges. */
  get hasChanges(): boolean {
    return this.changed.size > 0;
  }

  /**
   * The safe states of the boxes that changed and differ from what was saved, now recorded as saved (the
   * caller saves them). Nothing before the starting state is known: the changes are kept until then.
   */
  takeChanges(): BoxChanges {
    const changes: { common?: CommonState; channels: { chatId: string; pts: number }[] } = { channels: [] };
    if (this.savedCommon === undefined) return changes;
    const blocked = new Set<Box<W>>();
    for (const box of this.changed) {
      // Messages of the sequence before a server-side reset are still being handled: saved once they are (release marks it changed).
      if (box.watermark.blocked) {
        blocked.add(box);
        continue;
      }
      if (box === this.common) {
        const state = this.safeCommon();
        const saved = this.savedCommon;
        if (saved.pts === state.pts && saved.qts === state.qts && saved.seq === state.seq && saved.date === state.date) continue;
        this.savedCommon = state;
        changes.common = state;
      } else if (this.channels.get(box.key) === box && box.pts.value !== undefined) {
        const safe = box.watermark.safe;
        if (box.saved === safe) continue;
        box.saved = safe;
        changes.channels.push({ chatId: box.key, pts: safe });
      }
    }
    this.changed.clear();
    for (const box of blocked) this.changed.add(box);
    return changes;
  }

  private setCommon(state: CommonState): void {
    this.common.pts.set(state.pts);
    this.common.watermark.reset(state.pts);
    this.qts.set(state.qts);
    this.seq.set(state.seq);
    this.date = state.date;
  }

  /** The common state it is safe to save. */
  private safeCommon(): CommonState {
    return { ...this.counters(), pts: this.common.watermark.safe };
  }
}
