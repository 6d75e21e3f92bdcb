/**
 * Paging a chat's history with messages.getHistory as core.telegram.org/api/offsets describes it: pages of
 * 100; newest first by moving offset_id to the oldest message of the last page; oldest first by asking for
 * the messages at and after offset_id (add_offset = -limit) and moving offset_id past the newest one.
 * Bounds: min_id / max_id are exclusive, offset_date returns messages sent before it. Pure: the page fetch
 * is given.
 */
import type { HistoryOptions } from "../handlers/gateway.js";

/** messages.getHistory's paging parameters. */
export interface HistoryQuery {
  readonly offsetId: number;
  readonly offsetDate: number;
  readonly addOffset: number;
  readonly limit: number;
  readonly maxId: number;
  readonly minId: number;
}

/** Most messages one getHistory call returns. */
export const HISTORY_PAGE = 100;

/** What the cursor needs of a message. */
export interface Dated {
  readonly messageId: number;
  readonly date: number;
}

/**
 * An async iterator over a chat's history. A failed page fetch leaves it where it was, so `next()` may be
 * called again after an error (the flood-wait guard retries it that way).
 */
export class HistoryCursor<T extends Dated> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private last: T | undefined;
  private yielded = 0;
  private finished = false;

  /** `fetch` answers one getHistory query with its messages, newest first, as Telegram does. */
  constructor(
    private readonly fetch: (query: HistoryQuery) => Promise<readonly T[]>,
    private readonly options: HistoryOptions = {},
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<T, undefined>> {
    if (this.options.limit !== undefined && this.yielded >= this.options.limit) this.finished = true;
    while (this.buffer.length === 0 && !this.finished) this.accept(await this.fetch(this.query()));
    const item = this.buffer.shift();
    if (item === undefined || (this.options.limit !== undefined && this.yielded >= this.options.limit)) {
      this.finished = true;
      return { done: true, value: undefined };
    }
    this.yielded += 1;
    return { done: false, value: item };
  }

  async return(): Promise<IteratorResult<T, undefined>> {
    this.finished = true;
    this.buffer.length = 0;
    return { done: true, value: undefined };
  }

  /** The next page's query. */
  query(): HistoryQuery {
    const { order = "newest", fromId, toId, fromDate, toDate } = this.options;
    if (order === "newest") {
      return {
        offsetId: this.last?.messageId ?? (toId === undefined ? 0 : toId + 1),
        offsetDate: this.last === undefined && toDate !== undefined ? toDate + 1 : 0,
        addOffset: 0,
        limit: HISTORY_PAGE,
        maxId: 0,
        minId: fromId === undefined ? 0 : Math.max(0, fromId - 1),
      };
    }
    const start = this.last === undefined && fromId === undefined && fromDate !== undefined;
    return {
      offsetId: this.last !== undefined ? this.last.messageId + 1 : start ? 0 : Math.max(1, fromId ?? 1),
      offsetDate: start ? fromDate : 0,
      addOffset: -HISTORY_PAGE,
      limit: HISTORY_PAGE,
      maxId: toId === undefined ? 0 : toId + 1,
      minId: 0,
    };
  }

  /** Takes a page (newest first): keeps the messages within the bounds, in the walk's order; an empty or out-of-bounds page ends the walk. */
  private accept(page: readonly T[]): void {
    const { order = "newest", fromId, toId, fromDate, toDate } = this.options;
    const ordered = order === "newest" ? [...page] : [...page].reverse();
    const last = this.last;
    const fresh = ordered.filter((item) => last === undefined || (order === "newest" ? item.messageId < last.messageId : item.messageId > last.messageId));
    if (fresh.length === 0) {
      this.finished = true;
      return;
    }
    this.last = fresh.at(-1);
    for (const item of fresh) {
      const before = (fromId !== undefined && item.messageId < fromId) || (fromDate !== undefined && item.date < fromDate);
      const after = (toId !== undefined && item.messageId > toId) || (toDate !== undefined && item.date > toDate);
      if (order === "newest" ? before : after) {
        this.finished = true;
        return;
      }
      if (!before && !after) this.buffer.push(item);
    }
  }
}
