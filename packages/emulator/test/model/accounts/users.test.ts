import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { resolveInputPeer, resolveInputUser } from "../../../src/model/inputPeers.js";
import { toLong } from "../../../src/model/longs.js";
import { createUser, renderUser } from "../../../src/model/users.js";
import { World } from "../../../src/model/world.js";
import { inputPeer, inputUser, rpcError } from "./harness.js";

describe("createUser", () => {
  it("assigns ids, test-DC phones to people and id:secret tokens to bots", () => {
    const world = new World();
    const alice = createUser(world, { firstName: "Alice" });
    const bob = createUser(world, { firstName: "Bob", phone: "+1 (555) 010-0200" });
    const bot = createUser(world, { firstName: "Helper", bot: true, username: "helper_bot" });
    expect(alice.phone).toMatch(/^999662\d{4}$/);
    expect(bob.phone).toBe("15550100200");
    expect(world.phones.get("15550100200")).toBe(bob.id);
    expect(bot.phone).toBeUndefined();
    expect(bot.botToken).toMatch(new RegExp(`^${bot.id}:[\\w-]{30,}$`));
    expect(new Set([alice.id, bob.id, bot.id]).size).toBe(3);
    expect(world.usernames.get("helper_bot")).toEqual({ type: "user", id: bot.id });
  });

  it("refuses a taken username (any case) and a taken phone", () => {
    const world = new World();
    createUser(world, { firstName: "A", username: "Someone", phone: "99966 2 1234" });
    expect(() => createUser(world, { firstName: "B", username: "someONE" })).toThrow(/taken/);
    expect(() => createUser(world, { firstName: "B", phone: "+9996621234" })).toThrow(/taken/);
  });

  it("skips phones already taken when generating", () => {
    const world = new World();
    createUser(world, { firstName: "A", phone: "9996620001" });
    expect(createUser(world, { firstName: "B" }).phone).toBe("9996620002");
  });

  it("creates 200,000 users without passwords, each with its own generated phone", () => {
    // How fast seeding is, is measured by `npm run bench -- emulator-seed`; a test
    // asserts only what it does.
    const world = new World();
    for (let i = 0; i < 200_000; i++) createUser(world, { firstName: `U${i}`, lastName: "Seed" });
    expect(world.users.size).toBe(200_000);
    expect(new Set([...world.users.values()].map((user) => user.phone)).size).toBe(200_000);
  });
});

describe("renderUser", () => {
  it("gives each viewer its own access hash and marks self", () => {
    const world = new World();
    const a = createUser(world, { firstName: "A" });
    const b = createUser(world, { firstName: "B" });
    const forA = renderUser(world, a.id, b);
    const forB = renderUser(world, b.id, b);
    expect(forA.accessHash!.toString()).not.toBe(forB.accessHash!.toString());
    expect(forA.self).toBe(false);
    expect(forB.self).toBe(true);
    expect(forB.phone).toBe(b.phone);
    expect(forA.phone).toBeUndefined();
  });

  it("renders flags and every status kind", () => {
    const world = new World();
    world.now = () => 1_000_000;
    const statuses = {
      online: Api.UserStatusOnline,
      offline: Api.UserStatusOffline,
      recently: Api.UserStatusRecently,
      lastWeek: Api.UserStatusLastWeek,
      lastMonth: Api.UserStatusLastMonth,
      longAgo: Api.UserStatusEmpty,
      empty: Api.UserStatusEmpty,
    } as const;
    for (const [status, cls] of Object.entries(statuses)) {
      const user = createUser(world, { firstName: status, status: status as keyof typeof statuses, scam: true, fake: true, premium: true, verified: true });
      const rendered = renderUser(world, 0, user);
      expect(rendered.status).toBeInstanceOf(cls);
      expect([rendered.scam, rendered.fake, rendered.premium, rendered.verified]).toEqual([true, true, true, true]);
    }
    const lapsed = createUser(world, { firstName: "L", status: "online", wasOnline: 999_000 });
    expect(renderUser(world, 0, lapsed).status).toEqual(new Api.UserStatusOffline({ wasOnline: 999_000 }));
    const seen = createUser(world, { firstName: "S", status: "offline", wasOnline: 990_000 });
    expect((renderUser(world, 0, seen).status as Api.UserStatusOffline).wasOnline).toBe(990_000);
  });

  it("renders bots with bot_info_version and no status, deleted accounts bare", () => {
    const world = new World();
    const bot = createUser(world, { firstName: "Bot", bot: true });
    const gone = createUser(world, { firstName: "Gone", username: "gone_user", deleted: true });
    const renderedBot = renderUser(world, 0, bot);
    expect(renderedBot.bot).toBe(true);
    expect(renderedBot.botInfoVersion).toBe(1);
    expect(renderedBot.status).toBeUndefined();
    const renderedGone = renderUser(world, 0, gone);
    expect(renderedGone.deleted).toBe(true);
    expect(renderedGone.firstName).toBeUndefined();
    expect(world.usernames.has("gone_user")).toBe(false);
    expect(renderedGone.getBytes().length).toBeGreaterThan(0);
  });
});

describe("resolveInputUser / resolveInputPeer", () => {
  it("accepts self and the viewer's own hashes", () => {
    const world = new World();
    const a = createUser(world, { firstName: "A" });
    const b = createUser(world, { firstName: "B" });
    expect(resolveInputUser(world, a.id, new Api.InputUserSelf()).id).toBe(a.id);
    expect(resolveInputUser(world, a.id, inputUser(world, a, b)).id).toBe(b.id);
    expect(resolveInputPeer(world, a.id, new Api.InputPeerSelf())).toEqual({ type: "user", id: a.id });
    expect(resolveInputPeer(world, a.id, inputPeer(world, a, b))).toEqual({ type: "user", id: b.id });
  });

  it("rejects another viewer's hash, unknown ids and empty peers with the documented names", async () => {
    const world = new World();
    const a = createUser(world, { firstName: "A" });
    const b = createUser(world, { firstName: "B" });
    const c = createUser(world, { firstName: "C" });
    expect(await rpcError(() => resolveInputUser(world, a.id, inputUser(world, c, b)))).toBe("400 USER_ID_INVALID");
    expect(await rpcError(() => resolveInputPeer(world, a.id, inputPeer(world, c, b)))).toBe("400 PEER_ID_INVALID");
    const unknown = new Api.InputPeerUser({ userId: toLong(42), accessHash: toLong(0) });
    expect(await rpcError(() => resolveInputPeer(world, a.id, unknown))).toBe("400 PEER_ID_INVALID");
    expect(await rpcError(() => resolveInputPeer(world, a.id, new Api.InputPeerEmpty()))).toBe("400 PEER_ID_INVALID");
    expect(await rpcError(() => resolveInputPeer(world, a.id, new Api.InputPeerChat({ chatId: toLong(5) })))).toBe("400 PEER_ID_INVALID");
  });
});
