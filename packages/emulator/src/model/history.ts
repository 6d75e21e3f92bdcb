/** History windows: the page of a chat's messages that messages.getHistory returns. */
import { chatMessageIds, lowerBound } from "./boxIndex.js";
import type { MessageBox, MessageRecord, PeerRef } from "./records.js";

/** messages.getHistory's paging parameters. */
export interface HistoryQuery {
  offsetId: number;
  offsetDate: number;
  addOffset: number;
  limit: number;
  maxId: number;
  minId: number;
}

export interface HistoryPage {
  /** Newest first. */
  messages: MessageRecord[];
  /** Messages in the whole chat. */
  count: number;
  /** Position of messages[0] in the whole chat, newest first (when paging by offset). */
  offsetIdOffset?: number;
  /** The page holds the whole chat: messages.messages rather than messagesSlice. */
  complete: boolean;
}

/** Most messages one history call returns, as on Telegram. */
export const HISTORY_LIMIT = 100;

/**
 * A page of history as messages.getHistory computes it: messages newest first, starting at the
 * first message older than offset_id (or sent before offset_date), moved by add_offset (negative
 * values reach newer messages), at most `limit` (≤ 100), only ids in (min_id, max_id) when those
 * are given. With `peer`, only that chat's messages of the box; without, the whole box (a channel).
 */
export function historyWindow(box: MessageBox, query: HistoryQuery, peer?: PeerRef): HistoryPage {
  const ids = peer ? chatMessageIds(box, peer) : Array.from(box.messages.keys());
  const lo = query.minId > 0 ? lowerBound(ids, query.minId + 1) : 0;
  const hi = query.maxId > 0 ? lowerBound(ids, query.maxId) : ids.length;
  let p = hi;
  if (query.offsetId > 0) {
    p = Math.min(Math.max(lowerBound(ids, query.offsetId), lo), hi);
  } else if (query.offsetDate > 0) {
    let a = lo;
    let b = hi;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if ((box.messages.get(ids[mid])?.date ?? 0) < query.offsetDate) a = mid + 1;
      else b = mid;
    }
    p = a;
  }
  const limit = Math.min(Math.max(query.limit, 0), HISTORY_LIMIT);
  const start = Math.max(hi - p + query.addOffset, 0);
  const end = Math.min(hi - p + query.addOffset + limit, hi - lo);
  const messages: MessageRecord[] = [];
  for (let k = start; k < end; k++) {
    const record = box.messages.get(ids[hi - 1 - k]);
    if (record) messages.push(record);
  }
  const paged = query.offsetId > 0 || query.offsetDate > 0;
  return {
    messages,
    count: ids.length,
    offsetIdOffset: paged ? ids.length - hi + start : undefined,
    complete: messages.length === ids.length,
  };
}
