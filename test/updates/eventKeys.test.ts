import bigInt from "big-integer";
import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { keysOf } from "../../src/updates/eventKeys.js";

const user = new Api.PeerUser({ userId: bigInt(5) });
const channel = new Api.PeerChannel({ channelId: bigInt(77) });
const edited = (text: string, editDate: number, peerId: Api.TypePeer = user) =>
  new Api.UpdateEditMessage({ message: new Api.Message({ id: 3, peerId, date: 100, message: text, editDate }), pts: 1, ptsCount: 1 });

describe("keysOf", () => {
  it("keys a new or service message by chat and id", () => {
    const service = new Api.MessageService({ id: 4, peerId: channel, date: 100, action: new Api.MessageActionChatEditTitle({ title: "t" }) });
    expect(keysOf(new Api.UpdateNewChannelMessage({ message: service, pts: 1, ptsCount: 1 }))).toEqual({
      keys: [{ chatId: "-10077", messageId: 4, kind: "new" }],
      date: 100,
    });
  });

  it("keys an edit by its date and text: a repeat is the same key, another edit of the same second another", () => {
    const once = keysOf(edited("a", 200));
    expect(once?.date).toBe(200);
    expect(keysOf(edited("a", 200))).toEqual(once);
    expect(keysOf(edited("b", 200))?.keys[0].kind).not.toBe(once?.keys[0].kind);
    expect(keysOf(edited("a", 201))?.keys[0].kind).not.toBe(once?.keys[0].kind);
    expect(once?.keys[0]).toMatchObject({ chatId: "5", messageId: 3 });
  });

  it("keys a deletion per id, in its channel or in the common box; a participant change by person and qts", () => {
    expect(keysOf(new Api.UpdateDeleteMessages({ messages: [1, 2], pts: 3, ptsCount: 2 }))?.keys).toEqual([
      { chatId: "common", messageId: 1, kind: "delete" },
      { chatId: "common", messageId: 2, kind: "delete" },
    ]);
    expect(keysOf(new Api.UpdateDeleteChannelMessages({ channelId: bigInt(77), messages: [9], pts: 3, ptsCount: 1 }))?.keys).toEqual([
      { chatId: "-10077", messageId: 9, kind: "delete" },
    ]);
    const participant = new Api.UpdateChannelParticipant({ channelId: bigInt(77), date: 300, actorId: bigInt(5), userId: bigInt(6), qts: 12 });
    expect(keysOf(participant)).toEqual({ keys: [{ chatId: "-10077", messageId: 300, kind: "participant:6:12" }], date: 300 });
  });

  it("keys nothing else (typing, status: not recorded)", () => {
    expect(keysOf(new Api.UpdateUserTyping({ userId: bigInt(5), action: new Api.SendMessageTypingAction() }))).toBeUndefined();
  });
});
