import { describe, expect, it } from "vitest";
import {
  and,
  any,
  chat,
  chatType,
  fromSelf,
  hasText,
  incoming,
  isCatchUp,
  isChannel,
  isGroup,
  isPrivate,
  isReply,
  not,
  or,
  outgoing,
  sender,
  text,
} from "../../src/handlers/filters.js";
import { makeMessage } from "../kit/fakes.js";

describe("filters", () => {
  const privateIn = makeMessage();
  const groupOut = makeMessage({ chatId: "-55", chatType: "group", out: true, senderId: "1000" });
  const superIn = makeMessage({ chatId: "-1001234", chatType: "supergroup", chatUsername: "MyGroup", senderId: "42", sender: { id: "42", username: "Alice" } });
  const channelPost = makeMessage({ chatId: "-1009", chatType: "channel", senderId: undefined });

  it("tells chat types apart, supergroups counting as groups", () => {
    expect([privateIn, groupOut, superIn, channelPost].map(isPrivate)).toEqual([true, false, false, false]);
    expect([privateIn, groupOut, superIn, channelPost].map(isGroup)).toEqual([false, true, true, false]);
    expect([privateIn, groupOut, superIn, channelPost].map(isChannel)).toEqual([false, false, false, true]);
    expect(chatType("supergroup")(superIn)).toBe(true);
    expect(chatType("supergroup")(groupOut)).toBe(false);
  });

  it("tells incoming from outgoing and recognises the account's own messages", () => {
    expect(incoming(privateIn)).toBe(true);
    expect(outgoing(groupOut)).toBe(true);
    expect(fromSelf(groupOut)).toBe(true);
    expect(fromSelf(privateIn)).toBe(false);
    expect(fromSelf(makeMessage({ out: false, senderId: "1000" }))).toBe(true);
  });

  it("matches chats and senders by id of any type or by @username, case-insensitively", () => {
    expect(chat("-1001234")(superIn)).toBe(true);
    expect(chat(-1001234)(superIn)).toBe(true);
    expect(chat(-1001234n)(superIn)).toBe(true);
    expect(chat("@mygroup")(superIn)).toBe(true);
    expect(chat("othergroup", "-1")(superIn)).toBe(false);
    expect(sender("42")(superIn)).toBe(true);
    expect(sender("alice")(superIn)).toBe(true);
    expect(sender("@bob")(superIn)).toBe(false);
    expect(sender("42")(channelPost)).toBe(false);
  });

  it("composes with and, or, not", () => {
    const ownGroupMessage = and(isGroup, outgoing);
    expect(ownGroupMessage(groupOut)).toBe(true);
    expect(ownGroupMessage(superIn)).toBe(false);
    expect(or(isPrivate, isChannel)(channelPost)).toBe(true);
    expect(or(isPrivate, isChannel)(superIn)).toBe(false);
    expect(not(isPrivate)(privateIn)).toBe(false);
    expect(and()(privateIn)).toBe(true);
    expect(or()(privateIn)).toBe(false);
    expect(any(privateIn)).toBe(true);
  });

  it("answers synchronously with a boolean (no Promise on the hot path)", () => {
    const result = and(isGroup, not(outgoing), sender("42"))(superIn);
    expect(result).toBe(true);
    expect(typeof result).toBe("boolean");
  });

  it("checks text, replies and catch-up", () => {
    const global = /hello/gi;
    const message = makeMessage({ text: "Hello there", replyToMessageId: 3, isCatchUp: true });
    expect(text(global)(message)).toBe(true);
    expect(text(global)(message)).toBe(true);
    expect(hasText(message)).toBe(true);
    expect(hasText(makeMessage())).toBe(false);
    expect(isReply(message)).toBe(true);
    expect(isReply(privateIn)).toBe(false);
    expect(isCatchUp(message)).toBe(true);
  });
});
