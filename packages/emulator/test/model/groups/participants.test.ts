import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { channelMethods } from "../../../src/methods/channels.js";
import { createChat } from "../../../src/model/chats.js";
import { toLong } from "../../../src/model/longs.js";
import { listParticipants, participantsHash } from "../../../src/model/participants.js";
import type { Role } from "../../../src/model/records.js";
import { fixture, inputChannel, inputPeerUser, rpcError } from "./fixture.js";

function groupWith(roles: Role[], opts: { hidden?: boolean; type?: "supergroup" | "channel" } = {}) {
  const f = fixture();
  const owner = f.person("Owner", { username: "owner" });
  const people = roles.map((_, i) => f.person(`Person${i}`));
  const chat = createChat(f.world, {
    type: opts.type ?? "supergroup",
    title: "G",
    username: "thegroup",
    creatorId: owner.id,
    participantsHidden: opts.hidden,
    members: people.map((p, i) => ({ userId: p.id, role: roles[i] })),
  });
  return { f, owner, people, chat };
}

const getParticipants = channelMethods["channels.GetParticipants"];
const getParticipant = channelMethods["channels.GetParticipant"];

describe("listParticipants", () => {
  it("lists Recent newest first with the member count, excluding left and kicked people", () => {
    const { f, owner, people, chat } = groupWith(["member", "admin", "left", "kicked", "restricted"]);
    const page = listParticipants(f.world, chat, people[0].id, new Api.ChannelParticipantsRecent(), 0, 100);
    expect(page.participants.map((p) => p.userId)).toEqual([people[4].id, people[1].id, people[0].id, owner.id]);
    expect(page.count).toBe(4);
  });

  it("caps rows per call and stops Recent at the recent cap while count stays the member count", () => {
    const f = fixture();
    const owner = f.person("Owner");
    const members = Array.from({ length: 30 }, (_, i) => f.person(`M${i}`));
    const chat = createChat(f.world, {
      type: "supergroup",
      title: "Big",
      creatorId: owner.id,
      members: members.map((m) => ({ userId: m.id, role: "member" as Role })),
    });
    f.world.limits.participantsPerCall = 8;
    f.world.limits.recentParticipantsCap = 20;
    const first = listParticipants(f.world, chat, owner.id, new Api.ChannelParticipantsRecent(), 0, 200);
    expect(first.participants).toHaveLength(8);
    expect(first.count).toBe(31);
    const seen: number[] = [];
    for (let offset = 0; ; offset += 8) {
      const page = listParticipants(f.world, chat, owner.id, new Api.ChannelParticipantsRecent(), offset, 8);
      if (page.participants.length === 0) break;
      seen.push(...page.participants.map((p) => p.userId));
    }
    expect(seen).toHaveLength(20);
    expect(new Set(seen).size).toBe(20);
    f.world.limits.participantsPerCall = 200;
    const search = listParticipants(f.world, chat, owner.id, new Api.ChannelParticipantsSearch({ q: "m1" }), 0, 200);
    expect(search.count).toBe(11);
    expect(search.participants.map((p) => p.userId).sort()).toEqual([members[1], ...members.slice(10, 20)].map((m) => m.id).sort());
  });

  it("searches word prefixes of names and username prefixes, case-insensitively", () => {
    const f = fixture();
    const owner = f.person("Owner");
    const ann = f.person("Ann", { lastName: "Smith-Jones" });
    const joe = f.person("Joe", { username: "annfan" });
    const hannah = f.person("Hannah");
    const chat = createChat(f.world, {
      type: "supergroup",
      title: "G",
      creatorId: owner.id,
      members: [ann, joe, hannah].map((u) => ({ userId: u.id, role: "member" as Role })),
    });
    const ids = (q: string) => listParticipants(f.world, chat, owner.id, new Api.ChannelParticipantsSearch({ q }), 0, 50).participants.map((p) => p.userId);
    expect(ids("ann").sort()).toEqual([ann.id, joe.id].sort());
    expect(ids("JONES")).toEqual([ann.id]);
    expect(ids("ann smi")).toEqual([ann.id]);
    expect(ids("@annf")).toEqual([joe.id]);
    expect(ids("nah")).toEqual([]);
    expect(ids("")).toHaveLength(4);
  });

  it("lists admins (creator first), bots, banned and kicked with their own counts", () => {
    const f = fixture();
    const owner = f.person("Owner");
    const admin = f.person("Admin");
    const bot = f.person("Helper", { bot: true, username: "helper_bot" });
    const restricted = f.person("Muted");
    const kicked = f.person("Gone");
    const chat = createChat(f.world, {
      type: "supergroup",
      title: "G",
      creatorId: owner.id,
      members: [
        { userId: admin.id, role: "admin" },
        { userId: bot.id, role: "member" },
        { userId: restricted.id, role: "restricted" },
        { userId: kicked.id, role: "kicked" },
      ],
    });
    const list = (filter: Api.TypeChannelParticipantsFilter) => listParticipants(f.world, chat, owner.id, filter, 0, 50);
    expect(list(new Api.ChannelParticipantsAdmins()).participants.map((p) => p.userId)).toEqual([owner.id, admin.id]);
    expect(list(new Api.ChannelParticipantsBots()).participants.map((p) => p.userId)).toEqual([bot.id]);
    expect(list(new Api.ChannelParticipantsBanned({ q: "" })).participants.map((p) => p.userId)).toEqual([restricted.id]);
    expect(list(new Api.ChannelParticipantsKicked({ q: "" }))).toEqual({ count: 1, participants: [chat.participants.get(kicked.id)] });
    expect(list(new Api.ChannelParticipantsKicked({ q: "zzz" })).count).toBe(0);
    expect(list(new Api.ChannelParticipantsContacts({ q: "" })).count).toBe(0);
  });

  it("asks for an admin for the kicked / banned lists and for any list of a broadcast channel", () => {
    const { f, people, chat } = groupWith(["member"]);
    expect(rpcError(() => listParticipants(f.world, chat, people[0].id, new Api.ChannelParticipantsKicked({ q: "" }), 0, 10))).toMatchObject({
      code: 403,
      errorMessage: "CHAT_ADMIN_REQUIRED",
    });
    expect(rpcError(() => listParticipants(f.world, chat, people[0].id, new Api.ChannelParticipantsBanned({ q: "" }), 0, 10)).errorMessage).toBe(
      "CHAT_ADMIN_REQUIRED",
    );
    const channel = groupWith(["member", "admin"], { type: "channel" });
    expect(rpcError(() => listParticipants(channel.f.world, channel.chat, channel.people[0].id, new Api.ChannelParticipantsRecent(), 0, 10)).errorMessage).toBe(
      "CHAT_ADMIN_REQUIRED",
    );
    expect(listParticipants(channel.f.world, channel.chat, channel.people[1].id, new Api.ChannelParticipantsRecent(), 0, 10).count).toBe(3);
  });

  it("shows non-admins of a hidden member list only admins and bots; admins see everyone", () => {
    const f = fixture();
    const owner = f.person("Owner");
    const member = f.person("Member");
    const other = f.person("Other");
    const bot = f.person("Bot", { bot: true, username: "hidden_bot" });
    const chat = createChat(f.world, {
      type: "supergroup",
      title: "Hidden",
      creatorId: owner.id,
      participantsHidden: true,
      members: [member, other, bot].map((u) => ({ userId: u.id, role: "member" as Role })),
    });
    const asMember = listParticipants(f.world, chat, member.id, new Api.ChannelParticipantsRecent(), 0, 50);
    expect(asMember.participants.map((p) => p.userId)).toEqual([owner.id, bot.id]);
    expect(asMember.count).toBe(2);
    expect(listParticipants(f.world, chat, member.id, new Api.ChannelParticipantsSearch({ q: "other" }), 0, 50).count).toBe(0);
    expect(listParticipants(f.world, chat, owner.id, new Api.ChannelParticipantsRecent(), 0, 50).count).toBe(4);
  });
});

describe("channels.getParticipants", () => {
  it("renders each participant for the caller and answers NotModified for a matching hash", () => {
    const { f, owner, people, chat } = groupWith(["member", "admin", "restricted"]);
    const request = (hash: bigint) =>
      new Api.channels.GetParticipants({
        channel: inputChannel(f.world, people[0].id, chat),
        filter: new Api.ChannelParticipantsRecent(),
        offset: 0,
        limit: 10,
        hash: toLong(hash),
      });
    const result = getParticipants(request(0n), f.ctx(people[0])) as Api.channels.ChannelParticipants;
    expect(result.count).toBe(4);
    expect(result.participants.map((p) => p.className)).toEqual([
      "ChannelParticipantBanned",
      "ChannelParticipantAdmin",
      "ChannelParticipantSelf",
      "ChannelParticipantCreator",
    ]);
    expect(result.users.map((u) => Number(u.id.toString())).sort()).toEqual([owner.id, ...people.map((p) => p.id)].sort());
    const hash = participantsHash([people[2].id, people[1].id, people[0].id, owner.id]);
    expect(getParticipants(request(hash), f.ctx(people[0]))).toBeInstanceOf(Api.channels.ChannelParticipantsNotModified);
    expect(getParticipants(request(hash + 1n), f.ctx(people[0]))).toBeInstanceOf(Api.channels.ChannelParticipants);
  });

  it("computes the documented pagination hash", () => {
    expect(participantsHash([])).toBe(0n);
    expect(participantsHash([1])).toBe(1n);
    expect(participantsHash([1, 2])).toBe(BigInt.asIntN(64, (1n ^ (1n << 35n) ^ ((1n ^ (1n << 35n)) >> 4n)) + 2n));
  });
});

describe("channels.getParticipant", () => {
  it("reports every status: creator, admin, self, plain, restricted, kicked, left", () => {
    const { f, owner, people, chat } = groupWith(["member", "admin", "restricted", "kicked", "left", "member"]);
    const status = (viewer: number, target: number) => {
      const viewerUser = f.world.users.get(viewer)!;
      const result = getParticipant(
        new Api.channels.GetParticipant({
          channel: inputChannel(f.world, viewer, chat),
          participant: inputPeerUser(f.world, viewer, f.world.users.get(target)!),
        }),
        f.ctx(viewerUser),
      ) as Api.channels.ChannelParticipant;
      return result.participant;
    };
    expect(status(people[0].id, owner.id)).toBeInstanceOf(Api.ChannelParticipantCreator);
    const admin = status(people[0].id, people[1].id) as Api.ChannelParticipantAdmin;
    expect(admin).toBeInstanceOf(Api.ChannelParticipantAdmin);
    expect(admin.canEdit).toBeFalsy();
    expect((status(owner.id, people[1].id) as Api.ChannelParticipantAdmin).canEdit).toBe(true);
    expect(status(people[0].id, people[0].id)).toBeInstanceOf(Api.ChannelParticipantSelf);
    expect(status(people[0].id, people[5].id)).toBeInstanceOf(Api.ChannelParticipant);
    const restricted = status(owner.id, people[2].id) as Api.ChannelParticipantBanned;
    expect(restricted.left).toBeFalsy();
    expect(restricted.bannedRights.sendMessages).toBe(true);
    const kicked = status(owner.id, people[3].id) as Api.ChannelParticipantBanned;
    expect(kicked.left).toBe(true);
    expect(kicked.bannedRights.viewMessages).toBe(true);
    expect(status(owner.id, people[4].id)).toBeInstanceOf(Api.ChannelParticipantLeft);
  });

  it("answers USER_NOT_PARTICIPANT for strangers and CHAT_ADMIN_REQUIRED to channel subscribers asking about others", () => {
    const { f, owner, people, chat } = groupWith(["member"], { type: "channel" });
    const stranger = f.person("Stranger");
    const ask = (viewer: typeof owner, target: typeof owner) =>
      rpcError(() =>
        getParticipant(
          new Api.channels.GetParticipant({ channel: inputChannel(f.world, viewer.id, chat), participant: inputPeerUser(f.world, viewer.id, target) }),
          f.ctx(viewer),
        ),
      );
    expect(ask(owner, stranger)).toMatchObject({ code: 400, errorMessage: "USER_NOT_PARTICIPANT" });
    expect(ask(people[0], owner)).toMatchObject({ code: 403, errorMessage: "CHAT_ADMIN_REQUIRED" });
    const self = getParticipant(
      new Api.channels.GetParticipant({ channel: inputChannel(f.world, people[0].id, chat), participant: new Api.InputPeerSelf() }),
      f.ctx(people[0]),
    ) as Api.channels.ChannelParticipant;
    expect(self.participant).toBeInstanceOf(Api.ChannelParticipantSelf);
  });
});
