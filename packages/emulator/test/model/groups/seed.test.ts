import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { createChat, memberCount } from "../../../src/model/chats.js";
import { listParticipants } from "../../../src/model/participants.js";
import type { Role } from "../../../src/model/records.js";
import { seedMembers } from "../../../src/model/seed.js";
import { fixture } from "./fixture.js";

function seeded(count: number, seed?: number) {
  const f = fixture();
  const owner = f.person("Owner");
  const chat = createChat(f.world, { type: "supergroup", title: "Big", creatorId: owner.id });
  const ids = seedMembers(f.world, chat.id, count, { seed });
  return { f, owner, chat, ids };
}

describe("seedMembers", () => {
  it("adds people with a mix of roles, flags and statuses, pushing nothing", () => {
    const { f, chat, ids } = seeded(20_000, 1);
    expect(ids).toHaveLength(20_000);
    expect(f.pushes).toHaveLength(0);
    const roles = new Map<Role, number>();
    for (const id of ids) {
      const role = chat.participants.get(id)!.role;
      roles.set(role, (roles.get(role) ?? 0) + 1);
    }
    expect(roles.get("admin")).toBeGreaterThan(0);
    expect(roles.get("restricted")).toBeGreaterThan(100);
    expect(roles.get("kicked")).toBeGreaterThan(100);
    expect(roles.get("left")).toBeGreaterThan(300);
    const users = ids.map((id) => f.world.users.get(id)!);
    expect(users.filter((u) => u.bot).length).toBeGreaterThan(50);
    expect(users.filter((u) => u.deleted).length).toBeGreaterThan(50);
    expect(users.filter((u) => u.premium).length).toBeGreaterThan(500);
    expect(users.filter((u) => u.username).length).toBeGreaterThan(6_000);
    expect(users.filter((u) => u.username).every((u) => f.world.usernames.get(u.username!.toLowerCase())?.id === u.id)).toBe(true);
    expect(users.filter((u) => u.bot).every((u) => u.username?.endsWith("bot"))).toBe(true);
    expect(new Set(users.map((u) => u.status)).size).toBeGreaterThanOrEqual(6);
    expect(memberCount(f.world, chat)).toBe(1 + (roles.get("admin") ?? 0) + (roles.get("member") ?? 0) + (roles.get("restricted") ?? 0));
  });

  it("is deterministic for a seed and joins people in order, newest first in Recent", () => {
    const a = seeded(500, 7);
    const b = seeded(500, 7);
    const summary = (s: typeof a) => s.ids.map((id) => `${s.f.world.users.get(id)!.firstName}/${s.chat.participants.get(id)!.role}`);
    expect(summary(a)).toEqual(summary(b));
    const dates = a.ids.map((id) => a.chat.participants.get(id)!.date);
    expect(dates.every((d, i) => i === 0 || d > dates[i - 1])).toBe(true);
    const recent = listParticipants(a.f.world, a.chat, a.owner.id, new Api.ChannelParticipantsRecent(), 0, 5).participants;
    const members = a.ids.filter((id) => ["member", "admin", "restricted"].includes(a.chat.participants.get(id)!.role));
    expect(recent.map((p) => p.userId)).toEqual(members.slice(-5).reverse());
  });

  it("gives searchable names: a first-name query finds exactly the people so named", () => {
    const { f, owner, chat, ids } = seeded(3_000, 3);
    const page = listParticipants(f.world, chat, owner.id, new Api.ChannelParticipantsSearch({ q: "olivia" }), 0, 200);
    const expected = ids.filter((id) => {
      const user = f.world.users.get(id)!;
      return user.firstName === "Olivia" && ["member", "admin", "restricted"].includes(chat.participants.get(id)!.role);
    });
    expect(page.count).toBe(expected.length);
    expect(page.count).toBeGreaterThan(10);
  });
});

describe("generated members' phone numbers", () => {
  it("stay outside the test numbers 99966XYYYY, which people created to log in still get", () => {
    const { f, ids } = seeded(12_000, 3);
    const phones = ids.map((id) => f.world.users.get(id)!.phone).filter((phone) => phone !== undefined);
    expect(phones.length).toBeGreaterThan(11_000);
    expect(phones.every((phone) => /^888\d{8}$/.test(phone))).toBe(true);
    expect(f.person("Tester").phone).toBe("9996620002"); // the owner took 9996620001
  });
});

describe("broadcast channel subscriber lists", () => {
  function bigChannel(kind: "channel" | "supergroup") {
    const f = fixture();
    const owner = f.person("Owner");
    const chat = createChat(f.world, { type: kind, title: "Big", creatorId: owner.id });
    seedMembers(f.world, chat.id, 5_000, { seed: 7, roles: { admin: 0, restricted: 0, kicked: 0, left: 0 } });
    return { f, owner, chat };
  }
  const everyPage = (list: (offset: number) => { participants: unknown[]; count: number }) => {
    const seen: unknown[] = [];
    for (let offset = 0; ; offset += 200) {
      const page = list(offset).participants;
      if (page.length === 0) return seen;
      seen.push(...page);
    }
  };

  it("show their owner only the newest 200 subscribers, in Recent and in every search, with the true count", () => {
    const { f, owner, chat } = bigChannel("channel");
    const recent = (offset: number) => listParticipants(f.world, chat, owner.id, new Api.ChannelParticipantsRecent(), offset, 200);
    expect(recent(0).count).toBe(5_001);
    expect(everyPage(recent)).toHaveLength(200);
    const search = (q: string) => (offset: number) => listParticipants(f.world, chat, owner.id, new Api.ChannelParticipantsSearch({ q }), offset, 200);
    expect(everyPage(search(""))).toHaveLength(200);
    const found = new Set<unknown>();
    for (const letter of "abcdefghijklmnopqrstuvwxyz") for (const p of everyPage(search(letter))) found.add(p);
    expect(found.size).toBeLessThanOrEqual(200);
  });

  it("leave megagroups their 10,000 cap", () => {
    const { f, owner, chat } = bigChannel("supergroup");
    const recent = (offset: number) => listParticipants(f.world, chat, owner.id, new Api.ChannelParticipantsRecent(), offset, 200);
    expect(everyPage(recent)).toHaveLength(5_001);
  });
});
