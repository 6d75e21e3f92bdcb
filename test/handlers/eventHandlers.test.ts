/**
 * The plugin API for events besides new messages: onEdited, onDeleted, onChatAction, onParticipant and
 * onRaw declared in definePlugin's handlers, routed by kind with their filters, modes and the access policy;
 * and the filters over the message's details.
 */
import type { TelegramClient } from "telegram";
import { describe, expect, it } from "vitest";
import { commandSyntax } from "../../src/handlers/commands.js";
import { onChatAction, onDeleted, onEdited, onParticipant, onRaw } from "../../src/handlers/eventHandlers.js";
import * as filters from "../../src/handlers/filters.js";
import { command, definePlugin, type Plugin } from "../../src/handlers/plugin.js";
import { type AccessPolicy, Router } from "../../src/handlers/router.js";
import { FakeGateway, makeMessage } from "../kit/fakes.js";
import { captureLog } from "../kit/log.js";

function routerFor(plugins: Plugin[], policy?: AccessPolicy, mode: "user" | "bot" = "user") {
  const { log, lines } = captureLog();
  const router = new Router({
    plugins,
    syntax: commandSyntax(mode, {}),
    services: { telegram: new FakeGateway(), client: {} as TelegramClient, log, me: { id: "1000", mode } },
    policy,
  });
  return { router, lines };
}

describe("event handlers", () => {
  it("are listed beside commands, named by kind and position, and kept apart from the message handlers", () => {
    const plugin = definePlugin({
      name: "events",
      handlers: [
        command("go", () => {}),
        onEdited(filters.any, () => {}),
        onDeleted(() => {}),
        onChatAction(filters.any, () => {}),
        onParticipant(() => {}),
        onRaw(() => {}),
      ],
    });
    expect(plugin.handlers.map((handler) => handler.name)).toEqual(["go"]);
    expect(plugin.events?.map((handler) => handler.name)).toEqual(["edited2", "deleted3", "chatAction4", "participant5", "raw6"]);
  });

  it("routes each event kind to its handlers only, with filters and modes", async () => {
    const seen: string[] = [];
    const plugin = definePlugin({
      name: "events",
      handlers: [
        onEdited(filters.isGroup, (ctx) => void seen.push(`edited ${ctx.message.text}`)),
        onDeleted((ctx) => void seen.push(`deleted ${ctx.chatId}:${ctx.messageIds.join(",")}${ctx.isCatchUp ? "*" : ""}`)),
        onChatAction(filters.action("join"), (ctx) => void seen.push(`action ${ctx.message.action?.type}`)),
        onParticipant((ctx) => void seen.push(`participant ${ctx.participant.userId} ${ctx.participant.after}`)),
        onParticipant(() => void seen.push("bot only"), { needs: { modes: ["bot"] } }),
        onRaw((ctx) => void seen.push(`raw ${ctx.raw.className} ${ctx.event?.kind}`)),
      ],
    });
    const { router } = routerFor([plugin]);
    const group = makeMessage({ chatId: "-9", chatType: "group", text: "fixed", editDate: 5 });
    await router.handleEvent({ kind: "edited", message: group });
    await router.handleEvent({ kind: "edited", message: makeMessage({ text: "private" }) });
    await router.handleEvent({ kind: "deleted", deletion: { chatId: "-9", messageIds: [3, 4], isCatchUp: true } });
    await router.handleEvent({
      kind: "chatAction",
      message: makeMessage({ action: { type: "join", userIds: ["5"] } }),
      action: { type: "join", userIds: ["5"] },
    });
    await router.handleEvent({ kind: "chatAction", message: makeMessage({ action: { type: "leave", userId: "5" } }), action: { type: "leave", userId: "5" } });
    await router.handleEvent({ kind: "participant", participant: { chatId: "-1005", userId: "5", after: "member", date: 1, isCatchUp: false } });
    await router.handleRaw(
      { className: "UpdateUserTyping", update: {}, isCatchUp: false },
      { kind: "typing", typing: { chatId: "5", userId: "5", action: "typing" } },
    );
    expect(seen).toEqual(["edited fixed", "deleted -9:3,4*", "action join", "participant 5 member", "raw UpdateUserTyping typing"]);
    expect(router.handles("edited")).toBe(true);
  });

  it("asks the access policy for edits and chat actions, and logs a failing handler without stopping the others", async () => {
    const seen: string[] = [];
    const policy: AccessPolicy = ({ message }) => (message.senderId === "666" ? { allow: false, reason: "spammer" } : { allow: true });
    const plugin = definePlugin({
      name: "events",
      handlers: [
        onDeleted(() => {
          throw new Error("boom");
        }),
        onDeleted(() => void seen.push("second")),
        onEdited(filters.any, (ctx) => void seen.push(`edited from ${ctx.message.senderId}`)),
      ],
    });
    const { router, lines } = routerFor([plugin], policy);
    await router.handleEvent({ kind: "deleted", deletion: { messageIds: [1], isCatchUp: false } });
    await router.handleEvent({ kind: "edited", message: makeMessage({ senderId: "666" }) });
    await router.handleEvent({ kind: "edited", message: makeMessage({ senderId: "7" }) });
    expect(seen).toEqual(["second", "edited from 7"]);
    expect(lines.some((line) => line.includes("handler failed") && line.includes("events/deleted1"))).toBe(true);
    expect(router.handles("participant")).toBe(false);
  });
});

describe("filters over the message's details", () => {
  it("match media, forwards, channels, mentions, bots, albums, service messages and edits", () => {
    const photo = makeMessage({ media: { kind: "photo" } });
    expect(filters.hasMedia(photo)).toBe(true);
    expect(filters.hasMedia(makeMessage())).toBe(false);
    expect(filters.media("photo", "video")(photo)).toBe(true);
    expect(filters.media("voice")(photo)).toBe(false);
    const forward = makeMessage({ forward: { fromId: "-100555", messageId: 3, date: 1 } });
    expect(filters.forwarded(forward)).toBe(true);
    expect(filters.fromChannel()(forward)).toBe(true);
    expect(filters.fromChannel("-100555")(forward)).toBe(true);
    expect(filters.fromChannel("@news")(makeMessage({ chatType: "channel", chatId: "-1007", chatUsername: "News" }))).toBe(true);
    expect(filters.fromChannel("@news")(makeMessage({ chatType: "supergroup", chatId: "-1007", chatUsername: "news" }))).toBe(false);
    expect(filters.mentionsMe(makeMessage({ mentioned: true }))).toBe(true);
    expect(filters.fromBot(makeMessage({ sender: { id: "9", isBot: true } }))).toBe(true);
    expect(filters.viaBot(makeMessage({ viaBotId: "9" }))).toBe(true);
    expect(filters.isAlbum(makeMessage({ groupedId: "1" }))).toBe(true);
    expect(filters.isService(makeMessage({ action: { type: "photo" } }))).toBe(true);
    expect(filters.edited(makeMessage({ editDate: 1 }))).toBe(true);
    expect(filters.edited(makeMessage())).toBe(false);
    expect(filters.action("pin")(makeMessage({ action: { type: "pin", messageId: 2 } }))).toBe(true);
  });
});
