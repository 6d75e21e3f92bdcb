import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { contactMethods } from "../../../src/methods/contacts.js";
import { helpMethods } from "../../../src/methods/help.js";
import { userMethods } from "../../../src/methods/users.js";
import { createChat } from "../../../src/model/chats.js";
import { toLong } from "../../../src/model/longs.js";
import { createUser } from "../../../src/model/users.js";
import { call, harness, inputUser, rpcError } from "./harness.js";

describe("help.getConfig / help.getNearestDc", () => {
  it("lists this server as DC 2 over ipv4 and serializes", async () => {
    const h = harness();
    h.world.server = { dcId: 2, host: "127.0.0.1", port: 24_321 };
    const config = await call<Api.Config>(helpMethods, new Api.help.GetConfig(), h.ctx("k"));
    expect(config.thisDc).toBe(2);
    expect(config.dcOptions).toEqual([new Api.DcOption({ id: 2, ipAddress: "127.0.0.1", port: 24_321 })]);
    expect(config.messageLengthMax).toBe(4096);
    expect(config.getBytes().length).toBeGreaterThan(100);
    const nearest = await call<Api.NearestDc>(helpMethods, new Api.help.GetNearestDc(), h.ctx("k"));
    expect(nearest).toMatchObject({ thisDc: 2, nearestDc: 2 });
  });
});

describe("users.getUsers / users.getFullUser", () => {
  it("returns self and resolvable users, skipping wrong hashes", async () => {
    const h = harness();
    const me = createUser(h.world, { firstName: "Me" });
    const other = createUser(h.world, { firstName: "Other", about: "hello" });
    const ctx = h.as(me);
    const users = await call<Api.User[]>(
      userMethods,
      new Api.users.GetUsers({
        id: [new Api.InputUserSelf(), inputUser(h.world, me, other), new Api.InputUser({ userId: toLong(other.id), accessHash: toLong(1) })],
      }),
      ctx,
    );
    expect(users.map((u) => u.firstName)).toEqual(["Me", "Other"]);
    expect(users[0].self).toBe(true);
    const full = await call<Api.users.UserFull>(userMethods, new Api.users.GetFullUser({ id: inputUser(h.world, me, other) }), ctx);
    expect((full.fullUser as Api.UserFull).about).toBe("hello");
    expect(full.users).toHaveLength(1);
    expect(
      await rpcError(call(userMethods, new Api.users.GetFullUser({ id: new Api.InputUser({ userId: toLong(other.id), accessHash: toLong(1) }) }), ctx)),
    ).toBe("400 USER_ID_INVALID");
  });
});

describe("contacts.resolveUsername", () => {
  it("resolves users and public channels and names the documented errors", async () => {
    const h = harness();
    const me = createUser(h.world, { firstName: "Me" });
    createUser(h.world, { firstName: "Known", username: "Known_Person" });
    createChat(h.world, { type: "channel", title: "News", username: "newsroom", creatorId: me.id });
    const ctx = h.as(me);
    const resolve = (username: string) => call<Api.contacts.ResolvedPeer>(contactMethods, new Api.contacts.ResolveUsername({ username }), ctx);
    const person = await resolve("@known_person");
    expect(person.peer).toBeInstanceOf(Api.PeerUser);
    expect((person.users[0] as Api.User).username).toBe("Known_Person");
    const channel = await resolve("NewsRoom");
    expect(channel.peer).toBeInstanceOf(Api.PeerChannel);
    expect(channel.chats[0]).toBeInstanceOf(Api.Channel);
    expect(await rpcError(resolve("nobody_here"))).toBe("400 USERNAME_NOT_OCCUPIED");
    expect(await rpcError(resolve("a!"))).toBe("400 USERNAME_INVALID");
  });
});
