import { createHash, randomBytes } from "node:crypto";
import { Api, type TelegramClient } from "telegram";
import { Raw } from "telegram/events/index.js";
import { returnBigInt } from "telegram/Helpers.js";
import { ConnectionTCPAbridged, ConnectionTCPObfuscated } from "telegram/network/index.js";
import { StringSession } from "telegram/sessions/index.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { gramjsClient, type StubServer, startStubServer, stringSessionWithKey, until } from "./helpers.js";

let stub: StubServer;
const clients: TelegramClient[] = [];

beforeAll(async () => {
  stub = await startStubServer();
});
afterEach(async () => {
  stub.overrides.clear();
  for (const c of clients.splice(0)) await c.destroy();
});
afterAll(async () => {
  await stub.stop();
});

function client(opts: Parameters<typeof gramjsClient>[1] = {}): TelegramClient {
  const c = gramjsClient(stub.port, opts);
  clients.push(c);
  return c;
}

/** The auth key id (hex of the wire bytes) of the key a GramJS client holds. */
function keyIdOf(c: TelegramClient): string {
  return createHash("sha1").update(c.session.getAuthKey()!.getKey()!).digest().subarray(12, 20).toString("hex");
}

describe("GramJS against the MTProto server", () => {
  it("creates an auth key over TCP Full with a fresh StringSession and makes calls", async () => {
    const c = client();
    await c.connect();
    const dc = await c.invoke(new Api.help.GetNearestDc());
    expect(dc).toBeInstanceOf(Api.NearestDc);
    expect(dc.country).toBe("US");
    const initial = stub.calls.find((x) => x.name === "help.GetConfig" && x.ctx.authKeyId === keyIdOf(c));
    expect(initial?.ctx.layer).toBe(198);
    const saved = (c.session as StringSession).save();
    expect(saved.length).toBeGreaterThan(300);
    const reloaded = new StringSession(saved);
    expect(reloaded.port).toBe(stub.port);
  });

  for (const [name, connection] of [
    ["ConnectionTCPObfuscated", ConnectionTCPObfuscated],
    ["ConnectionTCPAbridged", ConnectionTCPAbridged],
  ] as const) {
    it(`works with ${name}`, async () => {
      const c = client({ connection });
      await c.connect();
      expect((await c.invoke(new Api.help.GetNearestDc())).thisDc).toBe(2);
    });
  }

  it("uses a pre-shared key registered with addAuthKey without a handshake", async () => {
    const key = randomBytes(256);
    const id = stub.server.addAuthKey(key);
    expect(id).toBe(createHash("sha1").update(key).digest().subarray(12, 20).toString("hex"));
    const c = client({ session: stringSessionWithKey(stub.port, key) });
    await c.connect();
    await c.invoke(new Api.help.GetNearestDc());
    expect(c.session.getAuthKey()!.getKey()).toEqual(key);
    expect(stub.calls.some((x) => x.ctx.authKeyId === id)).toBe(true);
  });

  it("answers a fast call while a slow one is still running", async () => {
    const c = client();
    await c.connect();
    let release!: () => void;
    stub.overrides.set(
      "updates.GetState",
      () => new Promise((resolve) => (release = () => resolve(new Api.updates.State({ pts: 9, qts: 0, date: 0, seq: 0, unreadCount: 0 })))),
    );
    let slowDone = false;
    const slow = c.invoke(new Api.updates.GetState()).then((r) => {
      slowDone = true;
      return r;
    });
    const fast = await c.invoke(new Api.help.GetNearestDc());
    expect(fast.country).toBe("US");
    expect(slowDone).toBe(false);
    release();
    expect((await slow).pts).toBe(9);
  });

  it("survives disconnectAll(): GramJS reconnects on its own and calls succeed again", async () => {
    const c = client();
    await c.connect();
    await c.invoke(new Api.help.GetNearestDc());
    expect(stub.server.connectionCount).toBeGreaterThan(0);
    stub.server.disconnectAll();
    await until(() => stub.server.connectionCount === 0);
    const after = await c.invoke(new Api.help.GetNearestDc());
    expect(after.country).toBe("US");
    expect(stub.server.connectionCount).toBe(1);
  });

  it("delivers pushToUser updates to the client's update handler, and tracks online users", async () => {
    const c = client();
    await c.connect();
    const userId = 4242;
    stub.world.authorizations.set(keyIdOf(c), { userId, date: 0 });
    expect(stub.server.onlineUsers().has(userId)).toBe(false);
    await c.invoke(new Api.help.GetNearestDc()); // a call while signed in subscribes the session
    expect(stub.server.onlineUsers().has(userId)).toBe(true);

    const received = new Promise<Api.TypeUpdate>((resolve) => {
      c.addEventHandler((update: Api.TypeUpdate) => {
        if (update instanceof Api.UpdateUserName) resolve(update);
      }, new Raw({}));
    });
    const update = new Api.UpdateUserName({ userId: returnBigInt(7), firstName: "Ada", lastName: "L", usernames: [] });
    stub.world.push(userId, new Api.Updates({ updates: [update], users: [], chats: [], date: Math.floor(Date.now() / 1000), seq: 0 }));
    const got = (await received) as Api.UpdateUserName;
    expect(got.firstName).toBe("Ada");

    const sessionKey = stub.calls.filter((x) => x.ctx.authKeyId === keyIdOf(c)).at(-1)!.ctx.sessionKey;
    let leaked = false;
    c.addEventHandler((u: Api.TypeUpdate) => {
      if (u instanceof Api.UpdateUserName && u.firstName === "Skipped") leaked = true;
    }, new Raw({}));
    const skipped = new Api.UpdateUserName({ userId: returnBigInt(7), firstName: "Skipped", lastName: "", usernames: [] });
    stub.server.pushToUser(userId, new Api.UpdateShort({ update: skipped, date: 0 }), sessionKey);
    await c.invoke(new Api.help.GetNearestDc()); // anything pushed before this answer has arrived by now
    expect(leaked).toBe(false);
  });
});
