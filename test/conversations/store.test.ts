import { describe, expect, it } from "vitest";
import { type FlowState, type FlowStore, SqliteFlowStore } from "../../src/conversations/store.js";
import { memoryDatabases } from "../kit/memoryDatabases.js";

const freshDatabase = memoryDatabases();

/** Every FlowStore, fresh: a new implementation joins this list and must pass the same tests. */
const implementations: [string, () => FlowStore][] = [["SqliteFlowStore", () => new SqliteFlowStore(freshDatabase())]];

const state = (chatId: string, userId: string, patch: Partial<FlowState> = {}): FlowState => ({
  chatId,
  userId,
  flow: "signup",
  step: "name",
  data: {},
  expiresAt: 1_000,
  questionSent: false,
  ...patch,
});

const byKey = (states: FlowState[]) => [...states].sort((a, b) => `${a.chatId}:${a.userId}`.localeCompare(`${b.chatId}:${b.userId}`));

describe.each(implementations)("FlowStore: %s", (_name, open) => {
  it("keeps one conversation per person and chat: saving again replaces it, remove forgets it", () => {
    const store = open();
    expect(store.all()).toEqual([]);
    store.save(state("-100500", "1"));
    store.save(state("-100500", "2", { step: "age", questionSent: true }));
    store.save(state("2", "2"));
    const replaced = state("-100500", "1", { flow: "quick", step: "only", expiresAt: 5_000, questionSent: true });
    store.save(replaced);
    expect(byKey(store.all())).toEqual([replaced, state("-100500", "2", { step: "age", questionSent: true }), state("2", "2")]);
    store.remove("-100500", "1");
    store.remove("-100500", "9");
    expect(byKey(store.all())).toEqual([state("-100500", "2", { step: "age", questionSent: true }), state("2", "2")]);
  });

  it("gives a flow's data back as it was saved", () => {
    const store = open();
    const data = { name: "Zoë «Z»", age: 31, tags: ["a", "b"], nested: { none: null, yes: true } };
    store.save(state("5", "5", { data }));
    expect(store.all()).toEqual([state("5", "5", { data })]);
  });
});
