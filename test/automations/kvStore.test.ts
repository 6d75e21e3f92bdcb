/** ctx.store: a conformance suite for KeyValueStore, run on the SQLite implementation. */
import { describe, expect, it } from "vitest";
import { SqliteKeyValueStore } from "../../src/automations/kvStore.js";
import type { KeyValueStore } from "../../src/handlers/pluginStore.js";
import { memoryDatabases } from "../kit/memoryDatabases.js";

/** What every KeyValueStore must do; `open(plugin)` gives the store of a plugin over one shared database per test. */
function keyValueStoreConformance(name: string, fresh: () => (plugin: string) => KeyValueStore): void {
  describe(`${name} (KeyValueStore)`, () => {
    it("keeps JSON values: get, set, replace, delete", () => {
      const store = fresh()("notes");
      expect(store.get("a")).toBeUndefined();
      store.set("a", { list: [1, "two", null], nested: { ok: true } });
      expect(store.get("a")).toEqual({ list: [1, "two", null], nested: { ok: true } });
      store.set("a", 3);
      expect(store.get<number>("a")).toBe(3);
      store.set("empty", "");
      expect(store.get("empty")).toBe("");
      expect(store.delete("a")).toBe(true);
      expect(store.delete("a")).toBe(false);
      expect(store.get("a")).toBeUndefined();
      expect(() => store.set("x", undefined)).toThrow("cannot be stored as JSON");
    });

    it("lists in key order, by prefix, each plugin apart", () => {
      const open = fresh();
      const notes = open("notes");
      const other = open("other");
      notes.set("b", 2);
      notes.set("a", 1);
      notes.set("user:2", "y");
      notes.set("user:1", "x");
      other.set("a", "other");
      expect(notes.list()).toEqual([
        ["a", 1],
        ["b", 2],
        ["user:1", "x"],
        ["user:2", "y"],
      ]);
      expect(notes.list("user:")).toEqual([
        ["user:1", "x"],
        ["user:2", "y"],
      ]);
      expect(notes.list("%")).toEqual([]);
      expect(other.list()).toEqual([["a", "other"]]);
    });

    it("a transaction keeps all its changes, or none when it throws", () => {
      const store = fresh()("counter");
      expect(store.transaction((tx) => tx.set("n", (tx.get<number>("n") ?? 0) + 1))).toBeUndefined();
      expect(
        store.transaction((tx) => {
          tx.set("n", (tx.get<number>("n") ?? 0) + 1);
          return tx.get<number>("n");
        }),
      ).toBe(2);
      expect(() =>
        store.transaction((tx) => {
          tx.set("n", 100);
          tx.set("m", 1);
          throw new Error("changed my mind");
        }),
      ).toThrow("changed my mind");
      expect(store.list()).toEqual([["n", 2]]);
    });
  });
}

const database = memoryDatabases();
keyValueStoreConformance("SqliteKeyValueStore", () => {
  const db = database();
  return (plugin) => new SqliteKeyValueStore(db, plugin);
});
