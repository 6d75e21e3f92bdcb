import { describe, expect, it } from "vitest";
import { handoverPort } from "../../src/bridge/handover.js";
import type { CallbackQuery } from "../../src/handlers/callback.js";
import type { ChatMessage, ScriptPort } from "../../src/send/port.js";

/** A port that records what it is asked, with listeners a test can fire. */
function recordingPort(name: string) {
  const calls: string[] = [];
  const presses = new Set<(press: CallbackQuery) => void>();
  const messages = new Set<(message: ChatMessage) => void>();
  let closed = false;
  const port: ScriptPort = {
    mode: "user",
    selfId: "1",
    via: name,
    async chat(peer) {
      calls.push(`chat ${JSON.stringify(peer)}`);
      return { chatId: "42", kind: "user", label: "@alice" };
    },
    async users() {
      return [];
    },
    async send(chatId, parts) {
      calls.push(`send ${chatId} ${parts[0].text}`);
      return [calls.length];
    },
    async sendFile() {
      return 0;
    },
    async edit(chatId, messageId) {
      calls.push(`edit ${chatId} ${messageId}`);
    },
    async answer(queryId) {
      calls.push(`answer ${queryId}`);
    },
    onPress(_prefix, listener) {
      presses.add(listener);
      return () => presses.delete(listener);
    },
    onMessage(_chatId, _after, listener) {
      messages.add(listener);
      return () => messages.delete(listener);
    },
    async close() {
      closed = true;
    },
  };
  return { port, calls, presses, messages, closed: () => closed };
}

describe("handoverPort", () => {
  it("calls on its own connection until npm start runs, then moves the watches and the calls to it and closes its own", async () => {
    const direct = recordingPort("own connection");
    const running = recordingPort("through npm start");
    let runs = false;
    const handedOver: string[] = [];
    const port = handoverPort(direct.port, {
      npmStartRuns: () => runs,
      connect: async () => running.port,
      onHandover: (to) => handedOver.push(to.via),
      pollMs: 10,
    });

    const chat = await port.chat({ kind: "username", username: "alice" });
    await port.send(chat.chatId, [{ text: "question", entities: [] }]);
    const heard: number[] = [];
    port.onMessage(
      chat.chatId,
      () => 1,
      (message) => heard.push(message.messageId),
    );
    expect(direct.messages.size).toBe(1);
    for (const listener of direct.messages) listener({ chatId: "42", messageId: 2, text: "on the own connection" });

    runs = true;
    // The waiting watch notices npm start by itself (polling), before any further call.
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (handedOver.length > 0) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    expect(handedOver).toEqual(["through npm start"]);
    expect([direct.messages.size, running.messages.size]).toEqual([0, 1]);
    expect(direct.closed()).toBe(true);
    for (const listener of running.messages) listener({ chatId: "42", messageId: 3, text: "through npm start" });
    expect(heard).toEqual([2, 3]);

    await port.edit(chat.chatId, 7, { text: "settled", entities: [] });
    expect(running.calls).toEqual(['chat {"kind":"username","username":"alice"}', "edit 42 7"]); // resolved there first
    expect(direct.calls).toEqual(['chat {"kind":"username","username":"alice"}', "send 42 question"]);
    expect(port.via).toBe("through npm start");
    await port.close();
    expect(running.closed()).toBe(true);
  });

  it("stays on its own connection when npm start is gone before it listens", async () => {
    const direct = recordingPort("own connection");
    const port = handoverPort(direct.port, { npmStartRuns: () => true, connect: async () => undefined });
    await port.send("42", [{ text: "hi", entities: [] }]);
    expect(direct.calls).toEqual(["send 42 hi"]);
    expect(direct.closed()).toBe(false);
  });
});
