import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StubServer, startStubServer } from "./helpers.js";
import { IDS, RawClient, type RawTransport, W } from "./raw-client.js";

let stub: StubServer;
beforeAll(async () => {
  stub = await startStubServer();
});
afterAll(async () => {
  await stub.stop();
});

const keyOf = () => ({ publicKeyPem: stub.server.rsaPublicKeyPem, fingerprint: stub.server.rsaFingerprint });

describe("auth key creation", () => {
  const transports: RawTransport[] = [
    "intermediate",
    "paddedIntermediate",
    "abridged",
    "full",
    "obfuscatedAbridged",
    "obfuscatedIntermediate",
    "obfuscatedPadded",
  ];
  for (const transport of transports) {
    it(`creates a key with RSA_PAD over ${transport} and serves the encrypted session`, async () => {
      const c = await RawClient.open(stub.port, transport);
      const result = await c.handshake({ ...keyOf(), padding: "rsaPad", inner: "dc" });
      expect(result.answer).toBe(IDS.dhGenOk);
      expect(result.hashOk).toBe(true);
      await c.establishSession();
      expect(c.salt).not.toBe(0n);
      c.close();
    });
  }

  it("accepts the older SHA1 padding with p_q_inner_data, and the handshake's salt right away", async () => {
    const c = await RawClient.open(stub.port, "intermediate");
    const result = await c.handshake({ ...keyOf(), padding: "legacy", inner: "plain" });
    expect(result.answer).toBe(IDS.dhGenOk);
    expect(result.hashOk).toBe(true);
    const pingId = c.send(new W().uint(0x7abe77ec).long(7n).done());
    const first = await c.recv();
    expect(first?.id).toBe(IDS.newSessionCreated);
    expect(first!.body.readBigInt64LE(4)).toBe(pingId);
    const pong = await c.recvUntil((m) => m.id === IDS.pong);
    expect(pong.body.readBigInt64LE(4)).toBe(pingId);
    c.close();
  });

  it("creates temporary keys (p_q_inner_data_temp_dc)", async () => {
    const c = await RawClient.open(stub.port, "intermediate");
    const result = await c.handshake({ ...keyOf(), inner: "tempDc", expiresIn: 60 });
    expect(result.answer).toBe(IDS.dhGenOk);
    await c.establishSession();
    c.close();
  });

  it("answers dh_gen_fail (with new_nonce_hash3) when g_b is outside the safe range", async () => {
    const c = await RawClient.open(stub.port, "intermediate");
    const result = await c.handshake({ ...keyOf(), b: 1n });
    expect(result.answer).toBe(IDS.dhGenFail);
    expect(result.hashOk).toBe(true);
    c.close();
  });

  it("answers -444 when p_q_inner_data_dc names another DC", async () => {
    const c = await RawClient.open(stub.port, "intermediate");
    const result = await c.handshake({ ...keyOf(), inner: "dc", dc: 4 });
    expect(result.answer).toBe(-444);
    c.close();
  });

  it("answers -404 to an incorrect req_DH_params and to what follows, until a new req_pq", async () => {
    const c = await RawClient.open(stub.port, "intermediate");
    const wrongKey = await c.handshake({ ...keyOf(), publicKeyPem: otherPublicKey });
    expect(wrongKey.answer).toBe(-404);
    c.sendPlain(new W().uint(0xf5045f1f).raw(Buffer.alloc(32)).bytes(Buffer.alloc(32)).done());
    expect(await c.recvPlain()).toBe(-404);
    const retry = await c.handshake(keyOf());
    expect(retry.answer).toBe(IDS.dhGenOk);
    c.close();
  });

  it("answers -404 to req_DH_params that does not continue a req_pq", async () => {
    const c = await RawClient.open(stub.port, "intermediate");
    c.sendPlain(
      new W()
        .uint(0xd712e4be)
        .raw(Buffer.alloc(32))
        .bytes(Buffer.from([1]))
        .bytes(Buffer.from([2]))
        .long(stub.server.rsaFingerprint)
        .bytes(Buffer.alloc(256))
        .done(),
    );
    expect(await c.recvPlain()).toBe(-404);
    c.close();
  });

  it("resends the same resPQ for a repeated identical req_pq_multi", async () => {
    const c = await RawClient.open(stub.port, "intermediate");
    const req = new W().uint(0xbe7e8ef1).raw(Buffer.alloc(16, 7)).done();
    c.sendPlain(req);
    const first = await c.recvPlain();
    c.sendPlain(req);
    expect(await c.recvPlain()).toEqual(first);
    c.close();
  });

  it("closes the connection on an unknown plain message", async () => {
    const c = await RawClient.open(stub.port, "intermediate");
    c.sendPlain(new W().uint(0x12345678).done());
    await c.closed;
  });
});

/** A public key the server does not hold. */
const otherPublicKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "pkcs1", format: "pem" }).toString();
