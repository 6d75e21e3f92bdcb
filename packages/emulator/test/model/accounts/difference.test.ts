import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { updateMethods } from "../../../src/methods/updates.js";
import { postChannelMessage } from "../../../src/model/channelPosts.js";
import { createChat } from "../../../src/model/chats.js";
import { deleteMessages } from "../../../src/model/deletes.js";
import { resetCommonPts } from "../../../src/model/difference.js";
import { editMessage } from "../../../src/model/edits.js";
import { toLong } from "../../../src/model/longs.js";
import { postMessage } from "../../../src/model/sending.js";
import { createUser } from "../../../src/model/users.js";
import { call, harness, rpcError } from "./harness.js";

function setup() {
  const h = harness();
  const me = createUser(h.world, { firstName: "Me" });
  const friend = createUser(h.world, { firstName: "Friend", username: "friend_1" });
  const ctx = h.as(me);
  const say = (text: string) => postMessage(h.world, friend.id, { type: "user", id: me.id }, { text });
  const difference = (pts: number, extra: Partial<Api.updates.GetDifference> = {}) =>
    call<Api.updates.TypeDifference>(updateMethods, new Api.updates.GetDifference({ pts, date: 0, qts: 0, ...extra }), ctx);
  return { h, me, friend, ctx, say, difference };
}

describe("updates.getState / updates.getDifference", () => {
  it("reports the common box pts and unread count", async () => {
    const { ctx, say } = setup();
    say("a");
    say("b");
    const state = await call<Api.updates.State>(updateMethods, new Api.updates.GetState(), ctx);
    expect(state).toMatchObject({ pts: 2, qts: 0, seq: 0, unreadCount: 2 });
  });

  it("answers differenceEmpty when the client is up to date", async () => {
    const { say, difference } = setup();
    say("a");
    expect(await difference(1)).toBeInstanceOf(Api.updates.DifferenceEmpty);
  });

  it("replays new messages and other updates after the client's pts, with the users they name", async () => {
    const { h, me, friend, say, difference } = setup();
    say("first");
    say("second");
    const third = say("third");
    editMessage(h.world, friend.id, { type: "user", id: me.id }, h.world.boxOf(friend.id).messages.get(third.id)!.id, { text: "third!" });
    deleteMessages(h.world, me.id, [1], false);
    const diff = (await difference(1)) as Api.updates.Difference;
    expect(diff).toBeInstanceOf(Api.updates.Difference);
    expect(diff.newMessages.map((m) => (m as Api.Message).message)).toEqual(["second", "third"]);
    expect(diff.otherUpdates.map((u) => u.className)).toEqual(["UpdateEditMessage", "UpdateDeleteMessages"]);
    expect(diff.state.pts).toBe(5);
    expect(diff.users.map((u) => (u as Api.User).username)).toContain("friend_1");
  });

  it("slices long differences with an intermediate state the client continues from", async () => {
    const { h, say, difference } = setup();
    h.world.limits.differenceSlice = 3;
    for (let i = 1; i <= 7; i++) say(`m${i}`);
    const seen: string[] = [];
    let pts = 0;
    let slices = 0;
    for (;;) {
      const diff = await difference(pts);
      if (diff instanceof Api.updates.DifferenceSlice) {
        slices++;
        seen.push(...diff.newMessages.map((m) => (m as Api.Message).message));
        pts = diff.intermediateState.pts;
      } else if (diff instanceof Api.updates.Difference) {
        seen.push(...diff.newMessages.map((m) => (m as Api.Message).message));
        pts = diff.state.pts;
        break;
      } else {
        throw new Error(`unexpected ${diff.className}`);
      }
    }
    expect(slices).toBe(2);
    expect(seen).toEqual(["m1", "m2", "m3", "m4", "m5", "m6", "m7"]);
    expect(pts).toBe(7);
  });

  it("answers differenceTooLong beyond the server limit or the client's pts_total_limit, PERSISTENT_TIMESTAMP_INVALID for a pts never reached", async () => {
    const { h, say, difference } = setup();
    for (let i = 0; i < 5; i++) say(`m${i}`);
    expect(await difference(0, { ptsTotalLimit: 4 })).toEqual(new Api.updates.DifferenceTooLong({ pts: 5 }));
    expect(await difference(0, { ptsTotalLimit: 5 })).toBeInstanceOf(Api.updates.Difference);
    h.world.limits.differenceTooLong = 3;
    expect(await difference(1)).toEqual(new Api.updates.DifferenceTooLong({ pts: 5 }));
    expect(await difference(2)).toBeInstanceOf(Api.updates.Difference);
    expect(await rpcError(difference(9))).toBe("400 PERSISTENT_TIMESTAMP_INVALID");
  });

  it("names the channels the account is in that logged events at or after the client's date, from the pts before them", async () => {
    const { h, me, friend, say, difference } = setup();
    let now = 1_700_000_000;
    h.world.now = () => now;
    const quiet = createChat(h.world, { type: "supergroup", title: "Quiet", creatorId: friend.id, members: [{ userId: me.id, role: "member" }] });
    const busy = createChat(h.world, { type: "channel", title: "Busy", creatorId: friend.id, members: [{ userId: me.id, role: "member" }] });
    const elsewhere = createChat(h.world, { type: "supergroup", title: "Elsewhere", creatorId: friend.id });
    postChannelMessage(h.world, busy, friend.id, { text: "old news" });
    say("hello");
    now += 60;
    const before = busy.box!.pts;
    postChannelMessage(h.world, busy, friend.id, { text: "news" });
    postChannelMessage(h.world, busy, friend.id, { text: "more news" });
    postChannelMessage(h.world, elsewhere, friend.id, { text: "not for me" });
    const diff = (await difference(1, { date: now })) as Api.updates.Difference;
    expect(diff).toBeInstanceOf(Api.updates.Difference);
    expect(diff.otherUpdates).toEqual([new Api.UpdateChannelTooLong({ channelId: toLong(busy.id), pts: before })]);
    expect(diff.chats.map((chat) => chat.id.toString())).toEqual([String(busy.id)]);
    expect(quiet.box!.pts).toBeGreaterThan(0);
    now += 60;
    expect(await difference(1, { date: now })).toBeInstanceOf(Api.updates.DifferenceEmpty);
  });

  it("goes on from a pts reset server-side, telling online sessions only when asked (POST /users/:id/pts)", async () => {
    const { h, me, ctx, say, difference } = setup();
    for (let i = 0; i < 5; i++) say(`m${i}`);
    resetCommonPts(h.world, me.id, 2);
    expect(await call<Api.updates.State>(updateMethods, new Api.updates.GetState(), ctx)).toMatchObject({ pts: 2 });
    expect(await rpcError(difference(5))).toBe("400 PERSISTENT_TIMESTAMP_INVALID");
    say("after");
    const diff = (await difference(2)) as Api.updates.Difference;
    expect(diff.newMessages.map((m) => (m as Api.Message).message)).toEqual(["after"]);
    expect(h.pushesTo(me.id).some((push) => push.updates instanceof Api.UpdateShort)).toBe(false);
    resetCommonPts(h.world, me.id, 1, true);
    expect(h.pushesTo(me.id).at(-1)?.updates).toEqual(new Api.UpdateShort({ update: new Api.UpdatePtsChanged(), date: h.world.now() }));
  });
});
