import bigInt from "big-integer";
import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { updatesOfResult } from "../../src/telegram/updateSource.js";

const SELF = "1000";
const channel = new Api.InputPeerChannel({ channelId: bigInt(777), accessHash: bigInt(1) });
const user = new Api.InputPeerUser({ userId: bigInt(42), accessHash: bigInt(2) });
const history = new Api.messages.AffectedHistory({ pts: 9, ptsCount: 1, offset: 0 });

/** Which box an affected result moves: "common", or the channel's id. */
function boxOf(request: Api.AnyRequest, result: unknown): string | undefined {
  const updates = updatesOfResult(request, result, SELF);
  if (!(updates instanceof Api.UpdateShort)) return undefined;
  const { update } = updates;
  if (update instanceof Api.UpdateDeleteChannelMessages) return `channel ${update.channelId.toString()} pts ${update.pts}`;
  if (update instanceof Api.UpdateDeleteMessages) return `common pts ${update.pts}`;
  return update.className;
}

describe("updatesOfResult", () => {
  it("charges affected history of a call on a supergroup or channel to that channel's pts, not the account's", () => {
    expect(boxOf(new Api.messages.ReadMentions({ peer: channel }), history)).toBe("channel 777 pts 9");
    expect(boxOf(new Api.messages.UnpinAllMessages({ peer: channel }), history)).toBe("channel 777 pts 9");
    expect(boxOf(new Api.messages.ReadReactions({ peer: channel }), history)).toBe("channel 777 pts 9");
    const participant = new Api.channels.DeleteParticipantHistory({
      channel: new Api.InputChannel({ channelId: bigInt(777), accessHash: bigInt(1) }),
      participant: user,
    });
    expect(boxOf(participant, history)).toBe("channel 777 pts 9");
    const deleted = new Api.messages.AffectedMessages({ pts: 4, ptsCount: 2 });
    expect(
      boxOf(new Api.channels.DeleteMessages({ channel: new Api.InputChannel({ channelId: bigInt(5), accessHash: bigInt(1) }), id: [1, 2] }), deleted),
    ).toBe("channel 5 pts 4");
  });

  it("charges private chats, basic groups and calls without a peer to the account's common pts", () => {
    expect(boxOf(new Api.messages.ReadMentions({ peer: new Api.InputPeerChat({ chatId: bigInt(3) }) }), history)).toBe("common pts 9");
    expect(boxOf(new Api.messages.DeleteHistory({ peer: user, maxId: 0 }), history)).toBe("common pts 9");
    expect(boxOf(new Api.messages.DeleteMessages({ id: [1] }), new Api.messages.AffectedMessages({ pts: 7, ptsCount: 1 }))).toBe("common pts 7");
  });

  it("passes update containers on as they are and ignores plain results", () => {
    const container = new Api.Updates({ updates: [], users: [], chats: [], date: 1, seq: 0 });
    expect(updatesOfResult(new Api.messages.SendMessage({ peer: user, message: "hi" }), container, SELF)).toBe(container);
    expect(updatesOfResult(new Api.help.GetConfig(), true, SELF)).toBeUndefined();
  });
});
