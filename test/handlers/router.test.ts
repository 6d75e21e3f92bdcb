import type { TelegramClient } from "telegram";
import { describe, expect, it } from "vitest";
import { commandSyntax } from "../../src/handlers/commands.js";
import type { Context } from "../../src/handlers/context.js";
import { FloodWaitError } from "../../src/handlers/errors.js";
import { isGroup } from "../../src/handlers/filters.js";
import { command, definePlugin, onMessage, onPattern, type Plugin } from "../../src/handlers/plugin.js";
import { type AccessPolicy, Router } from "../../src/handlers/router.js";
import { FakeGateway, makeMessage } from "../kit/fakes.js";
import { captureLog } from "../kit/log.js";

/** A parsed JSON log line, read field by field in assertions. */
// biome-ignore lint/suspicious/noExplicitAny: log lines are arbitrary JSON
type LogLine = Record<string, any>;

/** A router in the given mode over the plugins, with a capture logger. */
function routerFor(plugins: Plugin[], mode: "user" | "bot" = "user", policy?: AccessPolicy) {
  const { log, lines } = captureLog();
  const gateway = new FakeGateway();
  const router = new Router({
    plugins,
    syntax: commandSyntax(mode, { botUsername: "ToolkitBot" }),
    services: { telegram: gateway, client: {} as TelegramClient, log, me: { id: "1000", username: mode === "bot" ? "ToolkitBot" : undefined, mode } },
    policy,
  });
  return { router, lines, gateway, logs: () => lines.map((line) => JSON.parse(line) as LogLine) };
}

describe("definePlugin and handler builders", () => {
  it("names unnamed handlers by kind and position and rejects duplicate names", () => {
    const plugin = definePlugin({ name: "demo", handlers: [onMessage(isGroup, () => {}), onPattern(/x/, () => {}), command("go", () => {})] });
    expect(plugin.handlers.map((h) => h.name)).toEqual(["message1", "pattern2", "go"]);
    expect(() =>
      definePlugin({ name: "demo", handlers: [command("go", () => {}), command({ name: "other" }, () => {}), onMessage(isGroup, () => {}, { name: "go" })] }),
    ).toThrow(/two handlers are named "go"/);
  });

  it("rejects invalid command and plugin names", () => {
    expect(() => command("Ping", () => {})).toThrow(/invalid command name "Ping"/);
    expect(() => command({ name: "ok", aliases: ["bad name"] }, () => {})).toThrow(/invalid command name "bad name"/);
    expect(() => definePlugin({ name: "../evil", handlers: [] })).toThrow(/invalid plugin name/);
  });
});

describe("Router", () => {
  const seen: string[] = [];
  const record = (label: string) => (ctx: Context) => {
    seen.push(`${label}:${ctx.args.join(",")}`);
  };

  it("runs user-mode commands only for the account's own messages", async () => {
    seen.length = 0;
    const { router } = routerFor([definePlugin({ name: "p", handlers: [command({ name: "echo", aliases: ["say"] }, record("echo"))] })]);
    await router.handle(makeMessage({ text: ".echo a b", out: true }));
    await router.handle(makeMessage({ text: ".say c", out: true }));
    await router.handle(makeMessage({ text: ".echo from someone else", out: false }));
    await router.handle(makeMessage({ text: "/echo slash", out: true }));
    expect(seen).toEqual(["echo:a,b", "echo:c"]);
  });

  it("runs bot-mode commands from anyone, with @ourname but not @othername", async () => {
    seen.length = 0;
    const { router } = routerFor([definePlugin({ name: "p", handlers: [command("start", record("start"))] })], "bot");
    const incoming = { mode: "bot" as const, out: false, senderId: "77" };
    await router.handle(makeMessage({ ...incoming, text: "/start x" }));
    await router.handle(makeMessage({ ...incoming, text: "/start@toolkitbot y" }));
    await router.handle(makeMessage({ ...incoming, text: "/start@OtherBot z" }));
    await router.handle(makeMessage({ ...incoming, text: ".start" }));
    expect(seen).toEqual(["start:x", "start:y"]);
  });

  it("gives pattern handlers the match and honours filters and modes", async () => {
    const matches: string[] = [];
    const plugin = definePlugin({
      name: "p",
      handlers: [
        onPattern(/hello (\w+)/g, (ctx) => void matches.push(ctx.match![1]), { filter: isGroup }),
        onMessage(isGroup, () => void matches.push("group"), { needs: { modes: ["bot"] } }),
      ],
    });
    const { router } = routerFor([plugin]);
    await router.handle(makeMessage({ chatType: "group", chatId: "-5", text: "well hello world" }));
    await router.handle(makeMessage({ chatType: "group", chatId: "-5", text: "hello again" }));
    await router.handle(makeMessage({ text: "hello private" }));
    expect(matches).toEqual(["world", "again"]);
  });

  it("runs every matching handler in order, each isolated from the others' failures", async () => {
    const order: string[] = [];
    const plugin = definePlugin({
      name: "p",
      handlers: [
        onMessage(
          () => true,
          () => {
            order.push("first");
            throw new Error("first broke");
          },
          { name: "breaks" },
        ),
        onMessage(
          () => true,
          async () => void order.push("second"),
        ),
      ],
    });
    const { router, logs } = routerFor([plugin]);
    await router.handle(makeMessage({ chatId: "-100777", chatType: "supergroup", messageId: 9 }));
    expect(order).toEqual(["first", "second"]);
    expect(logs().find((l) => l.msg === "handler failed")).toMatchObject({
      chat: "-100777",
      handler: "p/breaks",
      messageId: 9,
      err: { message: "first broke" },
    });
  });

  it("logs a flood wait that reached a handler as a warning with its seconds", async () => {
    const plugin = definePlugin({
      name: "p",
      handlers: [
        onMessage(
          () => true,
          () => Promise.reject(new FloodWaitError(300, "messages.sendMessage")),
          { name: "send" },
        ),
      ],
    });
    const { router, logs } = routerFor([plugin]);
    await router.handle(makeMessage());
    expect(logs().find((l) => l.msg === "handler stopped by a flood wait")).toMatchObject({
      level: 40,
      seconds: 300,
      method: "messages.sendMessage",
      handler: "p/send",
    });
  });

  it("asks the access policy before each handler; the default keeps owner-only and gated handlers closed", async () => {
    const ran: string[] = [];
    const plugin = definePlugin({
      name: "p",
      handlers: [
        onMessage(
          () => true,
          () => void ran.push("owner"),
          { name: "owner", needs: { access: "owner" } },
        ),
        onMessage(
          () => true,
          () => void ran.push("gated"),
          { name: "gated", needs: { gate: "members" } },
        ),
        onMessage(
          () => true,
          () => void ran.push("open"),
          { name: "open" },
        ),
      ],
    });
    const defaults = routerFor([plugin]);
    await defaults.router.handle(makeMessage({ out: false }));
    await defaults.router.handle(makeMessage({ out: true, senderId: "1000" }));
    expect(ran).toEqual(["open", "owner", "open"]);
    expect(
      defaults
        .logs()
        .filter((l) => l.msg === "access denied")
        .map((l) => l.reason),
    ).toEqual(["owner only", "no access policy knows gate members", "no access policy knows gate members"]);

    ran.length = 0;
    const requests: string[] = [];
    const custom = routerFor([plugin], "user", ({ handler, message }) => {
      requests.push(`${handler.name}@${message.chatId}`);
      return handler.name === "gated" ? { allow: true } : { allow: false, reason: "nope" };
    });
    await custom.router.handle(makeMessage());
    expect(ran).toEqual(["gated"]);
    expect(requests).toEqual(["owner@2000", "gated@2000", "open@2000"]);
  });

  it("treats a failing policy as a denial and logs it", async () => {
    const ran: string[] = [];
    const plugin = definePlugin({
      name: "p",
      handlers: [
        onMessage(
          () => true,
          () => void ran.push("x"),
          { name: "x" },
        ),
      ],
    });
    const { router, logs } = routerFor([plugin], "user", () => {
      throw new Error("policy store down");
    });
    await router.handle(makeMessage());
    expect(ran).toEqual([]);
    expect(logs().find((l) => l.msg === "handler failed")).toMatchObject({ handler: "p/x", err: { message: "policy store down" } });
  });

  it("refuses two plugins claiming one command and lists commands for help", () => {
    const a = definePlugin({ name: "a", handlers: [command({ name: "go", aliases: ["g"], description: "go on", usage: "<where>" }, () => {})] });
    const b = definePlugin({ name: "b", handlers: [command("g", () => {})] });
    expect(() => routerFor([a, b])).toThrow(/command "g" is defined by both plugin a and plugin b/);
    expect(routerFor([a]).router.commands).toEqual([{ name: "go", aliases: ["g"], description: "go on", usage: "<where>", plugin: "a" }]);
  });

  it("builds contexts whose shortcuts target the message's chat", async () => {
    const plugin = definePlugin({
      name: "p",
      handlers: [
        command("talk", async (ctx) => {
          await ctx.reply("r");
          await ctx.respond("s");
          await ctx.edit("e");
          await ctx.answer("a");
        }),
      ],
    });
    const { router, gateway } = routerFor([plugin]);
    await router.handle(makeMessage({ text: ".talk", out: true, chatId: "-100500", chatType: "supergroup", messageId: 33 }));
    expect(gateway.calls).toEqual([
      { op: "send", chatId: "-100500", text: "r", options: { replyTo: 33 } },
      { op: "send", chatId: "-100500", text: "s", options: undefined },
      { op: "edit", chatId: "-100500", messageId: 33, text: "e", options: undefined },
      { op: "edit", chatId: "-100500", messageId: 33, text: "a", options: undefined },
    ]);
  });
});
