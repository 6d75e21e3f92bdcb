import type { TelegramClient } from "telegram";
import { describe, expect, it } from "vitest";
import { parseAccessConfig } from "../../src/access/config.js";
import { createAccessLayer } from "../../src/access/layer.js";
import { ruleKey } from "../../src/access/rules.js";
import { sqliteAccessStores } from "../../src/access/schema.js";
import { commandSyntax } from "../../src/handlers/commands.js";
import { Router } from "../../src/handlers/router.js";
import accessPlugin from "../../src/plugins/access.js";
import { openDatabase } from "../../src/store/database.js";
import { FakeGateway, makeMessage } from "../kit/fakes.js";
import { captureLog } from "../kit/log.js";

/** A user-mode router with the access plugin, over a fake gateway; with or without an access layer. */
function setup(withLayer = true) {
  const client = {} as TelegramClient;
  const gateway = new FakeGateway();
  const { log } = captureLog();
  const config = parseAccessConfig({}, []);
  const layer = withLayer
    ? createAccessLayer({ stores: sqliteAccessStores(openDatabase(":memory:"), config), client, mode: "user", config, log, telegram: gateway })
    : undefined;
  const router = new Router({
    plugins: [accessPlugin],
    syntax: commandSyntax("user"),
    services: { telegram: gateway, client, log, me: { id: "1000", mode: "user" } },
    policy: layer?.policy,
  });
  const own = (text: string, extra = {}) =>
    router.handle(makeMessage({ out: true, senderId: "1000", chatId: "-100777", chatType: "supergroup", chatTitle: "Club", text, ...extra }));
  return { layer, gateway, own };
}

describe("owner commands", () => {
  it("allows the sender of the replied message the listed commands, and lists the rules", async () => {
    const { layer, gateway, own } = setup();
    gateway.messages.push(makeMessage({ chatId: "-100777", messageId: 5, senderId: "77", text: "hi" }));
    await own(".allow ping whois", { replyToMessageId: 5 });
    expect(layer!.rules.snapshot().rules.get(ruleKey("user", "77"))?.allow?.commands).toEqual(["ping", "whois"]);
    await own(".deny here stats");
    await own(".rules");
    expect(gateway.texts()).toEqual([
      "Done: allow user 77: ping, whois.",
      'Done: deny chat "Club" (-100777): stats.',
      'deny chat "Club" (-100777): stats\nallow user 77: ping, whois',
    ]);
    layer!.close();
  });

  it("answers bad input with what was wrong and stores nothing", async () => {
    const { layer, gateway, own } = setup();
    await own(".allow here no!way");
    await own(".allow");
    await own(".rules drop x");
    expect(gateway.texts()).toEqual([
      'Nothing changed: "no!way" is not a command name: use 1-32 lower-case letters, digits or _, or * for every command.',
      "Name a chat or person, or reply to a message. Usage: .allow <@username | id | t.me link | here> [command ...]",
      "Usage: .rules, or .rules remove <@username | id | t.me link | here>",
    ]);
    expect(layer!.rules.list()).toEqual({ rules: [], gates: [] });
    layer!.close();
  });

  it("says so when the runtime runs without access control", async () => {
    const { gateway, own } = setup(false);
    await own(".rules");
    expect(gateway.texts()).toEqual(["Access control is not enabled in this runtime."]);
  });
});
