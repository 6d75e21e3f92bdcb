import bigInt from "big-integer";
import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { SqliteAccessLog } from "../../src/access/accessLog.js";
import { DEFAULT_REFUSAL, parseAccessConfig } from "../../src/access/config.js";
import { migrateAccess } from "../../src/access/schema.js";
import { statusOfChannelParticipant } from "../../src/access/status.js";
import { Throttle } from "../../src/access/throttle.js";
import type { Problems } from "../../src/config.js";
import { openDatabase } from "../../src/store/database.js";

describe("participant statuses", () => {
  it("reads banned participants as kicked, left or restricted", () => {
    const peer = new Api.PeerUser({ userId: bigInt(1) });
    const banned = (rights: Partial<Api.ChatBannedRights>, left?: boolean) =>
      new Api.ChannelParticipantBanned({ peer, left, kickedBy: bigInt(2), date: 1, bannedRights: new Api.ChatBannedRights({ untilDate: 0, ...rights }) });
    expect(statusOfChannelParticipant(banned({ viewMessages: true }, true))).toBe("kicked");
    expect(statusOfChannelParticipant(banned({ sendMessages: true }, true))).toBe("left");
    expect(statusOfChannelParticipant(banned({ sendMessages: true }))).toBe("restricted");
    expect(statusOfChannelParticipant(new Api.ChannelParticipantLeft({ peer }))).toBe("left");
    expect(statusOfChannelParticipant(new Api.ChannelParticipantSelf({ userId: bigInt(1), inviterId: bigInt(2), date: 1 }))).toBe("member");
    expect(statusOfChannelParticipant(undefined)).toBe("left");
  });
});

describe("refusal throttle", () => {
  it("lets each key through once per interval", () => {
    let now = 0;
    const throttle = new Throttle(60_000, () => now);
    expect(throttle.take("1")).toBe(true);
    expect(throttle.take("1")).toBe(false);
    expect(throttle.take("2")).toBe(true);
    now = 59_999;
    expect(throttle.take("1")).toBe(false);
    now = 60_000;
    expect(throttle.take("1")).toBe(true);
  });
});

describe("access log", () => {
  it("buffers decisions, answers --denied and --since queries newest first, and keeps its bounds", () => {
    const db = openDatabase(":memory:");
    migrateAccess(db);
    let now = 10 * 86_400_000;
    const log = new SqliteAccessLog(db, { maxAgeMs: 86_400_000, maxRows: 150 }, () => now);
    const entry = (at: number, outcome: "allow" | "deny") => ({
      at,
      userId: "1",
      chatId: "-100500",
      command: "secret",
      outcome,
      reason: outcome === "deny" ? "gate vip: left in @vip" : "gate vip: member in @vip",
    });
    log.record(entry(now - 2 * 86_400_000, "deny"));
    expect(db.prepare("SELECT COUNT(*) FROM access_log").pluck().get()).toBe(0);
    log.flush();
    expect(db.prepare("SELECT COUNT(*) FROM access_log").pluck().get()).toBe(0);
    for (let i = 0; i < 200; i++) log.record(entry(now - 1000 + i, i % 4 === 0 ? "deny" : "allow"));
    expect(log.query({ limit: 1000 })).toHaveLength(150);
    const denied = log.query({ denied: true, since: now - 1000 + 180, limit: 10 });
    expect(denied.map((e) => e.at)).toEqual([now - 1000 + 196, now - 1000 + 192, now - 1000 + 188, now - 1000 + 184, now - 1000 + 180]);
    expect(denied[0]).toMatchObject({ userId: "1", chatId: "-100500", command: "secret", outcome: "deny" });
    now += 2 * 86_400_000;
    log.record(entry(now, "allow"));
    log.close();
    expect(log.query()).toHaveLength(1);
  });
});

describe("access config", () => {
  it("applies defaults and names the variable of each problem", () => {
    const problems: Problems = [];
    const config = parseAccessConfig({}, problems);
    expect(problems).toEqual([]);
    expect(config).toMatchObject({ owners: [], defaultAccess: undefined, memberTtlSeconds: 600, absentTtlSeconds: 60, refusalText: DEFAULT_REFUSAL });
    expect(parseAccessConfig({ ACCESS_REFUSAL_TEXT: "none", ACCESS_OWNERS: "5, 6,5" }, problems)).toMatchObject({ refusalText: "", owners: ["5", "6"] });
    parseAccessConfig({ ACCESS_OWNERS: "@alice", ACCESS_DEFAULT: "maybe", ACCESS_MEMBER_TTL: "30", ACCESS_ABSENT_TTL: "60" }, problems);
    expect(problems.map(([name]) => name)).toEqual(["ACCESS_OWNERS", "ACCESS_DEFAULT", "ACCESS_ABSENT_TTL"]);
  });
});
