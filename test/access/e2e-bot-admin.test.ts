/**
 * Bot mode, the bot an admin of the gate group: real GramJS over TCP against the emulator, people writing
 * through the control API. Admin bots receive updateChannelParticipant, so leaves and restrictions reach
 * the cache at once; one made while the connection is down comes with getDifference after the reconnect
 * (the update is numbered in the bot's qts sequence).
 */

import { setMemberRole } from "@tg-toolkit/emulator/model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineGate } from "../../src/access/admin.js";
import { DEFAULT_REFUSAL, DEFAULT_UNVERIFIED } from "../../src/access/config.js";
import { passingStatuses } from "../../src/access/rules.js";
import { seedClub } from "../kit/club.js";
import { startWorld, type World } from "../kit/world.js";
import { type Harness, startHarness } from "./harness.js";

let world: World;
let h: Harness;
let ids: Record<string, string>;
let vip: string;
let lounge: string;
const dm = (id: string) => ({ type: "user" as const, id });

beforeAll(async () => {
  world = await startWorld();
  const { control } = world;
  ({ ids, id: vip } = await seedClub(control, {
    people: ["gus", "alice", "bob", "carol", "dave", "erin", "frank", "grace", "hank", "ivy"],
    bot: { firstName: "Gatekeeper", username: "gatekeeper_bot", role: "admin" },
    members: { alice: "member", bob: "member", carol: "kicked", erin: "restricted", grace: "member", hank: "member", ivy: "member" },
  }));
  lounge = (
    await control.createChat({
      type: "supergroup",
      title: "Lounge",
      creatorId: ids.gus,
      members: [
        { userId: ids.bot, role: "admin" },
        { userId: ids.frank, role: "member" },
      ],
    })
  ).id;
  h = await startHarness({
    emu: world.emu,
    accountId: ids.bot,
    mode: "bot",
    botUsername: "gatekeeper_bot",
    access: { owners: [ids.gus], checkTimeoutMs: 300 },
  });
  await defineGate(h.client, h.layer.rules, h.layer.source, "vip", "@vipclub", passingStatuses(false));
});

afterAll(async () => {
  await h?.stop();
  await world?.stop();
});

describe("gated bot, admin of the gate group", () => {
  it("lets members through and refuses kicked people and strangers once, logging each decision", async () => {
    expect(await h.ask(ids.alice, dm(ids.bot), "/secret a1")).toEqual({ ran: ["secret:a1"], sent: ["the secret"] });
    expect(await h.ask(ids.carol, dm(ids.bot), "/secret c1")).toEqual({ ran: [], sent: [DEFAULT_REFUSAL] });
    expect(await h.ask(ids.carol, dm(ids.bot), "/secret c2")).toEqual({ ran: [], sent: [] });
    expect(await h.ask(ids.dave, dm(ids.bot), "/secret d1")).toEqual({ ran: [], sent: [DEFAULT_REFUSAL] });
    expect(await h.ask(ids.bob, dm(ids.bot), "/secret b1")).toMatchObject({ ran: ["secret:b1"] });
    await h.sendsDone();
    expect((await h.control.messages("user", ids.bot, { viewerId: ids.carol, limit: 1 }))[0]).toMatchObject({ fromId: ids.bot, text: DEFAULT_REFUSAL });
    expect((await h.control.messages("user", ids.bot, { viewerId: ids.alice, limit: 1 }))[0]).toMatchObject({ fromId: ids.bot, text: "the secret" });
    const log = h.layer.accessLog.query({ limit: 5 });
    expect(log.map((e) => [e.userId, e.command, e.outcome, e.reason])).toEqual([
      [ids.bob, "secret", "allow", "gate vip: member in @vipclub"],
      [ids.dave, "secret", "deny", "gate vip: none in @vipclub"],
      [ids.carol, "secret", "deny", "gate vip: kicked in @vipclub"],
      [ids.carol, "secret", "deny", "gate vip: kicked in @vipclub"],
      [ids.alice, "secret", "allow", "gate vip: member in @vipclub"],
    ]);
  });

  it("refuses a member who leaves on the next message, from the pushed update and without another request", async () => {
    const before = await h.rpcCount("channels.getParticipant");
    expect(h.layer.membership.cached(`-100${vip}`, ids.bob)).toBe("member");
    await h.control.setMember(vip, ids.bob, "left");
    await h.untilUpdate(() => h.layer.membership.cached(`-100${vip}`, ids.bob) === "left");
    expect(await h.ask(ids.bob, dm(ids.bot), "/secret b2")).toEqual({ ran: [], sent: [DEFAULT_REFUSAL] });
    expect(await h.rpcCount("channels.getParticipant")).toBe(before);
  });

  it("lets restricted members through only when the gate says so, and sees restrictions as they happen", async () => {
    expect(await h.ask(ids.erin, dm(ids.bot), "/secret e1")).toEqual({ ran: [], sent: [DEFAULT_REFUSAL] });
    await h.control.setMember(vip, ids.alice, "restricted");
    await h.untilUpdate(() => h.layer.membership.cached(`-100${vip}`, ids.alice) === "restricted");
    expect(await h.ask(ids.alice, dm(ids.bot), "/secret a2")).toMatchObject({ ran: [] });
    await defineGate(h.client, h.layer.rules, h.layer.source, "vip", "@vipclub", passingStatuses(true));
    expect(await h.ask(ids.erin, dm(ids.bot), "/secret e2")).toMatchObject({ ran: ["secret:e2"] });
    expect(await h.ask(ids.alice, dm(ids.bot), "/secret a3")).toMatchObject({ ran: ["secret:a3"] });
  });

  it("holds per-chat command lists the owner sets with /allow", async () => {
    const group = { type: "channel" as const, id: lounge };
    expect(await h.ask(ids.frank, group, "/allow here ping")).toEqual({ ran: [], sent: [DEFAULT_REFUSAL] });
    const set = await h.ask(ids.gus, group, "/allow here ping");
    expect(set.sent).toEqual([`Done: allow chat "Lounge" (-100${lounge}): ping.`]);
    expect(await h.ask(ids.frank, group, "/ping")).toEqual({ ran: ["ping:"], sent: ["pong"] });
    expect(await h.ask(ids.frank, group, "/stats")).toEqual({ ran: [], sent: [] });
    expect(await h.ask(ids.frank, dm(ids.bot), "/stats")).toMatchObject({ ran: ["stats:"] });
    expect(h.layer.accessLog.query({ denied: true, limit: 1 })[0]).toMatchObject({
      userId: ids.frank,
      chatId: `-100${lounge}`,
      command: "stats",
      reason: `stats is not among the commands allowed for chat -100${lounge}`,
    });
    expect((await h.ask(ids.gus, group, "/rules")).sent[0]).toContain(`allow chat "Lounge" (-100${lounge}): ping`);
  });

  it("applies a restriction made while the connection was down: the missed qts update comes from getDifference after the reconnect", async () => {
    await defineGate(h.client, h.layer.rules, h.layer.source, "vip", "@vipclub", passingStatuses(false));
    expect(await h.ask(ids.ivy, dm(ids.bot), "/secret i1")).toMatchObject({ ran: ["secret:i1"] });
    expect(h.layer.membership.cached(`-100${vip}`, ids.ivy)).toBe("member");
    const before = { differences: await h.rpcCount("updates.getDifference"), lookups: await h.rpcCount("channels.getParticipant") };
    await h.control.disconnect();
    // In the same turn as the drop: the emulator keeps the push for the bot's dropped session (as Telegram keeps
    // a session's updates), but GramJS reconnects with a new session_id, so only getDifference brings it.
    setMemberRole(world.emu.model, Number(vip), Number(ids.ivy), "restricted", { actorId: Number(ids.gus) });
    await h.untilUpdate(() => h.layer.membership.cached(`-100${vip}`, ids.ivy) === "restricted");
    expect(await h.rpcCount("updates.getDifference")).toBeGreaterThan(before.differences);
    expect(await h.ask(ids.ivy, dm(ids.bot), "/secret i2")).toEqual({ ran: [], sent: [DEFAULT_REFUSAL] });
    expect(await h.rpcCount("channels.getParticipant")).toBe(before.lookups);
    expect(h.layer.accessLog.query({ limit: 1 })[0].reason).toBe("gate vip: restricted in @vipclub");
  });

  it("fails closed when Telegram does not answer in time: denied, and told to retry at most once a minute", async () => {
    await h.control.setLatency(2000);
    try {
      expect(await h.ask(ids.grace, dm(ids.bot), "/secret g1")).toEqual({ ran: [], sent: [DEFAULT_UNVERIFIED] });
      expect(await h.ask(ids.grace, dm(ids.bot), "/secret g2")).toEqual({ ran: [], sent: [] });
    } finally {
      await h.control.setLatency(0);
    }
    const [last] = h.layer.accessLog.query({ denied: true, limit: 1 });
    expect(last).toMatchObject({ userId: ids.grace, reason: "gate vip: could not verify membership (no answer from Telegram within 300 ms)" });
  });

  it("fails closed on an RPC error injected through POST /faults", async () => {
    await h.control.addFault({ method: "channels.getParticipant", error: "CHAT_ADMIN_REQUIRED" });
    expect(await h.ask(ids.hank, dm(ids.bot), "/secret h1")).toEqual({ ran: [], sent: [DEFAULT_UNVERIFIED] });
    expect(h.layer.accessLog.query({ limit: 1 })[0].reason).toBe("gate vip: could not verify membership (CHAT_ADMIN_REQUIRED)");
    expect(await h.ask(ids.hank, dm(ids.bot), "/secret h2")).toMatchObject({ ran: ["secret:h2"] });
  });
});
