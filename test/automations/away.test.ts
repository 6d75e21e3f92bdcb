/** The away reply's decision: .afk and .back, back when the owner writes, one reply per person per interval, none to the owner. */
import { describe, expect, it } from "vitest";
import { type AwayState, decideAway, StoredAwayState } from "../../src/automations/away.js";
import { SqliteKeyValueStore } from "../../src/automations/kvStore.js";
import { makeMessage } from "../kit/fakes.js";
import { memoryDatabases } from "../kit/memoryDatabases.js";

const ME = "1000";
const config = { text: "Away", interval: 60_000, mentions: false };
const away = (replied: Record<string, number> = {}, reason?: string): AwayState => ({ away: { reason, since: 0 }, lastReplied: (id) => replied[id] });
const here: AwayState = { lastReplied: () => undefined };
const fromOwner = (text: string) => makeMessage({ out: true, senderId: ME, text, chatId: "555" });
const fromAlice = (overrides = {}) => makeMessage({ senderId: "2000", chatId: "2000", text: "hi", ...overrides });

describe("decideAway", () => {
  it("reads .afk with or without a reason, and .back", () => {
    expect(decideAway(fromOwner(".afk"), ME, ".", here, config, 0)).toEqual({ kind: "afk", reason: undefined });
    expect(decideAway(fromOwner(".afk  at lunch "), ME, ".", here, config, 0)).toEqual({ kind: "afk", reason: "at lunch" });
    expect(decideAway(fromOwner(".back"), ME, ".", away(), config, 0)).toEqual({ kind: "back", command: true });
    expect(decideAway(fromOwner(".afkish"), ME, ".", here, config, 0)).toEqual({ kind: "none" });
    expect(decideAway(fromOwner("!afk"), ME, "!", here, config, 0)).toEqual({ kind: "afk", reason: undefined });
  });

  it("any other message of the owner ends the away time", () => {
    expect(decideAway(fromOwner("on my way"), ME, ".", away(), config, 0)).toEqual({ kind: "back", command: false });
    expect(decideAway(fromOwner("on my way"), ME, ".", here, config, 0)).toEqual({ kind: "none" });
  });

  it("answers a person in private once per interval, with the reason", () => {
    expect(decideAway(fromAlice(), ME, ".", away({}, "lunch"), config, 1000)).toEqual({
      kind: "reply",
      chatId: "2000",
      personId: "2000",
      text: "Away\nReason: lunch",
    });
    expect(decideAway(fromAlice(), ME, ".", away({ 2000: 1000 }), config, 30_000)).toEqual({ kind: "none" });
    expect(decideAway(fromAlice(), ME, ".", away({ 2000: 1000 }), config, 61_000)).toMatchObject({ kind: "reply" });
  });

  it("answers nobody when not away, no bot, no group unless mentions are asked for", () => {
    expect(decideAway(fromAlice(), ME, ".", here, config, 0)).toEqual({ kind: "none" });
    expect(decideAway(fromAlice({ sender: { id: "2000", isBot: true } }), ME, ".", away(), config, 0)).toEqual({ kind: "none" });
    const group = fromAlice({ chatType: "supergroup", chatId: "-100777", mentioned: true });
    expect(decideAway(group, ME, ".", away(), config, 0)).toEqual({ kind: "none" });
    expect(decideAway(group, ME, ".", away(), { ...config, mentions: true }, 0)).toMatchObject({ kind: "reply", chatId: "-100777" });
  });
});

describe("StoredAwayState", () => {
  const database = memoryDatabases();
  it("keeps the away time and who was answered; a new .afk answers everyone again", () => {
    const state = new StoredAwayState(new SqliteKeyValueStore(database(), "autoReply"));
    expect(state.away).toBeUndefined();
    state.setAway("lunch", 5);
    state.replied("2000", 6);
    expect(state.away).toEqual({ reason: "lunch", since: 5 });
    expect(state.lastReplied("2000")).toBe(6);
    state.setAway(undefined, 9);
    expect(state.lastReplied("2000")).toBeUndefined();
    state.setBack();
    expect(state.away).toBeUndefined();
  });
});
