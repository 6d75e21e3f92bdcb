import { describe, expect, it } from "vitest";
import { type ConfirmationStore, newConfirmationId, SqliteConfirmationStore } from "../../src/confirm/store.js";
import { memoryDatabases } from "../kit/memoryDatabases.js";

const freshDatabase = memoryDatabases();

/** Every ConfirmationStore, fresh, on a clock in Unix milliseconds: a new implementation joins this list. */
const implementations: [string, (now: () => number) => ConfirmationStore][] = [
  ["SqliteConfirmationStore", (now) => new SqliteConfirmationStore(freshDatabase(), now)],
];

const DAY = 86_400_000;

describe.each(implementations)("ConfirmationStore: %s", (_name, open) => {
  it("records a question as pending and settles it once: a second answer changes nothing", () => {
    const store = open(() => 1_000);
    const id = newConfirmationId();
    store.record({ id, chatId: "-100500", messageId: 7, question: "Deploy?", expiresAt: 61_000 });
    expect(store.get(id)).toEqual({ id, chatId: "-100500", messageId: 7, question: "Deploy?", status: "pending", answeredBy: undefined, expiresAt: 61_000 });
    expect(store.finish(id, "approved", "Alice (@alice)")).toBe(true);
    expect(store.finish(id, "denied", "Bob")).toBe(false);
    expect(store.get(id)).toMatchObject({ status: "approved", answeredBy: "Alice (@alice)" });
    const unanswered = newConfirmationId();
    store.record({ id: unanswered, chatId: "5", messageId: 8, question: "Restart?", expiresAt: 2_000 });
    expect(store.finish(unanswered, "timeout")).toBe(true);
    expect(store.get(unanswered)).toMatchObject({ status: "timeout", answeredBy: undefined });
  });

  it("knows nothing of an id it never recorded", () => {
    const store = open(() => 1_000);
    expect(store.get("missing")).toBeUndefined();
    expect(store.finish("missing", "cancelled")).toBe(false);
  });

  it("forgets confirmations untouched for 30 days when a new one is recorded", () => {
    let now = 40 * DAY;
    const store = open(() => now);
    store.record({ id: "old", chatId: "5", messageId: 1, question: "Old?", expiresAt: now + 60_000 });
    store.finish("old", "denied", "Bob");
    now += 29 * DAY;
    store.record({ id: "recent", chatId: "5", messageId: 2, question: "Recent?", expiresAt: now + 60_000 });
    expect(store.get("old")).toMatchObject({ status: "denied" });
    now += 2 * DAY;
    store.record({ id: "new", chatId: "5", messageId: 3, question: "New?", expiresAt: now + 60_000 });
    expect(store.get("old")).toBeUndefined();
    expect(store.get("recent")).toMatchObject({ status: "pending" });
  });
});
