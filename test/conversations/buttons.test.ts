import type { TelegramClient } from "telegram";
import { describe, expect, it } from "vitest";
import { type CallbackAnswer, type CallbackQuery, onCallback } from "../../src/handlers/callback.js";
import { CallbackRouter, EXPIRED_BUTTON_TEXT } from "../../src/handlers/callbackRouter.js";
import { CallbackDataError, callbackData, checkKeyboard } from "../../src/handlers/keyboard.js";
import { definePlugin } from "../../src/handlers/plugin.js";
import { toReplyMarkup } from "../../src/telegram/callbacks.js";
import { FakeGateway } from "../kit/fakes.js";
import { captureLog } from "../kit/log.js";

const vote = callbackData("vote", { poll: "int", choice: "string", final: "bool" });

describe("callback data", () => {
  it("encodes typed values with the action's prefix and decodes them back", () => {
    const data = vote.encode({ poll: 7, choice: "a:b%c", final: true });
    expect(data).toBe("vote:7:a%3Ab%25c:1");
    expect(vote.decode(data)).toEqual({ poll: 7, choice: "a:b%c", final: true });
    expect(vote.button("Pizza", { poll: -1, choice: "🍕", final: false })).toEqual({ text: "Pizza", data: "vote:-1:🍕:0" });
  });

  it("decodes another action's or malformed data as undefined", () => {
    expect(vote.decode("poll:7:x:1")).toBeUndefined();
    expect(vote.decode("vote:seven:x:1")).toBeUndefined();
    expect(vote.decode("vote:7:x:yes")).toBeUndefined();
    expect(vote.decode("vote:7:x")).toBeUndefined();
    expect(vote.decode("vote:99999999999999999:x:1")).toBeUndefined();
  });

  it("refuses data beyond Telegram's 64 bytes, bad prefixes and bad values", () => {
    expect(() => vote.encode({ poll: 1, choice: "é".repeat(40), final: false })).toThrow(
      new CallbackDataError(`callback data "vote:1:${"é".repeat(40)}:0" is 89 bytes; Telegram allows 64`),
    );
    expect(() => callbackData("no spaces", {})).toThrow(CallbackDataError);
    expect(() => vote.encode({ poll: 1.5, choice: "x", final: false })).toThrow("callback field poll must be an integer");
    expect(() => checkKeyboard([[{ text: " ", data: "x" }]])).toThrow("an inline button needs a text");
    expect(() => toReplyMarkup([[{ text: "x", data: "" }]])).toThrow("callback data must not be empty");
  });

  it("builds Telegram's reply markup from a keyboard", () => {
    const markup = toReplyMarkup([[vote.button("Yes", { poll: 1, choice: "y", final: true }), { text: "Site", url: "https://example.com" }]]);
    expect(markup.rows[0].buttons.map((button) => button.className)).toEqual(["KeyboardButtonCallback", "KeyboardButtonUrl"]);
    expect(toReplyMarkup([]).rows).toEqual([]);
  });
});

describe("CallbackRouter", () => {
  const query = (data: string): CallbackQuery => ({ queryId: "99", chatId: "2000", messageId: 5, senderId: "2000", data });

  function router(handlers: Parameters<typeof definePlugin>[0]["callbacks"]) {
    const answers: CallbackAnswer[] = [];
    const gateway = new FakeGateway();
    const callbacks = new CallbackRouter({
      plugins: [definePlugin({ name: "polls", handlers: [], callbacks: handlers })],
      answerer: { answerCallback: async (_id, answer) => void answers.push(answer) },
      services: { telegram: gateway, client: {} as TelegramClient, log: captureLog().log, me: { id: "1000", mode: "bot" } },
    });
    return { callbacks, answers, gateway };
  }

  it("runs the handler whose codec reads the data, with the decoded values", async () => {
    const { callbacks, answers, gateway } = router([
      onCallback(vote, async (ctx) => {
        await ctx.answer(`You chose ${ctx.values.choice} in poll ${ctx.values.poll}`, { alert: ctx.values.final });
        await ctx.answer("ignored: a press is answered once");
        await ctx.editMessage("Thanks!", { keyboard: [] });
      }),
    ]);
    await callbacks.handle(query(vote.encode({ poll: 3, choice: "tea", final: true })));
    expect(answers).toEqual([{ text: "You chose tea in poll 3", alert: true }]);
    expect(gateway.calls).toEqual([{ op: "edit", chatId: "2000", messageId: 5, text: "Thanks!", options: { keyboard: [] } }]);
  });

  it("answers a press the handler left unanswered (even when it failed), unless it leaves it to another process", async () => {
    const silent = callbackData("silent", {});
    const failing = callbackData("failing", {});
    const elsewhere = callbackData("elsewhere", {});
    const { callbacks, answers } = router([
      onCallback(silent, () => undefined),
      onCallback(failing, () => {
        throw new Error("boom");
      }),
      onCallback(elsewhere, (ctx) => ctx.leaveUnanswered()),
    ]);
    await callbacks.handle(query("silent"));
    await callbacks.handle(query("failing"));
    await callbacks.handle(query("elsewhere"));
    expect(answers).toEqual([{}, {}]);
  });

  it("answers presses of buttons no handler knows (expired or foreign) clearly", async () => {
    const { callbacks, answers } = router([]);
    await callbacks.handle(query("old:button"));
    expect(answers).toEqual([{ text: EXPIRED_BUTTON_TEXT }]);
  });
});
