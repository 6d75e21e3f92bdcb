/**
 * The qts sequence in the model: which bot updates are numbered and for whom, what a bot acting itself
 * gets in its call result, and updates.getState / getDifference over pts and qts together (order,
 * slices, qts_limit, the bounded log). Over TCP with GramJS: test/updates/qts.e2e.test.ts.
 */

import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { channelMethods } from "../../../src/methods/channels.js";
import { contactMethods } from "../../../src/methods/contacts.js";
import { updateMethods } from "../../../src/methods/updates.js";
import { createChat } from "../../../src/model/chats.js";
import { fromLong } from "../../../src/model/longs.js";
import { setMemberRole } from "../../../src/model/participants.js";
import { currentQts } from "../../../src/model/qts.js";
import type { UserRecord } from "../../../src/model/records.js";
import { postMessage } from "../../../src/model/sending.js";
import { type Fixture, fixture, inputChannel, inputPeerUser, pushedTo, rpcError, updatesIn } from "./fixture.js";

/** qts-numbered updates pushed to a user, as [className, qts, affected user]. */
function numbered(f: Fixture, user: UserRecord): [string, number, number][] {
  return pushedTo(f.pushes, user.id)
    .filter((u): u is Api.UpdateChannelParticipant | Api.UpdateChatParticipant | Api.UpdateBotStopped => "qts" in u)
    .map((u) => [u.className, u.qts, fromLong(u.userId)]);
}

function megagroup() {
  const f = fixture();
  const owner = f.person("Owner");
  const adminBot = f.person("Warden", { bot: true, username: "warden_bot" });
  const memberBot = f.person("Echo", { bot: true, username: "echo_bot" });
  const alice = f.person("Alice");
  const carol = f.person("Carol");
  const chat = createChat(f.world, {
    type: "supergroup",
    title: "Club",
    creatorId: owner.id,
    members: [
      { userId: adminBot.id, role: "admin" },
      { userId: memberBot.id, role: "member" },
      { userId: alice.id, role: "member" },
    ],
  });
  return { f, owner, adminBot, memberBot, alice, carol, chat };
}

function difference(f: Fixture, user: UserRecord, request: Partial<Api.updates.GetDifference>): Api.updates.TypeDifference {
  const answer = updateMethods["updates.GetDifference"](
    // A date after every event: the megagroup's own events are not what these tests look at (no updateChannelTooLong).
    new Api.updates.GetDifference({ pts: 0, date: f.world.now() + 1, qts: 0, ...request }),
    f.ctx(user),
  ) as Api.updates.TypeDifference;
  answer.getBytes(); // what the server would send must be valid TL
  return answer;
}

const qtsOf = (updates: Api.TypeUpdate[]) => updates.map((u) => ("qts" in u ? u.qts : -1));

describe("qts numbering of bot updates", () => {
  it("numbers updateChannelParticipant for each admin bot from 1, logs it while the bot is offline, and leaves users' updates unnumbered", () => {
    const { f, owner, adminBot, memberBot, alice, carol, chat } = megagroup();
    setMemberRole(f.world, chat.id, carol.id, "member");
    setMemberRole(f.world, chat.id, alice.id, "restricted", { actorId: owner.id });
    expect(f.pushes.filter((p) => p.userId === adminBot.id)).toEqual([]);
    expect(currentQts(f.world, adminBot.id)).toBe(2);
    expect(currentQts(f.world, memberBot.id)).toBe(0);

    f.online.add(adminBot.id).add(alice.id);
    setMemberRole(f.world, chat.id, alice.id, "kicked", { actorId: owner.id });
    expect(numbered(f, adminBot)).toEqual([["UpdateChannelParticipant", 3, alice.id]]);
    expect(pushedTo(f.pushes, alice.id).map((u) => [u.className, "qts" in u ? u.qts : undefined])).toEqual([
      ["UpdateChannel", undefined],
      ["UpdateChannelParticipant", 0],
    ]);
    expect(currentQts(f.world, alice.id)).toBe(0);
    const state = updateMethods["updates.GetState"](new Api.updates.GetState(), f.ctx(adminBot)) as Api.updates.State;
    expect(state.qts).toBe(3);
  });

  it("numbers it for the bot affected too, with updateChannel; a bot admin acting gets it in its call result", () => {
    const { f, owner, adminBot, memberBot, alice, chat } = megagroup();
    f.online.add(memberBot.id).add(adminBot.id);
    setMemberRole(f.world, chat.id, memberBot.id, "admin", { actorId: owner.id });
    expect(pushedTo(f.pushes, memberBot.id).map((u) => u.className)).toEqual(["UpdateChannel", "UpdateChannelParticipant"]);
    expect(numbered(f, memberBot)).toEqual([["UpdateChannelParticipant", 1, memberBot.id]]);

    const session = "warden-session";
    const result = channelMethods["channels.EditBanned"](
      new Api.channels.EditBanned({
        channel: inputChannel(f.world, adminBot.id, chat),
        participant: inputPeerUser(f.world, adminBot.id, alice),
        bannedRights: new Api.ChatBannedRights({ sendMessages: true, untilDate: 0 }),
      }),
      f.ctx(adminBot, session),
    ) as Api.Updates;
    const own = result.updates.find((u) => u instanceof Api.UpdateChannelParticipant) as Api.UpdateChannelParticipant;
    expect([own.qts, fromLong(own.userId), own.newParticipant?.className]).toEqual([2, alice.id, "ChannelParticipantBanned"]);
    expect(f.pushes.filter((p) => p.userId === adminBot.id && updatesIn(p.updates).includes(own)).map((p) => p.exceptSessionKey)).toEqual([session]);
    expect(numbered(f, memberBot).map(([, qts]) => qts)).toEqual([1, 2]);
  });

  it("sends updateChatParticipant in basic groups to admin bots and the bot affected, numbered, and to nobody else", () => {
    const f = fixture();
    const owner = f.person("Owner");
    const adminBot = f.person("Warden", { bot: true, username: "warden_bot" });
    const memberBot = f.person("Echo", { bot: true, username: "echo_bot" });
    const alice = f.person("Alice");
    const bob = f.person("Bob");
    const chat = createChat(f.world, {
      type: "group",
      title: "Family",
      creatorId: owner.id,
      members: [
        { userId: adminBot.id, role: "admin" },
        { userId: memberBot.id, role: "member" },
        { userId: alice.id, role: "member" },
      ],
    });
    f.online.add(adminBot.id).add(memberBot.id).add(alice.id);
    setMemberRole(f.world, chat.id, bob.id, "member", { actorId: owner.id });
    setMemberRole(f.world, chat.id, memberBot.id, "kicked", { actorId: owner.id });
    expect(numbered(f, adminBot)).toEqual([
      ["UpdateChatParticipant", 1, bob.id],
      ["UpdateChatParticipant", 2, memberBot.id],
    ]);
    expect(numbered(f, memberBot)).toEqual([["UpdateChatParticipant", 1, memberBot.id]]);
    expect(numbered(f, alice)).toEqual([]);
    const [join, kick] = pushedTo(f.pushes, adminBot.id).filter((u): u is Api.UpdateChatParticipant => u instanceof Api.UpdateChatParticipant);
    expect([join.prevParticipant, join.newParticipant?.className, fromLong(join.actorId)]).toEqual([undefined, "ChatParticipant", owner.id]);
    expect([kick.prevParticipant?.className, kick.newParticipant]).toEqual(["ChatParticipant", undefined]);
  });

  it("tells a bot it was stopped or restarted (updateBotStopped) when a person blocks or unblocks it", () => {
    const { f, adminBot, alice } = megagroup();
    f.online.add(adminBot.id);
    const call = (name: "contacts.Block" | "contacts.Unblock", user: UserRecord, target: UserRecord) => {
      const Request = name === "contacts.Block" ? Api.contacts.Block : Api.contacts.Unblock;
      return contactMethods[name](new Request({ id: inputPeerUser(f.world, user.id, target) }), f.ctx(user));
    };
    expect(call("contacts.Block", alice, adminBot)).toBe(true);
    expect(call("contacts.Block", alice, adminBot)).toBe(true);
    call("contacts.Unblock", alice, adminBot);
    const stops = pushedTo(f.pushes, adminBot.id) as Api.UpdateBotStopped[];
    expect(stops.map((u) => [u.className, u.qts, fromLong(u.userId), u.stopped])).toEqual([
      ["UpdateBotStopped", 1, alice.id, true],
      ["UpdateBotStopped", 2, alice.id, false],
    ]);
    expect(rpcError(() => call("contacts.Block", alice, alice)).errorMessage).toBe("CONTACT_ID_INVALID");
    expect(rpcError(() => call("contacts.Block", adminBot, alice)).errorMessage).toBe("BOT_METHOD_INVALID");
  });
});

describe("updates.getDifference with qts", () => {
  /** A bot admin of a megagroup that missed, in this order: a join (qts 1), DMs a and b (pts), a join (qts 2), DM c. */
  function missedMix() {
    const { f, adminBot, alice, carol, chat } = megagroup();
    const dave = f.person("Dave");
    const dm = (text: string) => postMessage(f.world, alice.id, { type: "user", id: adminBot.id }, { text });
    setMemberRole(f.world, chat.id, carol.id, "member");
    dm("a");
    dm("b");
    setMemberRole(f.world, chat.id, dave.id, "member");
    dm("c");
    return { f, adminBot, carol, dave, chat };
  }

  /** A slice's or difference's contents as the order the client applies them: "pts:text" and "qts:n". */
  const texts = (d: Api.updates.Difference | Api.updates.DifferenceSlice) => [
    ...d.newMessages.map((m) => `msg:${(m as Api.Message).message}`),
    ...d.otherUpdates.map((u) => `qts:${"qts" in u ? u.qts : "?"}`),
  ];

  it("returns the qts updates after the request's qts in other_updates, the state's qts, and the users and chats they name", () => {
    const { f, adminBot, carol, dave, chat } = missedMix();
    const whole = difference(f, adminBot, { pts: 0, qts: 0 }) as Api.updates.Difference;
    expect(whole).toBeInstanceOf(Api.updates.Difference);
    expect(texts(whole)).toEqual(["msg:a", "msg:b", "msg:c", "qts:1", "qts:2"]);
    expect([whole.state.pts, whole.state.qts]).toEqual([3, 2]);
    expect(whole.users.map((u) => fromLong(u.id))).toEqual(expect.arrayContaining([carol.id, dave.id]));
    expect(whole.chats.map((c) => fromLong(c.id))).toContain(chat.id);

    const qtsOnly = difference(f, adminBot, { pts: 3, qts: 1 }) as Api.updates.Difference;
    expect([qtsOnly.newMessages, qtsOfUpdates(qtsOnly), qtsOnly.state.qts]).toEqual([[], [2], 2]);
    expect(difference(f, adminBot, { pts: 3, qts: 2 })).toBeInstanceOf(Api.updates.DifferenceEmpty);
  });

  it("slices pts and qts events together in the order they happened, each intermediate state naming both", () => {
    const { f, adminBot } = missedMix();
    /** Follows slices of at most `size` events from the start: each slice's contents and the state it ends at. */
    const walk = (size: number) => {
      f.world.limits.differenceSlice = size;
      const slices: [string[], number, number][] = [];
      let state = { pts: 0, qts: 0 };
      for (let guard = 0; guard < 10; guard++) {
        const d = difference(f, adminBot, state);
        if (!(d instanceof Api.updates.Difference || d instanceof Api.updates.DifferenceSlice)) throw new Error(`unexpected ${d.className}`);
        const next = d instanceof Api.updates.Difference ? d.state : d.intermediateState;
        slices.push([texts(d), next.pts, next.qts]);
        state = { pts: next.pts, qts: next.qts };
        if (d instanceof Api.updates.Difference) break;
      }
      return slices;
    };
    expect(walk(1)).toEqual([
      [["qts:1"], 0, 1],
      [["msg:a"], 1, 1],
      [["msg:b"], 2, 1],
      [["qts:2"], 2, 2],
      [["msg:c"], 3, 2],
    ]);
    expect(walk(2)).toEqual([
      [["msg:a", "qts:1"], 1, 1],
      [["msg:b", "qts:2"], 2, 2],
      [["msg:c"], 3, 2],
    ]);
  });

  it("narrows a slice with qts_limit, and replays only what the bounded log still holds", () => {
    const { f, adminBot, chat } = missedMix();
    const slice = difference(f, adminBot, { pts: 3, qts: 0, qtsLimit: 1 }) as Api.updates.DifferenceSlice;
    expect(slice).toBeInstanceOf(Api.updates.DifferenceSlice);
    expect([qtsOfUpdates(slice), slice.intermediateState.pts, slice.intermediateState.qts]).toEqual([[1], 3, 1]);

    f.world.limits.qtsLogSize = 2;
    for (const name of ["Erin", "Frank", "Grace"]) setMemberRole(f.world, chat.id, f.person(name).id, "member");
    const rest = difference(f, adminBot, { pts: 3, qts: 2 }) as Api.updates.Difference;
    expect([qtsOfUpdates(rest), rest.state.qts]).toEqual([[4, 5], 5]);
  });
});

function qtsOfUpdates(d: Api.updates.Difference | Api.updates.DifferenceSlice): number[] {
  return qtsOf(d.otherUpdates);
}
