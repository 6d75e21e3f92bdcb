/**
 * What the manager takes in, as the message box sees it: each update's route, each container as a push
 * (seq range, date, short messages expanded), the access hashes of the channels that came with them.
 */
import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { describe, expect, it } from "vitest";
import { caughtUp, channelAccessHashes, type Incoming, pushOf, routed } from "../../src/updates/incoming.js";

const big = returnBigInt;
const NOW = 1_700_000_000;
const live = (update: Api.TypeUpdate): Incoming => ({ update, source: "push", catchUp: false });
const channelMessage = (pts: number) =>
  new Api.UpdateNewChannelMessage({
    message: new Api.Message({ id: 1, peerId: new Api.PeerChannel({ channelId: big(77) }), date: NOW, message: "m" }),
    pts,
    ptsCount: 1,
  });
const participant = (qts: number) => new Api.UpdateChannelParticipant({ channelId: big(77), date: NOW, actorId: big(5), userId: big(5), qts });

describe("routed", () => {
  it("routes each update by the counter it moves", () => {
    const direct = new Api.UpdateNewMessage({
      message: new Api.Message({ id: 1, peerId: new Api.PeerUser({ userId: big(5) }), date: NOW, message: "m" }),
      pts: 11,
      ptsCount: 1,
    });
    expect(routed(live(direct)).route).toEqual({ kind: "pts", box: "common", pts: 11, ptsCount: 1 });
    expect(routed(live(channelMessage(301))).route).toEqual({ kind: "pts", box: "channel", chatId: "-10077", pts: 301, ptsCount: 1 });
    expect(routed(live(participant(4))).route).toEqual({ kind: "qts", qts: 4 });
    expect(routed(live(new Api.UpdateUserStatus({ userId: big(5), status: new Api.UserStatusEmpty() }))).route).toEqual({ kind: "none" });
  });

  it("routes updateChannelTooLong to its channel, with the pts it carries if any", () => {
    expect(routed(live(new Api.UpdateChannelTooLong({ channelId: big(77), pts: 900 }))).route).toEqual({ kind: "channelTooLong", chatId: "-10077", pts: 900 });
    expect(routed(live(new Api.UpdateChannelTooLong({ channelId: big(77) }))).route).toEqual({ kind: "channelTooLong", chatId: "-10077", pts: undefined });
  });

  it("keeps the update, its source and whether it was caught up", () => {
    const update = channelMessage(301);
    expect(routed(caughtUp(update)).item).toEqual({ update, source: "push", catchUp: true });
  });
});

describe("pushOf", () => {
  it("gives Updates their seq, UpdatesCombined their seq range, both their date", () => {
    const updates = new Api.Updates({ updates: [channelMessage(301)], users: [], chats: [], date: NOW, seq: 12 });
    expect(pushOf(updates, "push", "1")).toMatchObject({
      seq: 12,
      seqStart: 12,
      date: NOW,
      updates: [{ item: { update: updates.updates[0], source: "push" } }],
    });
    const combined = new Api.UpdatesCombined({ updates: [], users: [], chats: [], date: NOW, seqStart: 13, seq: 15 });
    expect(pushOf(combined, "result", "1")).toMatchObject({ seq: 15, seqStart: 13, date: NOW, updates: [] });
  });

  it("gives updateShort no seq but its date, and expands a short message into the new message it stands for (no seq, no date)", () => {
    const short = new Api.UpdateShort({ update: participant(4), date: NOW });
    expect(pushOf(short, "push", "1")).toMatchObject({ seq: 0, date: NOW, updates: [{ route: { kind: "qts", qts: 4 } }] });
    const message = new Api.UpdateShortMessage({ id: 3, userId: big(5), message: "hi", pts: 12, ptsCount: 1, date: NOW });
    const push = pushOf(message, "push", "1");
    expect(push).toMatchObject({ seq: 0, date: 0, updates: [{ route: { kind: "pts", box: "common", pts: 12, ptsCount: 1 } }] });
    expect(push?.updates[0].item.update).toBeInstanceOf(Api.UpdateNewMessage);
  });

  it("gives nothing for updatesTooLong and updateShortSentMessage", () => {
    expect(pushOf(new Api.UpdatesTooLong(), "push", "1")).toBeUndefined();
    expect(pushOf(new Api.UpdateShortSentMessage({ id: 3, pts: 12, ptsCount: 1, date: NOW }), "result", "1")).toBeUndefined();
  });
});

describe("channelAccessHashes", () => {
  it("takes the access hashes of channels, not of min channels nor of other chats", () => {
    const channel = (id: number, extra: Partial<Api.Channel> = {}) =>
      new Api.Channel({ id: big(id), title: "c", photo: new Api.ChatPhotoEmpty(), date: 1, accessHash: big(id * 10), ...extra });
    const entities = [
      channel(77),
      channel(88, { min: true }),
      new Api.Chat({ id: big(9), title: "g", photo: new Api.ChatPhotoEmpty(), participantsCount: 2, date: 1, version: 1 }),
    ];
    expect(channelAccessHashes(entities)).toEqual([{ chatId: "-10077", accessHash: "770" }]);
  });
});
