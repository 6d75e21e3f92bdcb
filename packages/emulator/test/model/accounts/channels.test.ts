import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { messageMethods } from "../../../src/methods/messages.js";
import { createChat } from "../../../src/model/chats.js";
import { toLong } from "../../../src/model/longs.js";
import { postMessage } from "../../../src/model/sending.js";
import { createUser } from "../../../src/model/users.js";
import { call, harness, randomId, rpcError } from "./harness.js";

/** messages.* on megagroup and channel peers, routed to the channel model. */
function setup() {
  const h = harness();
  const owner = createUser(h.world, { firstName: "Owner" });
  const member = createUser(h.world, { firstName: "Member" });
  const group = createChat(h.world, { type: "supergroup", title: "Mega", creatorId: owner.id, members: [{ userId: member.id, role: "member" }] });
  const ownerCtx = h.as(owner);
  const memberCtx = h.as(member);
  const peerFor = (viewerId: number) =>
    new Api.InputPeerChannel({ channelId: toLong(group.id), accessHash: toLong(h.world.accessHash(viewerId, "channel", group.id)) });
  return { h, owner, member, group, ownerCtx, memberCtx, peerFor };
}

describe("messages.* on channel peers", () => {
  it("sends to a megagroup: Updates with updateMessageID and updateNewChannelMessage", async () => {
    const { member, group, memberCtx, peerFor } = setup();
    const result = await call<Api.Updates>(
      messageMethods,
      new Api.messages.SendMessage({ peer: peerFor(member.id), message: "hello all", randomId: randomId(1) }),
      memberCtx,
    );
    expect(result.updates.map((u) => u.className)).toEqual(["UpdateMessageID", "UpdateNewChannelMessage"]);
    const update = result.updates[1] as Api.UpdateNewChannelMessage;
    expect((update.message as Api.Message).out).toBe(true);
    expect(update.pts).toBe(group.box!.pts);
    expect(
      await rpcError(call(messageMethods, new Api.messages.SendMessage({ peer: peerFor(member.id + 1), message: "x", randomId: randomId(2) }), memberCtx)),
    ).toBe("400 CHANNEL_INVALID");
  });

  it("reads channel history as messages.channelMessages and lists the channel among dialogs", async () => {
    const { h, owner, group, ownerCtx, peerFor } = setup();
    for (let i = 0; i < 3; i++) postMessage(h.world, owner.id, { type: "channel", id: group.id }, { text: `post ${i}` });
    const history = await call<Api.messages.ChannelMessages>(
      messageMethods,
      new Api.messages.GetHistory({ peer: peerFor(owner.id), offsetId: 0, offsetDate: 0, addOffset: 0, limit: 2, maxId: 0, minId: 0, hash: toLong(0) }),
      ownerCtx,
    );
    expect(history).toBeInstanceOf(Api.messages.ChannelMessages);
    expect(history.count).toBe(4);
    expect(history.messages.map((m) => (m as Api.Message).message)).toEqual(["post 2", "post 1"]);
    expect(history.pts).toBe(group.box!.pts);
    const dialogs = await call<Api.messages.Dialogs>(
      messageMethods,
      new Api.messages.GetDialogs({ offsetDate: 0, offsetId: 0, offsetPeer: new Api.InputPeerEmpty(), limit: 20, hash: toLong(0) }),
      ownerCtx,
    );
    const dialog = dialogs.dialogs[0] as Api.Dialog;
    expect(dialog.peer).toBeInstanceOf(Api.PeerChannel);
    expect(dialog.pts).toBe(group.box!.pts);
    expect(dialog.topMessage).toBe(4);
    expect(dialogs.chats[0]).toBeInstanceOf(Api.Channel);
  });

  it("edits a channel message through the channel model", async () => {
    const { h, member, group, memberCtx, peerFor } = setup();
    const record = postMessage(h.world, member.id, { type: "channel", id: group.id }, { text: "tpyo" });
    const result = await call<Api.Updates>(
      messageMethods,
      new Api.messages.EditMessage({ peer: peerFor(member.id), id: record.id, message: "typo" }),
      memberCtx,
    );
    expect(result.updates[0]).toBeInstanceOf(Api.UpdateEditChannelMessage);
    expect(group.box!.messages.get(record.id)?.text).toBe("typo");
  });
});
