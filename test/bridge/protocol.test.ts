import { describe, expect, it } from "vitest";
import { errorOf } from "../../src/bridge/client.js";
import { BRIDGE_VERSION, encodeReply, encodeRequest, LineSplitter, ProtocolError, parseReply, parseRequest } from "../../src/bridge/protocol.js";
import { failureOf } from "../../src/bridge/server.js";
import { UserError } from "../../src/errors.js";
import { RefusalError } from "../../src/send/refusal.js";
import { PeerError } from "../../src/telegram/peers.js";

describe("requests", () => {
  it("round-trip as one line carrying the version", () => {
    const line = encodeRequest(3, { op: "send", chatId: "42", parts: [{ text: "hi", entities: [] }], options: { silent: true } });
    expect(line.endsWith("\n")).toBe(true);
    expect(JSON.parse(line)).toMatchObject({ v: BRIDGE_VERSION, id: 3, op: "send" });
    expect(parseRequest(line.trim())).toEqual({
      id: 3,
      request: { op: "send", chatId: "42", parts: [{ text: "hi", entities: [] }], options: { silent: true } },
    });
  });

  it("of another version are told apart, not parsed", () => {
    expect(parseRequest(JSON.stringify({ v: 2, id: 1, op: "whatever" }))).toEqual({ id: 1, version: 2 });
    expect(parseRequest(JSON.stringify({ id: 1, op: "hello" }))).toEqual({ id: 1, version: 0 });
  });

  it("that are malformed are ProtocolErrors", () => {
    for (const line of ["nope", "[]", JSON.stringify({ v: 1, op: "hello" }), JSON.stringify({ v: 1, id: 1, op: "rm -rf" })]) {
      expect(() => parseRequest(line), line).toThrow(ProtocolError);
    }
    expect(() => parseRequest(JSON.stringify({ v: 1, id: 1, op: "send", chatId: 42, parts: [], options: {} }))).toThrow(/send needs chatId/);
    expect(() => parseRequest(JSON.stringify({ v: 1, id: 1, op: "edit", chatId: "1", part: {} }))).toThrow(/edit needs messageId/);
    expect(() => parseRequest(JSON.stringify({ v: 1, id: 1, op: "watchPresses", watch: 1 }))).toThrow(/prefix/);
  });
});

describe("replies and events", () => {
  it("round-trip", () => {
    const ok = { v: 1, id: 2, ok: true as const, result: [5, 6] };
    expect(parseReply(encodeReply(ok).trim())).toEqual(ok);
    const failed = { v: 1, id: 2, ok: false as const, error: { kind: "user" as const, message: "no such chat", exitCode: 2 } };
    expect(parseReply(encodeReply(failed).trim())).toEqual(failed);
    const press = { v: 1, event: "press" as const, watch: 1, press: { queryId: "9", chatId: "1", messageId: 3, senderId: "4", data: "cf:x:1" } };
    expect(parseReply(encodeReply(press).trim())).toEqual(press);
  });

  it("that are malformed are ProtocolErrors", () => {
    for (const reply of [
      { id: 1, ok: true },
      { v: 1, ok: true },
      { v: 1, id: 1, ok: false },
      { v: 1, event: "press", watch: 1 },
      { v: 1, event: "other", watch: 1, x: {} },
    ]) {
      expect(() => parseReply(JSON.stringify(reply)), JSON.stringify(reply)).toThrow(ProtocolError);
    }
  });
});

describe("failures", () => {
  it("keep a person's mistake with its exit code, and Telegram's refusal as its line, across the socket", () => {
    const mistake = errorOf(failureOf(new PeerError("no Telegram chat or person is called @nobody: check the spelling")));
    expect(mistake).toBeInstanceOf(UserError);
    expect([mistake.message, (mistake as UserError).exitCode]).toEqual(["no Telegram chat or person is called @nobody: check the spelling", 2]);
    const rpc = Object.assign(new Error("CHAT_WRITE_FORBIDDEN"), { errorMessage: "CHAT_WRITE_FORBIDDEN", code: 403 });
    const refused = errorOf(failureOf(rpc));
    expect(refused).toBeInstanceOf(RefusalError);
    expect(refused.message).toBe("Telegram refused: this account may not write in that chat (CHAT_WRITE_FORBIDDEN)");
    const other = errorOf(failureOf(new Error("timeout")));
    expect([other.constructor, other.message]).toEqual([Error, "timeout"]);
  });
});

describe("LineSplitter", () => {
  it("cuts chunks into lines, keeps a partial one for later, and refuses an overlong line", () => {
    const lines = new LineSplitter(10);
    expect(lines.push('{"a":1}\n{"b"')).toEqual(['{"a":1}']);
    expect(lines.push(":2}\n\n")).toEqual(['{"b":2}']);
    expect(() => lines.push("x".repeat(11))).toThrow(ProtocolError);
  });
});
