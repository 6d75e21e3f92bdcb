/**
 * The fast serializer must write exactly what GramJS's own getBytes() writes, for everything the
 * emulator answers with: users of every kind, chats, messages, participants, updates, config.
 */
import bigInt from "big-integer";
import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { allMethods } from "../../src/methods/index.js";
import { createChat, renderChat } from "../../src/model/chats.js";
import { toLong } from "../../src/model/longs.js";
import { renderMessage } from "../../src/model/messageRender.js";
import { seedMembers } from "../../src/model/seed.js";
import { postMessage } from "../../src/model/sending.js";
import { createUser, renderUser } from "../../src/model/users.js";
import { World } from "../../src/model/world.js";
import type { CallContext } from "../../src/rpc/context.js";
import { serializeObject } from "../../src/tl/serialize.js";

function same(object: { getBytes(): Buffer }): void {
  expect(serializeObject(object as never).equals(object.getBytes())).toBe(true);
}

describe("fast TL serializer", () => {
  const world = new World();
  const owner = createUser(world, { firstName: "Owner", username: "owner_tl", phone: "9996620000", premium: true });
  const group = createChat(world, { type: "group", title: "G", creatorId: owner.id });
  const mega = createChat(world, { type: "supergroup", title: "M", username: "mega_tl", creatorId: owner.id });
  const channel = createChat(world, { type: "channel", title: "C", creatorId: owner.id });
  const members = seedMembers(world, mega.id, 3000);
  const ctx: CallContext = {
    world,
    authKeyId: "k",
    sessionKey: "k:1",
    userId: owner.id,
    layer: 198,
    requireUser: () => owner,
  };
  const methods = allMethods();

  it("writes users of every kind and status byte for byte", () => {
    for (const id of [owner.id, ...members]) same(renderUser(world, owner.id, world.users.get(id)!));
    same(renderUser(world, owner.id, owner)); // self, with phone
  });

  it("writes chats, channels and messages byte for byte", () => {
    for (const chat of [group, mega, channel]) same(renderChat(world, owner.id, chat));
    const sent = postMessage(world, owner.id, { type: "chat", id: group.id }, { text: "héllo **world** ✓" });
    same(renderMessage(world, sent));
  });

  it("writes whole method results byte for byte: participant pages, config, state, dialogs", async () => {
    const input = new Api.InputChannel({ channelId: toLong(mega.id), accessHash: toLong(world.accessHash(owner.id, "channel", mega.id)) });
    for (const filter of [new Api.ChannelParticipantsRecent(), new Api.ChannelParticipantsAdmins(), new Api.ChannelParticipantsBanned({ q: "" })]) {
      same(
        (await methods["channels.GetParticipants"](
          new Api.channels.GetParticipants({ channel: input, filter, offset: 0, limit: 200, hash: bigInt(0) }),
          ctx,
        )) as never,
      );
    }
    same((await methods["help.GetConfig"](new Api.help.GetConfig(), ctx)) as never);
    same((await methods["updates.GetState"](new Api.updates.GetState(), ctx)) as never);
    same(
      (await methods["messages.GetDialogs"](
        new Api.messages.GetDialogs({ offsetDate: 0, offsetId: 0, offsetPeer: new Api.InputPeerEmpty(), limit: 50, hash: bigInt(0) }),
        ctx,
      )) as never,
    );
  });

  it("writes doubles, Bools, int128/256, bytes over 253 and bare types the way GramJS does", () => {
    same(
      new Api.ResPQ({ nonce: bigInt("-12345678901234567890123"), serverNonce: bigInt(42), pq: Buffer.alloc(8, 7), serverPublicKeyFingerprints: [bigInt(-1)] }),
    );
    same(new Api.messages.BotCallbackAnswer({ alert: true, hasUrl: false, message: "x".repeat(300), cacheTime: 5 }));
    same(new Api.DataJSON({ data: "{}" }));
    same(new Api.UpdateShortSentMessage({ out: true, id: 5, pts: 9, ptsCount: 1, date: 1700000000 }));
  });
});
