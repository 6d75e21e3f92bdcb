/**
 * The exactly-once ledger over a real (in-memory) update state store: what it admits, how it counts, what
 * it records and when (one transaction with the box states, on the next turn of the event loop, at once
 * after stop), and the account's own messages recorded at once.
 */
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/store/database.js";
import type { BoxChanges } from "../../src/updates/boxes.js";
import { Ledger } from "../../src/updates/ledger.js";
import { type StateChange, UpdateStateStore } from "../../src/updates/stateStore.js";

const NOW = 1_700_000_000;
/** Lets the ledger save what it saves "soon" (on the next turn of the event loop). */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

function setup(options: { maxAgeSeconds?: number; boxes?: () => BoxChanges } = {}) {
  const store = new UpdateStateStore(openDatabase(":memory:"));
  const commits: StateChange[] = [];
  const commit = store.commit.bind(store);
  store.commit = (change) => {
    commits.push(change);
    commit(change);
  };
  const ledger = new Ledger({
    store,
    maxAgeSeconds: options.maxAgeSeconds ?? 0,
    now: () => NOW,
    boxChanges: options.boxes ?? (() => ({ channels: [] })),
  });
  return { store, ledger, commits };
}

describe("admitting a message", () => {
  it("admits a new message once: a repeat is a duplicate while it is in flight and once it is recorded", async () => {
    const { ledger } = setup();
    expect(ledger.admit("5", 1, NOW, false)).toBe(true);
    expect(ledger.admit("5", 1, NOW, true)).toBe(false);
    ledger.handled("5", 1);
    expect(ledger.admit("5", 1, NOW, false)).toBe(false);
    await nextTurn();
    expect(ledger.admit("5", 1, NOW, false)).toBe(false);
    expect(ledger.admit("6", 1, NOW, false)).toBe(true);
    expect(ledger.stats()).toEqual({ received: 2, duplicates: 3, tooOld: 0 });
  });

  it("does not admit a caught-up message older than the age limit; a live one of any age is admitted", () => {
    const { ledger } = setup({ maxAgeSeconds: 3600 });
    expect(ledger.admit("5", 1, NOW - 7200, true)).toBe(false);
    expect(ledger.admit("5", 2, NOW - 60, true)).toBe(true);
    expect(ledger.admit("5", 3, NOW - 7200, false)).toBe(true);
    expect(ledger.stats()).toEqual({ received: 2, duplicates: 0, tooOld: 1 });
  });

  it("with no age limit, admits caught-up messages of any age", () => {
    const { ledger } = setup();
    expect(ledger.admit("5", 1, 0, true)).toBe(true);
  });
});

describe("recording", () => {
  it("records the messages handled in one turn with the box states they let save, in one transaction", async () => {
    let boxes: BoxChanges = { channels: [] };
    const { ledger, store, commits } = setup({ boxes: () => boxes });
    ledger.admit("5", 1, NOW, false);
    ledger.admit("-10077", 41, NOW, false);
    ledger.handled("5", 1);
    boxes = { common: { pts: 101, qts: 0, seq: 0, date: NOW }, channels: [{ chatId: "-10077", pts: 301 }] };
    ledger.handled("-10077", 41);
    expect(commits).toEqual([]);
    await nextTurn();
    expect(commits).toEqual([
      {
        common: { pts: 101, qts: 0, seq: 0, date: NOW },
        channels: [{ chatId: "-10077", pts: 301 }],
        handled: [
          { chatId: "5", messageId: 1, kind: "new" },
          { chatId: "-10077", messageId: 41, kind: "new" },
        ],
      },
    ]);
    expect(store.isHandled({ chatId: "-10077", messageId: 41, kind: "new" })).toBe(true);
  });

  it("saves box states alone when nothing was handled, and commits nothing when nothing changed", async () => {
    let boxes: BoxChanges = { channels: [{ chatId: "-10077", pts: 301 }] };
    const { ledger, commits } = setup({ boxes: () => boxes });
    ledger.saveSoon();
    ledger.saveSoon();
    await nextTurn();
    boxes = { channels: [] };
    ledger.saveSoon();
    await nextTurn();
    expect(commits).toEqual([{ channels: [{ chatId: "-10077", pts: 301 }], handled: [] }]);
  });

  it("after stop, records each handled message at once", () => {
    const { ledger, store } = setup();
    ledger.admit("5", 1, NOW, false);
    ledger.stop();
    ledger.handled("5", 1);
    expect(store.isHandled({ chatId: "5", messageId: 1, kind: "new" })).toBe(true);
  });

  it("records the account's own sent messages at once: they are never admitted", () => {
    const { ledger, store } = setup();
    ledger.recordOwn("5", 7);
    expect(store.isHandled({ chatId: "5", messageId: 7, kind: "new" })).toBe(true);
    expect(ledger.admit("5", 7, NOW, true)).toBe(false);
  });
});

describe("events keyed by kind", () => {
  it("admits each edit of a message once by its edit date, apart from the message itself, and never moves the chat's cursor", async () => {
    const { ledger, store } = setup();
    expect(ledger.admit("5", 1, NOW, false)).toBe(true);
    ledger.handled("5", 1);
    const edit = (date: number) => [{ chatId: "5", messageId: 1, kind: `edit:${date}` }];
    expect(ledger.admitKeys(edit(NOW + 1), NOW + 1, false)).toHaveLength(1);
    expect(ledger.admitKeys(edit(NOW + 1), NOW + 1, true)).toEqual([]);
    ledger.handledKeys(edit(NOW + 1));
    await nextTurn();
    expect(ledger.admitKeys(edit(NOW + 1), NOW + 1, true)).toEqual([]);
    expect(ledger.admitKeys(edit(NOW + 2), NOW + 2, false)).toHaveLength(1);
    ledger.handledKeys([{ chatId: "5", messageId: 999, kind: `edit:${NOW + 3}` }]);
    await nextTurn();
    expect(store.cursor("5")).toBe(1);
  });

  it("admits the ids of a deletion not handed on yet, and knows the chats of the common box's messages", async () => {
    const { ledger } = setup();
    const deleted = (...ids: number[]) => ids.map((messageId) => ({ chatId: "common", messageId, kind: "delete" }));
    expect(ledger.admitKeys(deleted(1, 2), undefined, false)).toHaveLength(2);
    ledger.handledKeys(deleted(1, 2));
    await nextTurn();
    expect(ledger.admitKeys(deleted(1, 2, 3), undefined, true).map((key) => key.messageId)).toEqual([3]);
    expect(ledger.admit("-10077", 6, NOW, false)).toBe(true);
    expect(ledger.admit("-9", 7, NOW, false, true)).toBe(true);
    expect(ledger.chatOf(6)).toBeUndefined();
    expect(ledger.chatOf(7)).toBe("-9");
    ledger.handled("-10077", 6);
    ledger.handled("-9", 7);
    await nextTurn();
    expect(ledger.chatOf(6)).toBeUndefined();
    expect(ledger.chatOf(7)).toBe("-9");
    expect(ledger.chatOf(8)).toBeUndefined();
  });
});
