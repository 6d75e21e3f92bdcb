/**
 * Bot mode, the bot a plain member (not an admin) of the gate group: it gets no updateChannelParticipant,
 * only the join and leave service messages, and Telegram may refuse it the member list.
 */

import { Api } from "telegram";
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
const dm = (id: string) => ({ type: "user" as const, id });
const vipId = () => `-100${vip}`;

beforeAll(async () => {
  world = await startWorld();
  ({ ids, id: vip } = await seedClub(world.control, {
    people: ["gus", "alice", "bob", "carol", "dave", "erin", "hank", "ivy"],
    bot: { firstName: "Doorman", username: "doorman_bot", role: "member" },
    members: { alice: "member", bob: "admin", carol: "kicked", erin: "restricted", hank: "member", ivy: "member" },
  }));
  h = await startHarness({ emu: world.emu, accountId: ids.bot, mode: "bot", botUsername: "doorman_bot" });
  await defineGate(h.client, h.layer.rules, h.layer.source, "vip", "@vipclub", passingStatuses(false));
});

afterAll(async () => {
  await h?.stop();
  await world?.stop();
});

describe("gated bot, a plain member of the gate group", () => {
  it("lets members and admins through, in private and in the group, and refuses kicked people and strangers", async () => {
    expect(await h.ask(ids.alice, dm(ids.bot), "/secret a1")).toEqual({ ran: ["secret:a1"], sent: ["the secret"] });
    expect(await h.ask(ids.bob, { type: "channel", id: vip }, "/secret b1")).toEqual({ ran: ["secret:b1"], sent: ["the secret"] });
    expect(await h.ask(ids.carol, dm(ids.bot), "/secret c1")).toEqual({ ran: [], sent: [DEFAULT_REFUSAL] });
    expect(await h.ask(ids.dave, dm(ids.bot), "/secret d1")).toEqual({ ran: [], sent: [DEFAULT_REFUSAL] });
    expect(h.layer.accessLog.query({ denied: true }).map((e) => e.reason)).toEqual(["gate vip: none in @vipclub", "gate vip: kicked in @vipclub"]);
  });

  it("refuses a member who leaves on the next message: the leave service message updates the cache", async () => {
    expect(h.layer.membership.cached(vipId(), ids.alice)).toBe("member");
    const before = await h.rpcCount("channels.getParticipant");
    await h.control.setMember(vip, ids.alice, "left");
    await h.untilUpdate(() => h.layer.membership.cached(vipId(), ids.alice) === "left");
    expect(await h.ask(ids.alice, dm(ids.bot), "/secret a2")).toEqual({ ran: [], sent: [DEFAULT_REFUSAL] });
    expect(await h.rpcCount("channels.getParticipant")).toBe(before);
  });

  it("follows the gate's rule for restricted members", async () => {
    expect(await h.ask(ids.erin, dm(ids.bot), "/secret e1")).toEqual({ ran: [], sent: [DEFAULT_REFUSAL] });
    await defineGate(h.client, h.layer.rules, h.layer.source, "vip", "@vipclub", passingStatuses(true));
    expect(await h.ask(ids.erin, dm(ids.bot), "/secret e2")).toMatchObject({ ran: ["secret:e2"] });
  });

  it("denies when the bot is refused the member (not an admin), tells the person once a minute, and recovers", async () => {
    await h.control.addFault({ method: "channels.getParticipant", error: "CHAT_ADMIN_REQUIRED", count: 2 });
    expect(await h.ask(ids.hank, dm(ids.bot), "/secret h1")).toEqual({ ran: [], sent: [DEFAULT_UNVERIFIED] });
    expect(await h.ask(ids.hank, dm(ids.bot), "/secret h2")).toEqual({ ran: [], sent: [] });
    expect(h.layer.accessLog.query({ limit: 2 }).map((e) => e.reason)).toEqual([
      "gate vip: could not verify membership (CHAT_ADMIN_REQUIRED)",
      "gate vip: could not verify membership (CHAT_ADMIN_REQUIRED)",
    ]);
    expect(await h.ask(ids.hank, dm(ids.bot), "/secret h3")).toMatchObject({ ran: ["secret:h3"] });
  });

  it("answers status by link and @username, and warms a big group up in pages, after which its members cost no request", async () => {
    await h.control.seedMembers(vip, 450);
    expect(await h.layer.membership.status("https://t.me/vipclub", "@gus_person")).toBe("creator");
    const before = await h.rpcCount("channels.getParticipant");
    const input = await h.client.getInputEntity("vipclub");
    if (!(input instanceof Api.InputPeerChannel)) throw new Error("expected a channel");
    const result = await h.layer.membership.warmUp({ id: vipId(), input, label: "@vipclub" });
    expect(result.requests).toBe(3);
    expect(result.cached).toBe(result.total);
    expect(await h.layer.membership.check({ id: vipId(), input, label: "@vipclub" }, ids.ivy)).toBe("member");
    expect(await h.rpcCount("channels.getParticipant")).toBe(before);
  });
});
