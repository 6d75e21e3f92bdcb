/**
 * Where pushed updates go (src/mtproto/server.ts): to the last active connection of each authorization, not
 * to every connection of the key; not to connections that only transfer files or call through
 * invokeWithoutUpdates; kept for a session whose connection is down and sent when that session comes back.
 */
import { createHash, randomBytes } from "node:crypto";
import { Api } from "telegram";
import { BinaryReader } from "telegram/extensions/index.js";
import { returnBigInt } from "telegram/Helpers.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { KeptUpdates } from "../../src/mtproto/kept-updates.js";
import { type StubServer, startStubServer } from "./helpers.js";
import { IDS, RawClient, type ServerMessage, W } from "./raw-client.js";

let stub: StubServer;
beforeAll(async () => {
  stub = await startStubServer();
});
afterAll(async () => {
  await stub.stop();
});

const nearestDc = () => new Api.help.GetNearestDc().getBytes();
const keyIdOf = (key: Buffer) => createHash("sha1").update(key).digest().subarray(12, 20).toString("hex");
const nameUpdate = (firstName: string) =>
  new Api.UpdateShort({ update: new Api.UpdateUserName({ userId: returnBigInt(7), firstName, lastName: "", usernames: [] }), date: 1 });
let nextUser = 500;

/** A raw client on `key` with its session established. */
async function open(key: Buffer): Promise<RawClient> {
  const c = await RawClient.open(stub.port, "intermediate");
  c.useKey(key);
  await c.establishSession();
  return c;
}

/** A signed-in key (user id returned) with `count` sessions on it. */
async function signedIn(count: number): Promise<{ key: Buffer; userId: number; clients: RawClient[] }> {
  const key = randomBytes(256);
  stub.server.addAuthKey(key);
  const userId = nextUser++;
  stub.world.authorizations.set(keyIdOf(key), { userId, date: 0 });
  const clients: RawClient[] = [];
  for (let i = 0; i < count; i++) clients.push(await open(key));
  return { key, userId, clients };
}

/** The first names of the UpdateUserName pushes `c` received before answering a ping sent now (pushes queued before it come first). */
async function namesBeforePong(c: RawClient): Promise<string[]> {
  const pingId = BigInt(Date.now());
  c.send(new W().uint(0x7abe77ec).long(pingId).done());
  const names: string[] = [];
  for (;;) {
    const m: ServerMessage = await c.recvUntil((x) => x.id === IDS.pong || x.id === nameUpdate("").CONSTRUCTOR_ID);
    if (m.id === IDS.pong) return names;
    names.push(nameOf(m.body));
  }
}

/** Closes `c` and waits until the server has seen its connection go. */
async function closeOnServer(c: RawClient, key: Buffer): Promise<void> {
  c.close();
  await vi.waitFor(() => expect(stub.server.updateSessionOf(keyIdOf(key))?.connected).toBe(false));
}

/** The first name an updateShort{updateUserName} carries. */
function nameOf(body: Buffer): string {
  const short = new BinaryReader(body).tgReadObject() as Api.UpdateShort;
  return (short.update as Api.UpdateUserName).firstName;
}

describe("updates go to the last active connection of an authorization", () => {
  it("only the session that called last gets them; a ping does not make a session active", async () => {
    const { userId, clients } = await signedIn(2);
    const [a, b] = clients;
    await a.call(nearestDc());
    await b.call(nearestDc());
    stub.server.pushToUser(userId, nameUpdate("to b"));
    expect(await namesBeforePong(b)).toEqual(["to b"]);
    expect(await namesBeforePong(a)).toEqual([]); // a's pings do not take the updates back
    await a.call(nearestDc());
    stub.server.pushToUser(userId, nameUpdate("to a"));
    expect(await namesBeforePong(a)).toEqual(["to a"]);
    expect(await namesBeforePong(b)).toEqual([]);
    for (const c of clients) c.close();
  });

  it("a call through invokeWithoutUpdates, or a file query, does not take them", async () => {
    const { userId, clients } = await signedIn(2);
    const [main, files] = clients;
    await main.call(nearestDc());
    await files.call(new Api.InvokeWithoutUpdates({ query: new Api.help.GetNearestDc() }).getBytes());
    await files.call(
      new Api.upload.GetFile({
        location: new Api.InputDocumentFileLocation({ id: returnBigInt(1), accessHash: returnBigInt(1), fileReference: Buffer.alloc(0), thumbSize: "" }),
        offset: returnBigInt(0),
        limit: 4096,
      }).getBytes(),
    );
    await files.call(new Api.upload.SaveFilePart({ fileId: returnBigInt(9), filePart: 0, bytes: Buffer.alloc(16) }).getBytes());
    stub.server.pushToUser(userId, nameUpdate("main"));
    expect(await namesBeforePong(main)).toEqual(["main"]);
    expect(await namesBeforePong(files)).toEqual([]);
    for (const c of clients) c.close();
  });

  it("each authorization of the account gets them once, on its own last active session", async () => {
    const first = await signedIn(1);
    const secondKey = randomBytes(256);
    stub.server.addAuthKey(secondKey);
    stub.world.authorizations.set(keyIdOf(secondKey), { userId: first.userId, date: 0 });
    const other = await open(secondKey);
    await first.clients[0].call(nearestDc());
    await other.call(nearestDc());
    stub.server.pushToUser(first.userId, nameUpdate("both"));
    expect(await namesBeforePong(first.clients[0])).toEqual(["both"]);
    expect(await namesBeforePong(other)).toEqual(["both"]);
    first.clients[0].close();
    other.close();
  });
});

describe("updates kept for a session whose connection is down", () => {
  it("are sent, in order, when the same session comes back on a new connection; another session of the key does not get them", async () => {
    const { key, userId, clients } = await signedIn(1);
    const [before] = clients;
    await before.call(nearestDc());
    await closeOnServer(before, key);
    stub.server.pushToUser(userId, nameUpdate("one"));
    stub.server.pushToUser(userId, nameUpdate("two"));
    expect(stub.server.updateSessionOf(keyIdOf(key))).toMatchObject({ connected: false, kept: 2 });
    expect(stub.server.onlineUsers().has(userId)).toBe(true);

    const stranger = await open(key); // another session of the key, pinging only: it is not the update session
    expect(await namesBeforePong(stranger)).toEqual([]);

    const after = await RawClient.open(stub.port, "intermediate");
    after.resume(before);
    expect(await namesBeforePong(after)).toEqual(["one", "two"]);
    stub.server.pushToUser(userId, nameUpdate("live"));
    expect(await namesBeforePong(after)).toEqual(["live"]);
    expect(stub.server.updateSessionOf(keyIdOf(key))).toMatchObject({ connected: true, kept: 0 });
    stranger.close();
    after.close();
  });

  it("stay with that session when another session of the key becomes the active one", async () => {
    const { key, userId, clients } = await signedIn(1);
    const [old] = clients;
    await old.call(nearestDc());
    await closeOnServer(old, key);
    stub.server.pushToUser(userId, nameUpdate("for old"));
    const fresh = await open(key);
    await fresh.call(nearestDc());
    stub.server.pushToUser(userId, nameUpdate("for fresh"));
    expect(await namesBeforePong(fresh)).toEqual(["for fresh"]);
    const back = await RawClient.open(stub.port, "intermediate");
    back.resume(old);
    expect(await namesBeforePong(back)).toEqual(["for old"]);
    fresh.close();
    back.close();
  });

  it("past the bound, the returning session gets one updatesTooLong instead", async () => {
    const { key, userId, clients } = await signedIn(1);
    const [before] = clients;
    await before.call(nearestDc());
    await closeOnServer(before, key);
    for (let i = 0; i < 1001; i++) stub.server.pushToUser(userId, nameUpdate(`n${i}`));
    const after = await RawClient.open(stub.port, "intermediate");
    after.resume(before);
    after.send(new W().uint(0x7abe77ec).long(1n).done()); // the session comes back with its first message
    const tooLong = new Api.UpdatesTooLong().CONSTRUCTOR_ID;
    const first = await after.recvUntil((x) => x.id === tooLong || x.id === nameUpdate("").CONSTRUCTOR_ID);
    expect(first.id).toBe(tooLong);
    expect(await namesBeforePong(after)).toEqual([]);
    after.close();
  });
});

describe("KeptUpdates", () => {
  it("keeps bodies in order within both bounds, and turns an overflow into tooLong once", () => {
    const kept = new KeptUpdates({ maxUpdates: 3, maxBytes: 10 });
    kept.keep(Buffer.alloc(4, 1));
    kept.keep(Buffer.alloc(4, 2));
    expect(kept.take()).toEqual([Buffer.alloc(4, 1), Buffer.alloc(4, 2)]);
    expect(kept.take()).toEqual([]);
    kept.keep(Buffer.alloc(4));
    kept.keep(Buffer.alloc(4));
    kept.keep(Buffer.alloc(4)); // 12 bytes > 10
    kept.keep(Buffer.alloc(1));
    expect(kept.size).toBe(0);
    expect(kept.take()).toBe("tooLong");
    expect(kept.take()).toEqual([]);
  });
});
