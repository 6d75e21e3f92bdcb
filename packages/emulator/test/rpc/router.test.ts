import bigInt from "big-integer";
import { Api } from "telegram";
import { BinaryReader } from "telegram/extensions/index.js";
import { describe, expect, it } from "vitest";
import { World } from "../../src/model/world.js";
import type { CallContext } from "../../src/rpc/context.js";
import { absentAsUndefined, errorCode, Router, tlMethodName } from "../../src/rpc/router.js";

function ctx(userId?: number): CallContext {
  const world = new World();
  return {
    world,
    authKeyId: "00",
    sessionKey: "00:1",
    userId,
    layer: 198,
    requireUser: () => {
      throw new Error("not used");
    },
  };
}

describe("router", () => {
  it("spells TL method names as Telegram does", () => {
    expect(tlMethodName("messages.SendMessage")).toBe("messages.sendMessage");
    expect(tlMethodName("InvokeWithLayer")).toBe("invokeWithLayer");
  });

  it("gives faults Telegram's codes by name", () => {
    expect(errorCode("FLOOD_WAIT_30")).toBe(420);
    expect(errorCode("AUTH_KEY_UNREGISTERED")).toBe(401);
    expect(errorCode("CHAT_ADMIN_REQUIRED")).toBe(403);
    expect(errorCode("INTERNAL")).toBe(500);
    expect(errorCode("USERNAME_INVALID")).toBe(400);
  });

  it("reads optional fields absent from the wire as undefined, like requests built in code", () => {
    const sent = new Api.updates.GetDifference({ pts: 5, date: 1, qts: 0 });
    const parsed = new BinaryReader(Buffer.from(sent.getBytes())).tgReadObject() as Api.updates.GetDifference;
    expect(parsed.ptsTotalLimit).toBeNull();
    absentAsUndefined(parsed);
    expect(parsed.ptsTotalLimit).toBeUndefined();
    expect(parsed.pts).toBe(5);
  });

  it("refuses unsigned calls outside auth/help, serves open ones, counts both, and injects faults once", async () => {
    const router = new Router({
      "help.GetNearestDc": () => "dc",
      "users.GetUsers": () => "users",
    });
    await expect(router.handle(new Api.users.GetUsers({ id: [] }), ctx())).rejects.toThrow("AUTH_KEY_UNREGISTERED");
    await expect(router.handle(new Api.help.GetNearestDc(), ctx())).resolves.toBe("dc");
    router.addFault({ method: "users.GetUsers", error: "USER_ID_INVALID", code: 400, count: 1 });
    await expect(router.handle(new Api.users.GetUsers({ id: [] }), ctx(7))).rejects.toThrow("USER_ID_INVALID");
    await expect(router.handle(new Api.users.GetUsers({ id: [] }), ctx(7))).resolves.toBe("users");
    expect(Object.fromEntries(router.stats)).toEqual({ "users.getUsers": 3, "help.getNearestDc": 1 });
    await expect(
      router.handle(new Api.messages.GetDialogs({ offsetPeer: new Api.InputPeerEmpty(), offsetDate: 0, offsetId: 0, limit: 1, hash: bigInt(0) }), ctx(7)),
    ).rejects.toThrow("METHOD_NOT_IMPLEMENTED_IN_EMULATOR");
  });

  it("answers FLOOD_WAIT_X once a method's bucket is empty, per account", async () => {
    const router = new Router({ "users.GetUsers": () => "users" });
    router.setFloodLimit("users.getUsers", { ratePerSecond: 0.5, burst: 2 });
    const call = (user: number) => router.handle(new Api.users.GetUsers({ id: [] }), ctx(user));
    await call(1);
    await call(1);
    await expect(call(1)).rejects.toThrow(/FLOOD_WAIT_2/);
    await expect(call(2)).resolves.toBe("users");
  });

  it("limits the catch-up and listing calls too: getDifference, getChannelDifference, getHistory, getParticipants (POST /flood-limits), and injects PERSISTENT_TIMESTAMP_INVALID (POST /faults)", async () => {
    const served = (name: string) => () => name;
    const requests = [
      new Api.updates.GetDifference({ pts: 1, date: 0, qts: 0 }),
      new Api.updates.GetChannelDifference({ channel: new Api.InputChannelEmpty(), filter: new Api.ChannelMessagesFilterEmpty(), pts: 1, limit: 100 }),
      new Api.messages.GetHistory({ peer: new Api.InputPeerSelf(), offsetId: 0, offsetDate: 0, addOffset: 0, limit: 1, maxId: 0, minId: 0, hash: bigInt(0) }),
      new Api.channels.GetParticipants({
        channel: new Api.InputChannelEmpty(),
        filter: new Api.ChannelParticipantsRecent(),
        offset: 0,
        limit: 1,
        hash: bigInt(0),
      }),
    ];
    const router = new Router(Object.fromEntries(requests.map((request) => [request.className, served(request.className)])));
    for (const request of requests) router.setFloodLimit(request.className, { ratePerSecond: 1 / 30, burst: 1 });
    for (const request of requests) {
      await expect(router.handle(request, ctx(1))).resolves.toBe(request.className);
      await expect(router.handle(request, ctx(1))).rejects.toThrow(/FLOOD_WAIT_30/);
    }
    router.addFault({ method: "updates.getDifference", error: "PERSISTENT_TIMESTAMP_INVALID", code: errorCode("PERSISTENT_TIMESTAMP_INVALID"), count: 1 });
    await expect(router.handle(requests[0], ctx(2))).rejects.toMatchObject({ code: 400, errorMessage: "PERSISTENT_TIMESTAMP_INVALID" });
  });
});
