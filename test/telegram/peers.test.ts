import { describe, expect, it } from "vitest";
import { describePeerInput, PeerError, parsePeerInput } from "../../src/telegram/peers.js";

describe("parsePeerInput", () => {
  it.each([
    ["@durov", { kind: "username", username: "durov" }],
    ["durov_bot", { kind: "username", username: "durov_bot" }],
    ["https://t.me/durov", { kind: "username", username: "durov" }],
    ["t.me/durov/123", { kind: "username", username: "durov" }],
    ["https://t.me/s/news_channel", { kind: "username", username: "news_channel" }],
    ["https://telegram.me/durov?start=1", { kind: "username", username: "durov" }],
    ["tg://resolve?domain=durov", { kind: "username", username: "durov" }],
    ["https://t.me/c/1234567/89", { kind: "id", id: "-1001234567" }],
    ["123456", { kind: "id", id: "123456" }],
    ["-1001234567", { kind: "id", id: "-1001234567" }],
    ["me", { kind: "me" }],
    [" Self ", { kind: "me" }],
  ])("reads %s", (raw, expected) => {
    expect(parsePeerInput(raw)).toEqual(expected);
  });

  it.each([
    ["", /empty chat name/],
    ["@ab", /not a valid username/],
    ["@1abc", /not a valid username/],
    ["https://t.me/+AbCdEf", /invite link/],
    ["https://t.me/joinchat/AbCdEf", /invite link/],
    ["hello world", /not a chat or person/],
    ["https://example.com/x", /not a chat or person/],
  ])("refuses %j with a clear message", (raw, message) => {
    expect(() => parsePeerInput(raw)).toThrow(PeerError);
    expect(() => parsePeerInput(raw)).toThrow(message);
  });

  it("describes references the way a user wrote them", () => {
    expect(describePeerInput({ kind: "username", username: "x_chat" })).toBe("@x_chat");
    expect(describePeerInput({ kind: "id", id: "-100123" })).toBe("-100123");
  });
});
