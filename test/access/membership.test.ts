import bigInt from "big-integer";
import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { MembershipService } from "../../src/access/membership.js";
import { SqliteMembershipCache, type StatusEntry } from "../../src/access/membershipCache.js";
import { migrateAccess } from "../../src/access/schema.js";
import type { MemberStatus } from "../../src/access/status.js";
import { type GroupRef, type MembershipSource, MembershipUnknownError } from "../../src/access/telegramSource.js";
import { openDatabase } from "../../src/store/database.js";
import { deferred } from "../kit/deferred.js";

const channel: GroupRef = { id: "-100500", input: new Api.InputPeerChannel({ channelId: bigInt(500), accessHash: bigInt(1) }), label: "@club" };
const group: GroupRef = { id: "-600", input: new Api.InputPeerChat({ chatId: bigInt(600) }), label: "family" };

/** A source answering from tables, counting calls; `hold` makes participant() wait for a deferred. */
class TableSource implements MembershipSource {
  readonly statuses = new Map<string, MemberStatus>();
  readonly members: StatusEntry[] = [];
  calls = { participant: 0, groupMembers: 0, membersPage: 0 };
  hold: Promise<void> | undefined;
  failWith: string | undefined;

  async participant(_chat: GroupRef, userId: string): Promise<MemberStatus> {
    this.calls.participant += 1;
    if (this.hold !== undefined) await this.hold;
    if (this.failWith !== undefined) throw new MembershipUnknownError(this.failWith);
    return this.statuses.get(userId) ?? "none";
  }

  async groupMembers(): Promise<StatusEntry[]> {
    this.calls.groupMembers += 1;
    if (this.hold !== undefined) await this.hold;
    return [...this.members];
  }

  async membersPage(_chat: GroupRef, offset: number, limit: number) {
    this.calls.membersPage += 1;
    return { entries: this.members.slice(offset, offset + limit), count: this.members.length };
  }

  async selfStatus(): Promise<MemberStatus> {
    return "member";
  }
}

function setup(timeoutMs = 1000) {
  const db = openDatabase(":memory:");
  migrateAccess(db);
  let now = 1_000_000;
  const clock = { advance: (ms: number) => void (now += ms) };
  const cache = new SqliteMembershipCache(db, { presentMs: 600_000, absentMs: 60_000 }, () => now);
  const source = new TableSource();
  const service = new MembershipService({ cache, source, timeoutMs });
  return { cache, source, service, clock };
}

describe("membership service", () => {
  it("asks Telegram once per person per lifetime, and sooner again for people who are not in", async () => {
    const { source, service, clock } = setup();
    source.statuses.set("1", "member");
    expect(await service.check(channel, "1")).toBe("member");
    expect(await service.check(channel, "2")).toBe("none");
    expect(await service.check(channel, "1")).toBe("member");
    expect(source.calls.participant).toBe(2);
    clock.advance(60_000);
    await service.check(channel, "1");
    await service.check(channel, "2");
    expect(source.calls.participant).toBe(3);
    clock.advance(540_000);
    await service.check(channel, "1");
    expect(source.calls.participant).toBe(4);
  });

  it("shares one request among concurrent checks of the same person", async () => {
    const { source, service } = setup();
    const gate = deferred();
    source.hold = gate.promise;
    source.statuses.set("1", "admin");
    const checks = [service.check(channel, "1"), service.check(channel, "1"), service.check(channel, "1")];
    gate.resolve();
    expect(await Promise.all(checks)).toEqual(["admin", "admin", "admin"]);
    expect(source.calls.participant).toBe(1);
  });

  it("lets a pushed update win over an older answer still on its way", async () => {
    const { source, service } = setup();
    const gate = deferred();
    source.hold = gate.promise;
    source.statuses.set("1", "member");
    const pending = service.check(channel, "1");
    service.apply(new Api.UpdateChannelParticipant({ channelId: bigInt(500), date: 1, actorId: bigInt(1), userId: bigInt(1), qts: 1 }));
    gate.resolve();
    expect(await pending).toBe("left");
    expect(service.cached(channel.id, "1")).toBe("left");
  });

  it("fails closed: errors and timeouts reject with the reason and cache nothing", async () => {
    const { source, service } = setup(20);
    source.failWith = "CHAT_ADMIN_REQUIRED";
    await expect(service.check(channel, "1")).rejects.toMatchObject({ reason: "CHAT_ADMIN_REQUIRED" });
    expect(service.cached(channel.id, "1")).toBeUndefined();
    source.failWith = undefined;
    source.hold = new Promise(() => {});
    await expect(service.check(channel, "2")).rejects.toThrow(/no answer from Telegram within 20 ms/);
  });

  it("reads a basic group's whole member list once and answers everyone in it from the cache", async () => {
    const { source, service } = setup();
    source.members.push({ userId: "1", status: "creator" }, { userId: "2", status: "member" });
    expect(await Promise.all([service.check(group, "1"), service.check(group, "2"), service.check(group, "3")])).toEqual(["creator", "member", "none"]);
    expect(await service.check(group, "2")).toBe("member");
    expect(source.calls.groupMembers).toBe(1);
  });

  it("warms a supergroup up page by page, then needs no more requests for its members", async () => {
    const { source, service } = setup();
    for (let i = 1; i <= 450; i++) source.members.push({ userId: String(i), status: i === 1 ? "creator" : "member" });
    expect(await service.warmUp(channel)).toEqual({ cached: 450, total: 450, requests: 3 });
    expect(await service.check(channel, "449")).toBe("member");
    expect(source.calls.participant).toBe(0);
  });

  it("keeps the cache correct with pushed participant updates and join / leave service messages", () => {
    const { service } = setup();
    const peerChannel = new Api.PeerChannel({ channelId: bigInt(500) });
    const service_ = (fromId: number, action: Api.TypeMessageAction, peer: Api.TypePeer = peerChannel) =>
      new Api.UpdateNewChannelMessage({
        message: new Api.MessageService({ id: 1, peerId: peer, fromId: new Api.PeerUser({ userId: bigInt(fromId) }), date: 1, action }),
        pts: 1,
        ptsCount: 1,
      });
    service.apply(service_(7, new Api.MessageActionChatJoinedByLink({ inviterId: bigInt(1) })));
    expect(service.cached("-100500", "7")).toBe("member");
    service.apply(service_(7, new Api.MessageActionChatDeleteUser({ userId: bigInt(7) })));
    expect(service.cached("-100500", "7")).toBe("left");
    service.apply(service_(1, new Api.MessageActionChatAddUser({ users: [bigInt(7), bigInt(8)] })));
    expect(service.cached("-100500", "8")).toBe("member");
    service.apply(service_(1, new Api.MessageActionChatDeleteUser({ userId: bigInt(8) })));
    expect(service.cached("-100500", "8")).toBe("kicked");

    const banned = new Api.ChannelParticipantBanned({
      peer: new Api.PeerUser({ userId: bigInt(7) }),
      kickedBy: bigInt(1),
      date: 1,
      bannedRights: new Api.ChatBannedRights({ untilDate: 0, sendMessages: true }),
    });
    service.apply(
      new Api.Updates({
        updates: [new Api.UpdateChannelParticipant({ channelId: bigInt(500), date: 1, actorId: bigInt(1), userId: bigInt(7), newParticipant: banned, qts: 1 })],
        users: [],
        chats: [],
        date: 1,
        seq: 0,
      }),
    );
    expect(service.cached("-100500", "7")).toBe("restricted");

    service.apply(new Api.UpdateChatParticipantAdd({ chatId: bigInt(600), userId: bigInt(3), inviterId: bigInt(1), date: 1, version: 2 }));
    expect(service.cached("-600", "3")).toBe("member");
    service.apply(new Api.UpdateChatParticipantAdmin({ chatId: bigInt(600), userId: bigInt(3), isAdmin: true, version: 3 }));
    expect(service.cached("-600", "3")).toBe("admin");
    service.apply(new Api.UpdateChatParticipantDelete({ chatId: bigInt(600), userId: bigInt(3), version: 4 }));
    expect(service.cached("-600", "3")).toBe("left");
    const list = new Api.ChatParticipants({ chatId: bigInt(600), participants: [new Api.ChatParticipantCreator({ userId: bigInt(1) })], version: 5 });
    service.apply(new Api.UpdateChatParticipants({ participants: list }));
    expect(service.cached("-600", "1")).toBe("creator");
    expect(service.cached("-600", "3")).toBeUndefined();
    service.apply(new Api.UpdateChatParticipants({ participants: new Api.ChatParticipantsForbidden({ chatId: bigInt(600) }) }));
    expect(service.cached("-600", "1")).toBeUndefined();
  });
});
