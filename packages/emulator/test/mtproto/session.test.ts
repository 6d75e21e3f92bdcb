import { createHash, randomBytes } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { Api } from "telegram";
import { readBigIntFromBuffer, returnBigInt } from "telegram/Helpers.js";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { RpcError } from "../../src/model/errors.js";
import { type StubServer, startStubServer } from "./helpers.js";
import { IDS, R, RawClient, W } from "./raw-client.js";

let stub: StubServer;
beforeAll(async () => {
  stub = await startStubServer();
});
afterAll(async () => {
  await stub.stop();
});
afterEach(() => {
  stub.overrides.clear();
});

const ping = (id: bigint) => new W().uint(0x7abe77ec).long(id).done();
const nearestDc = () => new Api.help.GetNearestDc().getBytes();

/** A raw client on a pre-shared key with its session established (server salt known). */
async function session(transport: Parameters<typeof RawClient.open>[1] = "intermediate", key = randomBytes(256)): Promise<RawClient> {
  stub.server.addAuthKey(key);
  const c = await RawClient.open(stub.port, transport);
  c.useKey(key);
  await c.establishSession();
  return c;
}

/** The bad_msg_notification the server sends for message `msgId`. */
async function badMsgCode(c: RawClient, msgId: bigint): Promise<number> {
  const m = await c.recvUntil((x) => x.id === IDS.badMsgNotification && x.body.readBigInt64LE(4) === msgId);
  return m.body.readInt32LE(16);
}

describe("sessions and server salts", () => {
  it("answers a wrong salt with bad_server_salt (code 48), then announces the session once", async () => {
    const key = randomBytes(256);
    stub.server.addAuthKey(key);
    const c = await RawClient.open(stub.port, "intermediate");
    c.useKey(key);
    const first = c.send(ping(1n));
    const bad = await c.recv();
    expect(bad?.id).toBe(IDS.badServerSalt);
    const r = new R(bad!.body, 4);
    expect([r.long(), r.int(), r.int()]).toEqual([first, 1, 48]);
    c.salt = r.long();
    const second = c.send(ping(2n));
    const created = await c.recv();
    expect(created?.id).toBe(IDS.newSessionCreated);
    expect(created!.body.readBigInt64LE(4)).toBe(second);
    expect(created!.body.readBigInt64LE(20)).toBe(c.salt);
    expect(created!.seqNo % 2).toBe(1);
    expect(created!.msgId % 4n).toBe(3n);
    const pong = await c.recvUntil((m) => m.id === IDS.pong);
    expect([pong.body.readBigInt64LE(4), pong.body.readBigInt64LE(12)]).toEqual([second, 2n]);
    expect(pong.seqNo % 2).toBe(0);
    c.send(ping(3n));
    const next = await c.recvUntil((m) => m.id !== IDS.msgsAck);
    expect(next.id).toBe(IDS.pong);
    c.close();
  });

  it("numbers server messages: time-based msg_ids, 1 mod 4 for answers, increasing", async () => {
    const c = await session();
    c.send(nearestDc());
    c.send(ping(5n));
    const seen = [await c.recv(), await c.recv()];
    expect(seen.map((m) => m!.id).sort()).toEqual([IDS.rpcResult, IDS.pong].sort());
    const now = BigInt(Math.floor(Date.now() / 1000));
    for (const m of seen) {
      expect(m!.msgId % 4n).toBe(1n);
      expect(m!.msgId >> 32n).toBeGreaterThanOrEqual(now - 2n);
    }
    expect(seen[1]!.msgId).toBeGreaterThan(seen[0]!.msgId);
    c.close();
  });

  it("reports msg_id problems: not divisible by 4 (18), too old (16), too far ahead (17)", async () => {
    const c = await session();
    const odd = c.newMsgId() + 1n;
    c.send(ping(1n), { msgId: odd });
    expect(await badMsgCode(c, odd)).toBe(18);
    const old = c.newMsgId(-400);
    c.send(ping(1n), { msgId: old });
    const tooLow = await c.recvUntil((x) => x.id === IDS.badMsgNotification);
    expect(tooLow.body.readInt32LE(16)).toBe(16);
    expect(tooLow.msgId >> 32n).toBeGreaterThanOrEqual(BigInt(Math.floor(Date.now() / 1000)) - 2n);
    const future = c.newMsgId(60);
    c.send(ping(1n), { msgId: future });
    expect(await badMsgCode(c, future)).toBe(17);
    c.close();
  });

  it("reports seqno problems: parity (34, 35) and order (32, 33)", async () => {
    const c = await session();
    const even = c.send(nearestDc(), { seqNo: 100 });
    expect(await badMsgCode(c, even)).toBe(35);
    // A container is not content-related: an odd seqno is answered 34.
    const container = new W().uint(IDS.msgContainer).int(1).long(c.newMsgId()).int(101).int(12).raw(ping(7n)).done();
    const containerId = c.newMsgId();
    c.send(container, { msgId: containerId, seqNo: 101 });
    expect(await badMsgCode(c, containerId)).toBe(34);
    // A later msg_id with a lower seqno than one already received.
    const high = c.send(ping(9n), { seqNo: 41 });
    await c.recvUntil((m) => m.id === IDS.pong);
    const low = c.send(ping(9n), { seqNo: 11 });
    expect(await badMsgCode(c, low)).toBe(32);
    // An earlier msg_id with a higher seqno than a later message.
    const early = high - 4n;
    c.send(ping(9n), { msgId: early, seqNo: 91 });
    expect(await badMsgCode(c, early)).toBe(33);
    c.close();
  });

  it("accepts msgs_ack with an odd seqno, as Telegram does (mtcute sends them so)", async () => {
    const c = await session();
    c.send(new W().uint(IDS.msgsAck).uint(0x1cb5c415).int(0).done(), { seqNo: 103 });
    c.send(new W().uint(IDS.msgsAck).uint(0x1cb5c415).int(0).done(), { seqNo: 104 });
    c.send(ping(5n), { seqNo: 105 });
    const next = await c.recvUntil((m) => m.id === IDS.pong || m.id === IDS.badMsgNotification);
    expect(next.id).toBe(IDS.pong);
    c.close();
  });

  it("ignores a repeated msg_id and answers 19 for a reused container msg_id", async () => {
    const c = await session();
    const id = c.send(ping(1n));
    await c.recvUntil((m) => m.id === IDS.pong);
    c.send(ping(1n), { msgId: id, seqNo: 99 });
    c.send(ping(2n));
    const pong = await c.recvUntil((m) => m.id === IDS.pong || m.id === IDS.badMsgNotification);
    expect(pong.id).toBe(IDS.pong);
    expect(pong.body.readBigInt64LE(12)).toBe(2n);

    const inner = c.newMsgId();
    const containerId = c.newMsgId();
    const container = (innerId: bigint) => new W().uint(IDS.msgContainer).int(1).long(innerId).int(c.seqNo(true)).int(12).raw(ping(3n)).done();
    c.send(container(inner), { msgId: containerId, seqNo: c.seqNo(false) });
    await c.recvUntil((m) => m.id === IDS.pong);
    c.send(container(c.newMsgId() - 8n), { msgId: containerId, seqNo: c.seqNo(false) });
    expect(await badMsgCode(c, containerId)).toBe(19);
    c.close();
  });

  it("unpacks containers and answers each message; rejects a malformed container with 64", async () => {
    const c = await session();
    const a = c.newMsgId();
    const b = c.newMsgId();
    const ack = c.newMsgId();
    const body = new W()
      .uint(IDS.msgContainer)
      .int(3)
      .long(a)
      .int(c.seqNo(true))
      .int(12)
      .raw(ping(10n))
      .long(b)
      .int(c.seqNo(true))
      .int(12)
      .raw(ping(11n))
      .long(ack)
      .int(c.seqNo(false))
      .int(12)
      .raw(new W().uint(IDS.msgsAck).uint(0x1cb5c415).int(0).done())
      .done();
    c.send(body, { seqNo: c.seqNo(false) });
    const p1 = await c.recvUntil((m) => m.id === IDS.pong);
    const p2 = await c.recvUntil((m) => m.id === IDS.pong);
    expect([p1.body.readBigInt64LE(4), p2.body.readBigInt64LE(4)]).toEqual([a, b]);

    // An inner msg_id not below the container's.
    const id = c.newMsgId();
    const broken = new W()
      .uint(IDS.msgContainer)
      .int(1)
      .long(id + 4n)
      .int(c.seqNo(true))
      .int(12)
      .raw(ping(1n))
      .done();
    c.send(broken, { msgId: id, seqNo: c.seqNo(false) });
    expect(await badMsgCode(c, id)).toBe(64);
    c.close();
  });

  it("acknowledges content messages whose answer is slow, with msgs_ack", async () => {
    const c = await session();
    let release!: () => void;
    stub.overrides.set("help.GetNearestDc", () => new Promise((r) => (release = () => r(new Api.NearestDc({ country: "X", thisDc: 2, nearestDc: 2 })))));
    const id = c.send(nearestDc());
    const ack = await c.recvUntil((m) => m.id === IDS.msgsAck);
    expect(new R(ack.body, 8).int()).toBe(1);
    expect(ack.body.readBigInt64LE(12)).toBe(id);
    release();
    await c.recvUntil((m) => m.id === IDS.rpcResult && m.body.readBigInt64LE(4) === id);
    c.close();
  });
});

describe("service messages", () => {
  it("returns future salts as a bare vector; the first one is accepted", async () => {
    const c = await session();
    const id = c.send(new W().uint(0xb921bd04).int(3).done());
    const m = await c.recvUntil((x) => x.id === IDS.futureSalts);
    const r = new R(m.body, 4);
    expect(r.long()).toBe(id);
    const now = r.int();
    expect(Math.abs(now - Date.now() / 1000)).toBeLessThan(5);
    const count = r.int();
    expect(count).toBe(3);
    const salts = Array.from({ length: count }, () => ({ since: r.int(), until: r.int(), salt: r.long() }));
    expect(salts[0].since).toBeLessThanOrEqual(now);
    expect(salts[0].until).toBeGreaterThan(now);
    expect(salts[1].since).toBe(salts[0].until);
    expect(salts[0].salt).toBe(c.salt);
    c.close();
  });

  it("destroys another session of the same key (destroy_session_ok) and reports unknown ones (none)", async () => {
    const key = randomBytes(256);
    const first = await session("intermediate", key);
    const second = await session("abridged", key);
    second.send(new W().uint(0xe7512126).long(first.sessionId).done());
    const ok = await second.recvUntil((m) => m.id === IDS.destroySessionOk || m.id === IDS.destroySessionNone);
    expect(ok.id).toBe(IDS.destroySessionOk);
    expect(ok.body.readBigInt64LE(4)).toBe(first.sessionId);
    second.send(new W().uint(0xe7512126).long(12345n).done());
    const none = await second.recvUntil((m) => m.id === IDS.destroySessionOk || m.id === IDS.destroySessionNone);
    expect(none.id).toBe(IDS.destroySessionNone);
    first.close();
    second.close();
  });

  it("answers msgs_state_req with one status byte per msg_id", async () => {
    const c = await session();
    const known = c.send(ping(1n));
    await c.recvUntil((m) => m.id === IDS.pong);
    const req = new W()
      .uint(0xda69fb52)
      .uint(0x1cb5c415)
      .int(3)
      .long(known)
      .long(known - (1n << 34n))
      .long(known + (1n << 34n))
      .done();
    const id = c.send(req);
    const info = await c.recvUntil((m) => m.id === IDS.msgsStateInfo);
    const r = new R(info.body, 4);
    expect(r.long()).toBe(id);
    expect([...r.bytes()]).toEqual([4, 1, 3]);
    c.close();
  });

  it("drops a running answer (rpc_answer_dropped_running) and reports unknown ones", async () => {
    const c = await session();
    let release!: () => void;
    stub.overrides.set("help.GetNearestDc", () => new Promise((r) => (release = () => r(new Api.NearestDc({ country: "X", thisDc: 2, nearestDc: 2 })))));
    const slow = c.send(nearestDc());
    const drop = c.send(new W().uint(0x58e4a740).long(slow).done());
    const dropAnswer = await c.recvUntil((m) => m.id === IDS.rpcResult && m.body.readBigInt64LE(4) === drop);
    expect(dropAnswer.body.readUInt32LE(12)).toBe(IDS.rpcAnswerDroppedRunning);
    release();
    const original = await c.recvUntil((m) => m.id === IDS.rpcResult && m.body.readBigInt64LE(4) === slow);
    expect(original.body.readUInt32LE(12)).toBe(IDS.rpcAnswerDroppedRunning);
    const unknown = await c.call(new W().uint(0x58e4a740).long(777n).done());
    expect(unknown.readUInt32LE(0)).toBe(IDS.rpcAnswerUnknown);
    c.close();
  });

  it("closes the connection disconnect_delay seconds after ping_delay_disconnect", async () => {
    const c = await session();
    const started = Date.now();
    c.send(new W().uint(0xf3427b8c).long(5n).int(1).done());
    const pong = await c.recvUntil((m) => m.id === IDS.pong);
    expect(pong.body.readBigInt64LE(12)).toBe(5n);
    await c.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("sends a quick ack token when asked (sha256 of key part + plaintext, MSB set)", async () => {
    for (const transport of ["intermediate", "abridged"] as const) {
      const c = await session(transport);
      c.send(ping(8n), { quickAck: true });
      await c.recvUntil((m) => m.id === IDS.pong);
      expect(c.quickAcks).toEqual([(c.lastMsgKeyLarge!.readUInt32LE(0) | 0x80000000) >>> 0]);
      c.close();
    }
  });
});

describe("pushes", () => {
  it("pushToKey reaches the key's last active session, signed in or not; large updates travel gzip_packed", async () => {
    const key = randomBytes(256);
    const b = await session("abridged", key);
    const a = await RawClient.open(stub.port, "intermediate"); // the same key, registered once
    a.useKey(key);
    await a.establishSession();
    await b.call(nearestDc());
    await a.call(nearestDc()); // a called last: only a takes the key's updates
    const idHex = createHash("sha1").update(key).digest().subarray(12, 20).toString("hex");
    const update = new Api.UpdateShort({ update: new Api.UpdateLoginToken(), date: 1 });
    stub.server.pushToKey(idHex, update);
    const m = await a.recvUntil((x) => x.id === update.CONSTRUCTOR_ID);
    expect(m.body).toEqual(update.getBytes());
    expect(m.seqNo % 2).toBe(1);
    expect(m.msgId % 4n).toBe(3n);
    const users = Array.from({ length: 1000 }, (_, i) => new Api.UserEmpty({ id: returnBigInt(i) }));
    const big = new Api.Updates({ updates: [], users, chats: [], date: 1, seq: 0 });
    stub.server.pushToKey(idHex, big);
    const packed = await a.recvUntil((x) => x.id === IDS.gzipPacked);
    expect(gunzipSync(new R(packed.body, 4).bytes())).toEqual(big.getBytes());
    expect(stub.server.onlineUsers().size).toBe(0);
    a.close();
    b.close();
  });
});

describe("packet-level failures", () => {
  it("answers an unknown auth key with transport error -404 and closes", async () => {
    const c = await RawClient.open(stub.port, "intermediate");
    c.useKey(randomBytes(256));
    c.send(ping(1n));
    const packet = await c.nextPacket();
    expect(packet?.readInt32LE(0)).toBe(-404);
    await c.closed;
  });

  it("closes silently on a wrong msg_key, and when the session_id changes on a connection", async () => {
    const c = await session();
    const packet = c.encrypt(ping(1n), c.newMsgId(), c.seqNo(true), c.salt, c.sessionId);
    packet[12] ^= 0xff;
    c.sendPacket(packet);
    await c.closed;

    const d = await session();
    d.send(ping(1n), { sessionId: d.sessionId + 1n });
    await d.closed;
  });
});

describe("RPC calls", () => {
  it("parses requests with GramJS's classes and passes a CallContext", async () => {
    const key = randomBytes(256);
    const c = await session("full", key);
    stub.world.authorizations.set(createHash("sha1").update(key).digest().subarray(12, 20).toString("hex"), { userId: 77, date: 0 });
    const before = stub.calls.length;
    const wrapped = new Api.InvokeWithLayer({
      layer: 160,
      query: new Api.InitConnection({
        apiId: 1,
        deviceModel: "d",
        systemVersion: "s",
        appVersion: "a",
        systemLangCode: "en",
        langPack: "",
        langCode: "en",
        query: new Api.InvokeWithoutUpdates({ query: new Api.help.GetNearestDc() }),
      }),
    });
    const result = await c.call(wrapped.getBytes());
    expect(result.readUInt32LE(0)).toBe(0x8e1a1775);
    const { name, ctx } = stub.calls[before];
    expect(name).toBe("help.GetNearestDc");
    const keyId = createHash("sha1").update(key).digest().subarray(12, 20).toString("hex");
    expect(ctx).toMatchObject({ authKeyId: keyId, sessionKey: `${keyId}:${c.sessionId}`, userId: 77, layer: 160 });
    expect(stub.server.onlineUsers().has(77)).toBe(false); // invokeWithoutUpdates does not subscribe
    await c.call(nearestDc());
    expect(stub.server.onlineUsers().has(77)).toBe(true);
    c.close();
    await c.closed;
    // The session keeps its updates while its connection is down (update-routing.test.ts): still reachable.
    await vi.waitFor(() => expect(stub.server.updateSessionOf(keyId)).toMatchObject({ key: `${keyId}:${c.sessionId}`, connected: false }));
    expect(stub.server.onlineUsers().has(77)).toBe(true);
  });

  it("turns RpcError into rpc_error, requireUser into 401, and other errors into 500 INTERNAL logged once", async () => {
    const c = await session();
    stub.overrides.set("help.GetNearestDc", () => {
      throw new RpcError(420, "FLOOD_WAIT_3");
    });
    const flood = new R(await c.call(nearestDc()));
    expect([flood.uint(), flood.int(), flood.bytes().toString()]).toEqual([IDS.rpcError, 420, "FLOOD_WAIT_3"]);
    stub.overrides.set("help.GetNearestDc", (_req, ctx) => ctx.requireUser());
    const unauthorized = new R(await c.call(nearestDc()));
    expect([unauthorized.uint(), unauthorized.int(), unauthorized.bytes().toString()]).toEqual([IDS.rpcError, 401, "AUTH_KEY_UNREGISTERED"]);
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    stub.overrides.set("help.GetNearestDc", () => {
      throw new Error("handler bug");
    });
    for (let i = 0; i < 2; i++) {
      const internal = new R(await c.call(nearestDc()));
      expect([internal.uint(), internal.int(), internal.bytes().toString()]).toEqual([IDS.rpcError, 500, "INTERNAL"]);
    }
    expect(log).toHaveBeenCalledTimes(1);
    log.mockRestore();
    c.close();
  });

  it("serializes Bool, Vector<int>, Vector<long> and Vector of objects", async () => {
    const c = await session();
    stub.overrides.set("help.GetNearestDc", () => true);
    expect((await c.call(nearestDc())).readUInt32LE(0)).toBe(0x997275b5);
    stub.overrides.set("help.GetNearestDc", () => false);
    expect((await c.call(nearestDc())).readUInt32LE(0)).toBe(0xbc799737);
    stub.overrides.set("help.GetNearestDc", () => [1, -2]);
    expect(await c.call(nearestDc())).toEqual(new W().uint(0x1cb5c415).int(2).int(1).int(-2).done());
    stub.overrides.set("help.GetNearestDc", () => [1n << 40n]);
    expect(await c.call(nearestDc())).toEqual(
      new W()
        .uint(0x1cb5c415)
        .int(1)
        .long(1n << 40n)
        .done(),
    );
    const dc = new Api.NearestDc({ country: "US", thisDc: 2, nearestDc: 2 });
    stub.overrides.set("help.GetNearestDc", () => [dc, dc]);
    expect(await c.call(nearestDc())).toEqual(Buffer.concat([new W().uint(0x1cb5c415).int(2).done(), dc.getBytes(), dc.getBytes()]));
    c.close();
  });

  it("gzips large results and reads gzip_packed requests", async () => {
    const c = await session();
    const many = Array.from({ length: 5000 }, (_, i) => i % 7);
    stub.overrides.set("help.GetNearestDc", () => many);
    const packed = new R(await c.call(nearestDc()));
    expect(packed.uint()).toBe(IDS.gzipPacked);
    const plain = gunzipSync(packed.bytes());
    expect(plain.readInt32LE(4)).toBe(5000);
    stub.overrides.clear();
    const zipped = new W().uint(IDS.gzipPacked).bytes(gzipSync(nearestDc())).done();
    expect((await c.call(zipped)).readUInt32LE(0)).toBe(0x8e1a1775);
    c.close();
  });

  it("answers undecodable requests with 400 rpc_error and keeps serving", async () => {
    const c = await session();
    const errorOf = async (body: Buffer) => {
      const r = new R(await c.call(body));
      expect(r.uint()).toBe(IDS.rpcError);
      return [r.int(), r.bytes().toString()];
    };
    expect(await errorOf(new W().uint(0xdeadbeef).done())).toEqual([400, "INPUT_CONSTRUCTOR_INVALID_deadbeef"]);
    expect(await errorOf(new Api.InputPeerEmpty().getBytes())).toEqual([400, "INPUT_METHOD_INVALID"]);
    expect(await errorOf(Buffer.concat([nearestDc(), Buffer.alloc(4)]))).toEqual([400, "INPUT_REQUEST_TOO_LONG"]);
    const history = new Api.messages.GetHistory({ peer: new Api.InputPeerSelf(), limit: 1 }).getBytes();
    expect(await errorOf(history.subarray(0, 12))).toEqual([400, "INPUT_FETCH_FAIL"]);
    const nestedCore = new W().uint(0xda9b0d0d).int(1).uint(IDS.gzipPacked).bytes(Buffer.from("not gzip")).done();
    expect(await errorOf(nestedCore)).toEqual([400, "INPUT_FETCH_FAIL"]);
    expect(await errorOf(new W().uint(IDS.gzipPacked).bytes(Buffer.from("not gzip")).done())).toEqual([400, "INPUT_FETCH_FAIL"]);
    expect((await c.call(nearestDc())).readUInt32LE(0)).toBe(0x8e1a1775);
    c.close();
  });

  it("runs calls concurrently and orders invokeAfterMsg after the named message", async () => {
    const c = await session();
    const order: string[] = [];
    let release!: () => void;
    let calls = 0;
    stub.overrides.set("help.GetNearestDc", () => {
      if (calls++ > 0) {
        order.push("fast");
        return new Api.NearestDc({ country: "fast", thisDc: 2, nearestDc: 2 });
      }
      return new Promise(
        (r) =>
          (release = () => {
            order.push("slow");
            r(new Api.NearestDc({ country: "slow", thisDc: 2, nearestDc: 2 }));
          }),
      );
    });
    const slow = c.send(nearestDc());
    await c.call(nearestDc());
    expect(order).toEqual(["fast"]);
    const after = c.send(new Api.InvokeAfterMsg({ msgId: readBigIntFromBuffer(le64(slow), true, true), query: new Api.help.GetNearestDc() }).getBytes());
    // A later call answered proves the server has already dispatched the invokeAfterMsg.
    await c.call(nearestDc());
    expect(order).toEqual(["fast", "fast"]);
    release();
    const answered: bigint[] = [];
    while (answered.length < 2) {
      const m = await c.recvUntil((x) => x.id === IDS.rpcResult);
      answered.push(m.body.readBigInt64LE(4));
    }
    expect(answered).toEqual([slow, after]);
    expect(order).toEqual(["fast", "fast", "slow", "fast"]);
    c.close();
  });
});

function le64(v: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(v);
  return b;
}
