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
