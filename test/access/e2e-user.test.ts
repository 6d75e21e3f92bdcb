/**
 * User mode: the account is a person (a plain member of the gate group) whose userbot answers gated
 * commands from others; commands without a rule are closed by default, and the owner manages rules with
 * her own `.allow` messages.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineGate } from "../../src/access/admin.js";
import { DEFAULT_REFUSAL, DEFAULT_UNVERIFIED } from "../../src/access/config.js";
import { passingStatuses, ruleKey } from "../../src/access/rules.js";
import { seedClub } from "../kit/club.js";
import { startWorld, type World } from "../kit/world.js";
import { type Harness, startHarness } from "./harness.js";

let world: World;
let h: Harness;
let ids: Record<string, string>;
let vip: string;
let lounge: string;
const dm = () => ({ type: "user" as const, id: ids.olivia });
const vipId = () => `-100${vip}`;

beforeAll(async () => {
  world = await startWorld();
  const { control } = world;
  ({ ids, id: vip } = await seedClub(control, {
    people: ["olivia", "gus", "alice", "bob", "carol", "dave", "erin", "frank", "hank"],
    members: { olivia: "member", alice: "member", bob: "member", carol: "kicked", erin: "restricted", hank: "member" },
  }));
  lounge = (
    await control.createChat({
      type: "group",
      title: "Lounge",
      creatorId: ids.olivia,
      members: [
        { userId: ids.dave, role: "member" },
        { userId: ids.frank, role: "member" },
      ],
    })
  ).id;
  h = await startHarness({ emu: world.emu, accountId: ids.olivia, mode: "user" });
  await defineGate(h.client, h.layer.rules, h.layer.source, "vip", "https://t.me/vipclub", passingStatuses(false));
});

afterAll(async () => {
  await h?.stop();
  await world?.stop();
});

describe("gated userbot", () => {
  it("answers members' gated commands, refuses kicked people and strangers, and ignores commands nobody allowed", async () => {
    expect(await h.ask(ids.alice, dm(), ".secret a1")).toEqual({ ran: ["secret:a1"], sent: ["the secret"] });
    expect(await h.ask(ids.carol, dm(), ".secret c1")).toEqual({ ran: [], sent: [DEFAULT_REFUSAL] });
    expect(await h.ask(ids.dave, dm(), ".secret d1")).toEqual({ ran: [], sent: [DEFAULT_REFUSAL] });
    expect(await h.ask(ids.alice, dm(), ".ping a")).toEqual({ ran: [], sent: [] });
    expect(h.layer.accessLog.query({ limit: 4 }).map((e) => [e.userId, e.command, e.outcome, e.reason])).toEqual([
      [ids.alice, "ping", "deny", "closed: no rule allows this chat or person"],
      [ids.dave, "secret", "deny", "gate vip: none in @vipclub"],
      [ids.carol, "secret", "deny", "gate vip: kicked in @vipclub"],
      [ids.alice, "secret", "allow", "gate vip: member in @vipclub"],
    ]);
  });

  it("refuses a member who leaves on the next message, without asking Telegram again", async () => {
    expect(await h.ask(ids.bob, dm(), ".secret b1")).toMatchObject({ ran: ["secret:b1"] });
    const before = await h.rpcCount("channels.getParticipant");
    await h.control.setMember(vip, ids.bob, "left");
    await h.untilUpdate(() => h.layer.membership.cached(vipId(), ids.bob) === "left");
    expect(await h.ask(ids.bob, dm(), ".secret b2")).toEqual({ ran: [], sent: [DEFAULT_REFUSAL] });
    expect(await h.rpcCount("channels.getParticipant")).toBe(before);
  });

  it("follows the gate's rule for restricted members", async () => {
    expect(await h.ask(ids.erin, dm(), ".secret e1")).toEqual({ ran: [], sent: [DEFAULT_REFUSAL] });
    await defineGate(h.client, h.layer.rules, h.layer.source, "vip", "@vipclub", passingStatuses(true));
    expect(await h.ask(ids.erin, dm(), ".secret e2")).toMatchObject({ ran: ["secret:e2"] });
  });

  it("lets the owner open one command in a group with her own .allow; others stay refused there", async () => {
    const group = { type: "chat" as const, id: lounge };
    expect(await h.ask(ids.dave, group, ".allow here ping")).toEqual({ ran: [], sent: [] });
    expect(h.layer.accessLog.query({ limit: 1 })[0]).toMatchObject({ userId: ids.dave, command: "allow", outcome: "deny", reason: "owner only" });
    await h.ask(ids.olivia, group, ".allow here ping");
    expect(h.layer.rules.snapshot().rules.get(ruleKey("chat", `-${lounge}`))?.allow?.commands).toEqual(["ping"]);
    expect(await h.ask(ids.frank, group, ".ping")).toEqual({ ran: ["ping:"], sent: ["pong"] });
    expect(await h.ask(ids.frank, group, ".stats")).toEqual({ ran: [], sent: [DEFAULT_REFUSAL] });
    await h.sendsDone();
  });

  it("fails closed on an RPC error injected through POST /faults", async () => {
    await h.control.addFault({ method: "channels.getParticipant", error: "CHANNEL_PRIVATE" });
    expect(await h.ask(ids.hank, dm(), ".secret h1")).toEqual({ ran: [], sent: [DEFAULT_UNVERIFIED] });
    expect(h.layer.accessLog.query({ denied: true, limit: 1 })[0].reason).toBe("gate vip: could not verify membership (CHANNEL_PRIVATE)");
    expect(await h.ask(ids.hank, dm(), ".secret h2")).toMatchObject({ ran: ["secret:h2"] });
  });

  it("reads a basic group's members with one messages.getFullChat for everyone", async () => {
    const before = await h.rpcCount("messages.getFullChat");
    expect(await h.layer.membership.status(`-${lounge}`, "@frank_person")).toBe("member");
    expect(await h.layer.membership.status(`-${lounge}`, ids.olivia)).toBe("creator");
    expect(await h.layer.membership.status(`-${lounge}`, ids.alice)).toBe("none");
    expect(await h.rpcCount("messages.getFullChat")).toBe(before + 1);
  });
});
