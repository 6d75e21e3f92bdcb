import type { TelegramClient } from "telegram";
import { describe, expect, it } from "vitest";
import { commandSyntax } from "../../src/handlers/commands.js";
import type { Message } from "../../src/handlers/message.js";
import { command, definePlugin } from "../../src/handlers/plugin.js";
import { Router } from "../../src/handlers/router.js";
import { guardGateway } from "../../src/telegram/guardGateway.js";
import { RateLimiter } from "../../src/telegram/rateLimiter.js";
import { Dispatcher } from "../../src/updates/dispatcher.js";
import { deferred } from "../kit/deferred.js";
import { FakeGateway, makeMessage } from "../kit/fakes.js";
import { captureLog } from "../kit/log.js";

describe("dispatcher, router and guarded gateway together", () => {
  it("answers commands per chat in order while a stuck chat does not hold up another", async () => {
    const { log, lines } = captureLog();
    const gateway = new FakeGateway();
    const stuck = deferred();
    const chatTwoAnswered = deferred();
    const plugin = definePlugin({
      name: "demo",
      handlers: [
        command("wait", async (ctx) => {
          await stuck.promise;
          await ctx.answer("waited");
        }),
        command("say", async (ctx) => {
          await ctx.answer(ctx.rawArgs);
          if (ctx.chat.id === "2") chatTwoAnswered.resolve();
        }),
        command("fail", () => {
          throw new Error("handler bug");
        }),
      ],
    });
    const unlimited = new RateLimiter({ globalPerSecond: 0, chatPerSecond: 0, groupPerMinute: 0 });
    const router = new Router({
      plugins: [plugin],
      syntax: commandSyntax("bot", { botUsername: "DemoBot" }),
      services: {
        telegram: guardGateway(gateway, { limiter: unlimited, flood: { maxSleepSeconds: 0, maxRetries: 0 } }),
        client: {} as TelegramClient,
        log,
        me: { id: "9", username: "DemoBot", mode: "bot" },
      },
    });
    const done = deferred();
    let handled = 0;
    const dispatcher = new Dispatcher<Message>({
      keyOf: (message) => message.chatId,
      process: async (message) => {
        await router.handle(message);
        handled += 1;
        if (handled === 4) done.resolve();
      },
      log,
    });
    const at = (chatId: string, messageId: number, text: string) => makeMessage({ mode: "bot", selfId: "9", chatId, senderId: chatId, messageId, text });
    dispatcher.push(at("1", 1, "/wait"));
    dispatcher.push(at("1", 2, "/say after the wait"));
    dispatcher.push(at("2", 1, "/fail"));
    dispatcher.push(at("2", 2, "/say@DemoBot chat two goes on"));
    await chatTwoAnswered.promise;
    expect(gateway.texts()).toEqual(["chat two goes on"]);
    stuck.resolve();
    await done.promise;
    expect(gateway.calls.map((c) => `${c.chatId}:${c.text}`)).toEqual(["2:chat two goes on", "1:waited", "1:after the wait"]);
    expect(lines.map((l) => JSON.parse(l)).find((l) => l.msg === "handler failed")).toMatchObject({ chat: "2", handler: "demo/fail" });
    await dispatcher.drain(1000);
  });
});
