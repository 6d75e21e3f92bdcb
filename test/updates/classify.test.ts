import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { describe, expect, it } from "vitest";
import { asNewMessage, counterOf, expandSentMessage, expandShortMessage, newMessageOf } from "../../src/updates/classify.js";

const big = returnBigInt;
const channelMessage = (id: number) => new Api.Message({ id, peerId: new Api.PeerChannel({ channelId: big(77) }), date: 1, message: "hi" });

describe("counterOf", () => {
  it("puts common-box pts updates on the common counter", () => {
    const message = new Api.Message({ id: 3, peerId: new Api.PeerUser({ userId: big(5) }), date: 1, message: "x" });
    expect(counterOf(new Api.UpdateNewMessage({ message, pts: 12, ptsCount: 1 }))).toEqual({ kind: "pts", box: "common", pts: 12, ptsCount: 1 });
    expect(counterOf(new Api.UpdateDeleteMessages({ messages: [1, 2], pts: 14, ptsCount: 2 }))).toEqual({ kind: "pts", box: "common", pts: 14, ptsCount: 2 });
  });

  it("puts channel updates on their channel's counter, by message or by channel_id", () => {
    expect(counterOf(new Api.UpdateNewChannelMessage({ message: channelMessage(9), pts: 30, ptsCount: 1 }))).toEqual({
      kind: "pts",
      box: "channel",
      chatId: "-10077",
      pts: 30,
      ptsCount: 1,
    });
    expect(counterOf(new Api.UpdateDeleteChannelMessages({ channelId: big(77), messages: [9], pts: 31, ptsCount: 1 }))).toMatchObject({
      box: "channel",
      chatId: "-10077",
    });
  });

  it("reads qts updates and leaves unordered ones alone", () => {
    const participant = new Api.UpdateChannelParticipant({ channelId: big(77), date: 1, actorId: big(1), userId: big(2), qts: 8 });
    expect(counterOf(participant)).toEqual({ kind: "qts", qts: 8 });
    expect(counterOf(new Api.UpdateChannelParticipant({ channelId: big(77), date: 1, actorId: big(1), userId: big(2), qts: 0 }))).toEqual({ kind: "none" });
    expect(counterOf(new Api.UpdateUserTyping({ userId: big(1), action: new Api.SendMessageTypingAction() }))).toEqual({ kind: "none" });
    expect(counterOf(new Api.UpdateReadChannelInbox({ channelId: big(77), maxId: 3, stillUnreadCount: 0, pts: 40 }))).toEqual({ kind: "none" });
  });
});

describe("short updates expanded", () => {
  it("updateShortMessage becomes the updateNewMessage of a private chat, incoming or outgoing", () => {
    const incoming = expandShortMessage(new Api.UpdateShortMessage({ id: 4, userId: big(5), message: "hello", pts: 20, ptsCount: 1, date: 100 }), "1");
    expect(incoming.pts).toBe(20);
    expect(newMessageOf(incoming)?.message).toMatchObject({ id: 4, message: "hello", date: 100 });
    expect((incoming.message as Api.Message).fromId).toEqual(new Api.PeerUser({ userId: big(5) }));
    const outgoing = expandShortMessage(new Api.UpdateShortMessage({ out: true, id: 5, userId: big(5), message: "hi", pts: 21, ptsCount: 1, date: 101 }), "1");
    expect((outgoing.message as Api.Message).fromId).toEqual(new Api.PeerUser({ userId: big(1) }));
    expect((outgoing.message as Api.Message).peerId).toEqual(new Api.PeerUser({ userId: big(5) }));
  });

  it("updateShortChatMessage becomes the updateNewMessage of a basic group", () => {
    const update = expandShortMessage(
      new Api.UpdateShortChatMessage({ id: 6, fromId: big(5), chatId: big(9), message: "g", pts: 22, ptsCount: 1, date: 102 }),
      "1",
    );
    expect(update.message).toMatchObject({ peerId: new Api.PeerChat({ chatId: big(9) }), fromId: new Api.PeerUser({ userId: big(5) }) });
  });

  it("updateShortSentMessage becomes the account's own message in the chat it was sent to", () => {
    const update = expandSentMessage(
      new Api.UpdateShortSentMessage({ out: true, id: 7, pts: 23, ptsCount: 1, date: 103 }),
      new Api.PeerUser({ userId: big(5) }),
      "1",
      "sent",
    );
    expect(counterOf(update)).toEqual({ kind: "pts", box: "common", pts: 23, ptsCount: 1 });
    expect(update.message).toMatchObject({ id: 7, out: true, message: "sent" });
  });

  it("a difference's message becomes a new-message update of its box; service messages are not messages to handle", () => {
    expect(asNewMessage(channelMessage(3))).toBeInstanceOf(Api.UpdateNewChannelMessage);
    const service = new Api.MessageService({
      id: 4,
      peerId: new Api.PeerChat({ chatId: big(9) }),
      date: 1,
      action: new Api.MessageActionChatCreate({ title: "t", users: [] }),
    });
    expect(asNewMessage(service)).toBeInstanceOf(Api.UpdateNewMessage);
    expect(newMessageOf(asNewMessage(service))).toBeUndefined();
  });
});
