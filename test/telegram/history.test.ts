/**
 * HistoryCursor's paging against an in-memory model of messages.getHistory's offset rules
 * (core.telegram.org/api/offsets): each message once, in order, both ways, within the bounds; a page that
 * fails leaves the walk where it was, so asking again goes on without loss or repeat.
 */
import { describe, expect, it } from "vitest";
import { type Dated, HistoryCursor, type HistoryQuery } from "../../src/telegram/history.js";

/** Messages 1..n (with gaps where `missing`), dated one per 10 s; getHistory over them, newest first. */
function chat(n: number, missing: (id: number) => boolean = () => false) {
  const all: Dated[] = [];
  for (let id = 1; id <= n; id += 1) if (!missing(id)) all.push({ messageId: id, date: 1000 + id * 10 });
  const calls: HistoryQuery[] = [];
  const fetch = async (q: HistoryQuery): Promise<Dated[]> => {
    calls.push(q);
    const ids = all.filter((m) => (q.minId === 0 || m.messageId > q.minId) && (q.maxId === 0 || m.messageId < q.maxId));
    let p = ids.length;
    if (q.offsetId > 0) p = ids.findIndex((m) => m.messageId >= q.offsetId);
    else if (q.offsetDate > 0) p = ids.findIndex((m) => m.date >= q.offsetDate);
    if (p < 0) p = ids.length;
    const start = Math.max(ids.length - p + q.addOffset, 0);
    const end = Math.min(ids.length - p + q.addOffset + q.limit, ids.length);
    const newestFirst = [...ids].reverse();
    return newestFirst.slice(start, end);
  };
  return { all, calls, fetch };
}

async function ids(cursor: AsyncIterable<Dated>): Promise<number[]> {
  const out: number[] = [];
  for await (const m of cursor) out.push(m.messageId);
  return out;
}

describe("HistoryCursor", () => {
  it("walks every message once, newest or oldest first, in pages of 100", async () => {
    const { all, calls, fetch } = chat(1_050, (id) => id % 7 === 0);
    const expected = all.map((m) => m.messageId);
    expect(await ids(new HistoryCursor(fetch))).toEqual([...expected].reverse());
    expect(calls.every((q) => q.limit === 100)).toBe(true);
    expect(await ids(new HistoryCursor(fetch, { order: "oldest" }))).toEqual(expected);
  });

  it("keeps to id and date bounds, inclusive, and to a limit", async () => {
    const { fetch } = chat(500);
    const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, k) => a + k);
    expect(await ids(new HistoryCursor(fetch, { fromId: 120, toId: 340 }))).toEqual(range(120, 340).reverse());
    expect(await ids(new HistoryCursor(fetch, { order: "oldest", fromId: 120, toId: 340 }))).toEqual(range(120, 340));
    // Message n is dated 1000 + 10n: dates 2000..3000 are messages 100..200.
    expect(await ids(new HistoryCursor(fetch, { fromDate: 2000, toDate: 3000 }))).toEqual(range(100, 200).reverse());
    expect(await ids(new HistoryCursor(fetch, { order: "oldest", fromDate: 2000, toDate: 3000 }))).toEqual(range(100, 200));
    expect(await ids(new HistoryCursor(fetch, { order: "oldest", limit: 3 }))).toEqual([1, 2, 3]);
  });

  it("after a failed page, asking again goes on where it was", async () => {
    const { fetch } = chat(250);
    let failures = 2;
    const flaky = async (q: HistoryQuery) => {
      if (q.offsetId > 0 && failures-- > 0) throw new Error("FLOOD_WAIT_1");
      return fetch(q);
    };
    const cursor = new HistoryCursor(flaky, { order: "oldest" });
    const seen: number[] = [];
    while (true) {
      const step = await cursor.next().catch(() => undefined);
      if (step === undefined) continue;
      if (step.done) break;
      seen.push(step.value.messageId);
    }
    expect(seen).toEqual(Array.from({ length: 250 }, (_, k) => k + 1));
  });
});
