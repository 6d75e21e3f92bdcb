import bigInt from "big-integer";
import { Api, type TelegramClient } from "telegram";
import { describe, expect, it } from "vitest";
import { parseAccessConfig } from "../../src/access/config.js";
import { accessLayerFor, createAccessLayer } from "../../src/access/layer.js";
import type { StatusEntry } from "../../src/access/membershipCache.js";
import { sqliteAccessStores } from "../../src/access/schema.js";
import type { MemberStatus } from "../../src/access/status.js";
import type { MembershipSource } from "../../src/access/telegramSource.js";
import { command, onMessage } from "../../src/handlers/plugin.js";
import { openDatabase } from "../../src/store/database.js";
import { FakeGateway, makeMessage } from "../kit/fakes.js";
import { captureLog } from "../kit/log.js";

/** A source where person "1" is a member and everyone else is not in the group. */
const source: MembershipSource & { calls: number } = {
  calls: 0,
  async participant(_chat, userId): Promise<MemberStatus> {
    source.calls += 1;
    return userId === "1" ? "member" : "none";
  },
  async groupMembers(): Promise<StatusEntry[]> {
    return [];
  },
  async membersPage() {
    return { entries: [], count: 0 };
  },
  async selfStatus(): Promise<MemberStatus> {
    return "member";
  },
};

function setup(logs = captureLog()) {
  const db = openDatabase(":memory:");
  const gateway = new FakeGateway();
  const client = {} as TelegramClient;
  const config = parseAccessConfig({}, []);
  const layer = createAccessLayer({ stores: sqliteAccessStores(db, config), client, mode: "bot", config, log: logs.log, telegram: gateway, source });
  layer.rules.setGate({ name: "vip", chatId: "-100500", accessHash: "9", label: "@vip", passing: ["creator", "admin", "member"] });
  return { db, gateway, client, layer };
}

const secret = command({ name: "secret", needs: { gate: "vip" } }, () => {});
const at = (senderId: string, messageId = 1) => makeMessage({ mode: "bot", selfId: "9", chatId: senderId, senderId, messageId, text: "/secret" });

describe("access layer", () => {
  it("decides synchronously once the person's status is cached, asking Telegram only the first time", async () => {
    const { layer } = setup();
    source.calls = 0;
    const first = layer.policy({ plugin: "p", handler: secret, message: at("1") });
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toEqual({ allow: true });
    const second = layer.policy({ plugin: "p", handler: secret, message: at("1", 2) });
    expect(second).toEqual({ allow: true });
    expect(source.calls).toBe(1);
    layer.close();
  });

  it("refuses once per person with the configured text, as a reply, and logs every decision", async () => {
    const { layer, gateway } = setup();
    expect(await layer.policy({ plugin: "p", handler: secret, message: at("2", 7) })).toEqual({ allow: false, reason: "gate vip: none in @vip" });
    expect(await layer.policy({ plugin: "p", handler: secret, message: at("2", 8) })).toMatchObject({ allow: false });
    expect(gateway.calls).toEqual([{ op: "send", chatId: "2", text: "You are not authorized to use this bot.", options: { replyTo: 7 } }]);
    expect(layer.accessLog.query().map((e) => e.outcome)).toEqual(["deny", "deny"]);
    layer.close();
  });

  it("says in the log that the refusal was sent once and that further refused commands get no answer", async () => {
    const logs = captureLog({ level: "info" });
    const { layer } = setup(logs);
    await layer.policy({ plugin: "p", handler: secret, message: at("4", 7) });
    await layer.policy({ plugin: "p", handler: secret, message: at("4", 8) });
    const lines = logs.entries().filter((entry) => String(entry.msg).startsWith("access denied"));
    expect(lines).toEqual([
      expect.objectContaining({ user: "4", command: "secret", quietSeconds: 3600, msg: expect.stringContaining("next refused commands get no answer") }),
      expect.objectContaining({ user: "4", command: "secret", msg: "access denied: no answer (refused already within ACCESS_REFUSAL_INTERVAL)" }),
    ]);
    layer.close();
  });

  it("skips routine passes of passive handlers in the log and survives updates it does not understand", () => {
    const { layer } = setup();
    const watch = onMessage(
      () => true,
      () => {},
      { name: "watch" },
    );
    expect(layer.policy({ plugin: "p", handler: watch, message: at("3") })).toEqual({ allow: true });
    layer.onUpdate(new Api.UpdateChannelParticipant({ channelId: bigInt(500), date: 1, actorId: bigInt(3), userId: bigInt(3), qts: 1 }));
    layer.onUpdate({ not: "an update" });
    expect(layer.membership.cached("-100500", "3")).toBe("left");
    expect(layer.accessLog.query()).toEqual([]);
    layer.close();
  });

  it("is found by the client it runs over until it is closed", () => {
    const { layer, client } = setup();
    expect(accessLayerFor(client)).toBe(layer);
    layer.close();
    expect(accessLayerFor(client)).toBeUndefined();
  });
});
