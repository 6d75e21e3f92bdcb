import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/store/database.js";
import { UpdateStateStore } from "../../src/updates/stateStore.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("UpdateStateStore", () => {
  it("has nothing saved for a new session", () => {
    const store = new UpdateStateStore(openDatabase(":memory:"));
    expect(store.load()).toEqual({ common: undefined, channels: [], cursors: new Map() });
  });

  it("keeps the state, channels, cursors and handled messages across reopening the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "updates-store-"));
    dirs.push(dir);
    const file = join(dir, "session.db");
    const db = openDatabase(file);
    const store = new UpdateStateStore(db);
    store.commit({ common: { pts: 10, qts: 1, seq: 2, date: 1000 }, channels: [{ chatId: "-1005", pts: 7 }], cursors: [{ chatId: "42", messageId: 3 }] });
    store.saveAccessHash("-1005", "-123456789");
    store.saveAccessHash("-1009", "99");
    store.commit({ handled: [{ chatId: "-1005", messageId: 8, kind: "new" }], channels: [{ chatId: "-1005", pts: 8 }] });
    db.close();

    const reopened = new UpdateStateStore(openDatabase(file));
    expect(reopened.load()).toEqual({
      common: { pts: 10, qts: 1, seq: 2, date: 1000 },
      channels: [
        { chatId: "-1005", pts: 8, accessHash: "-123456789" },
        { chatId: "-1009", pts: undefined, accessHash: "99" },
      ],
      cursors: new Map([
        ["42", 3],
        ["-1005", 8],
      ]),
    });
    expect(reopened.isHandled({ chatId: "-1005", messageId: 8, kind: "new" })).toBe(true);
    expect(reopened.isHandled({ chatId: "-1005", messageId: 8, kind: "edit" })).toBe(false);
    expect(reopened.cursor("-1005")).toBe(8);
    expect(reopened.cursor("7")).toBeUndefined();
  });

  it("records a handled message and the state it allows in one transaction (a failure saves neither)", () => {
    const db = openDatabase(":memory:");
    const store = new UpdateStateStore(db);
    store.commit({ common: { pts: 1, qts: 0, seq: 0, date: 1 } });
    db.exec("CREATE TRIGGER refuse BEFORE UPDATE ON updates_state BEGIN SELECT RAISE(ABORT, 'refused'); END");
    expect(() => store.commit({ handled: [{ chatId: "1", messageId: 2, kind: "new" }], common: { pts: 2, qts: 0, seq: 0, date: 2 } })).toThrow(/refused/);
    expect(store.isHandled({ chatId: "1", messageId: 2, kind: "new" })).toBe(false);
    expect(store.load().common?.pts).toBe(1);
  });

  it("never lowers a chat's cursor", () => {
    const store = new UpdateStateStore(openDatabase(":memory:"));
    store.commit({ cursors: [{ chatId: "1", messageId: 50 }] });
    store.commit({ handled: [{ chatId: "1", messageId: 40, kind: "new" }] });
    expect(store.cursor("1")).toBe(50);
  });

  it("bounds the ledger: the oldest handled messages go first", () => {
    const store = new UpdateStateStore(openDatabase(":memory:"), { ledgerLimit: 500 });
    for (let id = 1; id <= 3000; id += 1) store.commit({ handled: [{ chatId: "1", messageId: id, kind: "new" }] });
    expect(store.isHandled({ chatId: "1", messageId: 1, kind: "new" })).toBe(false);
    expect(store.isHandled({ chatId: "1", messageId: 3000, kind: "new" })).toBe(true);
    expect(store.isHandled({ chatId: "1", messageId: 2600, kind: "new" })).toBe(true);
  });

  it("drops everything saved when another account claims it (the session was logged in again as someone else)", () => {
    const store = new UpdateStateStore(openDatabase(":memory:"));
    expect(store.claim("10")).toBe(false);
    store.commit({ common: { pts: 5, qts: 0, seq: 0, date: 1 }, handled: [{ chatId: "1", messageId: 1, kind: "new" }] });
    expect(store.claim("10")).toBe(false);
    expect(store.load().common?.pts).toBe(5);
    expect(store.claim("20")).toBe(true);
    expect(store.load()).toEqual({ common: undefined, channels: [], cursors: new Map() });
    expect(store.isHandled({ chatId: "1", messageId: 1, kind: "new" })).toBe(false);
  });

  it("forgets a channel", () => {
    const store = new UpdateStateStore(openDatabase(":memory:"));
    store.commit({ channels: [{ chatId: "-1005", pts: 7 }] });
    store.forgetChannel("-1005");
    expect(store.load().channels).toEqual([]);
  });

  it("ignores writes once the database is closed (handlers finishing after the runtime stopped)", () => {
    const db = openDatabase(":memory:");
    const store = new UpdateStateStore(db);
    db.close();
    expect(() => store.commit({ handled: [{ chatId: "1", messageId: 1, kind: "new" }] })).not.toThrow();
    expect(store.isHandled({ chatId: "1", messageId: 1, kind: "new" })).toBe(false);
  });
});
