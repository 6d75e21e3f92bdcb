import { createHash, createPublicKey, randomBytes } from "node:crypto";
import { IGE } from "telegram/crypto/IGE.js";
import { MTProtoState } from "telegram/network/MTProtoState.js";
import { describe, expect, it } from "vitest";
import { authKeyIdOf } from "../../src/mtproto/auth-keys.js";
import { DH_PRIME, generateServerSecret, inSafeRange, sharedSecret, sharedSecretUnchecked } from "../../src/mtproto/crypto/dh.js";
import { bigFromBytes, bytesFromBig } from "../../src/mtproto/crypto/hash.js";
import { igeDecrypt, igeEncrypt } from "../../src/mtproto/crypto/ige.js";
import { CLIENT_TO_SERVER, decryptMessage, encryptMessage, messageKeys, SERVER_TO_CLIENT } from "../../src/mtproto/crypto/message.js";
import { legacyDecode, RsaServerKey, rsaPadDecode } from "../../src/mtproto/crypto/rsa.js";
import { legacyPad, rsaPad } from "./raw-client.js";

/** One key for the whole file: generating one takes a moment. */
const rsa = RsaServerKey.generate();

describe("AES-256-IGE", () => {
  it("matches GramJS's IGE in both directions for many lengths", () => {
    for (const blocks of [1, 2, 3, 7, 64, 1000]) {
      const key = randomBytes(32);
      const iv = randomBytes(32);
      const plain = randomBytes(blocks * 16);
      const cipher = igeEncrypt(plain, key, iv);
      expect(cipher).toEqual(new IGE(key, iv).encryptIge(plain));
      expect(igeDecrypt(cipher, key, iv)).toEqual(plain);
    }
  });

  it("refuses input that is not a multiple of 16 bytes", () => {
    expect(() => igeEncrypt(randomBytes(17), randomBytes(32), randomBytes(32))).toThrow(RangeError);
    expect(() => igeDecrypt(randomBytes(15), randomBytes(32), randomBytes(32))).toThrow(RangeError);
  });
});

describe("MTProto 2.0 messages", () => {
  const authKey = randomBytes(256);
  const keyId = authKeyIdOf(authKey);
  const header = { salt: 123n, sessionId: -5n, msgId: ((BigInt(Date.now()) << 32n) / 1000n) & ~3n, seqNo: 7 };

  it("derives the same AES key and IV as GramJS's MTProtoState._calcKey for both directions", async () => {
    const msgKey = randomBytes(16);
    const state = new MTProtoState(undefined, undefined as never);
    for (const [x, client] of [
      [CLIENT_TO_SERVER, true],
      [SERVER_TO_CLIENT, false],
    ] as const) {
      const theirs = await state._calcKey(authKey, msgKey, client);
      expect(messageKeys(authKey, msgKey, x)).toEqual(theirs);
    }
  });

  it("round-trips a message and reads its header fields", () => {
    const body = randomBytes(100);
    const packet = encryptMessage(authKey, keyId, header, body, CLIENT_TO_SERVER);
    expect(packet.subarray(0, 8)).toEqual(keyId);
    expect((packet.length - 24) % 16).toBe(0);
    const msg = decryptMessage(authKey, packet, CLIENT_TO_SERVER);
    expect(msg).toMatchObject({ salt: 123n, sessionId: -5n, msgId: header.msgId, seqNo: 7 });
    expect(msg!.body).toEqual(body);
    const sha = createHash("sha256").update(authKey.subarray(88, 120)).update(msg!.plaintext).digest();
    expect(msg!.msgKeyLarge).toEqual(sha);
  });

  it("rejects a flipped ciphertext bit, a wrong msg_key, the wrong direction and a truncated packet", () => {
    const packet = encryptMessage(authKey, keyId, header, randomBytes(64), CLIENT_TO_SERVER);
    const flipped = Buffer.from(packet);
    flipped[40] ^= 1;
    expect(decryptMessage(authKey, flipped)).toBeUndefined();
    const badKey = Buffer.from(packet);
    badKey[9] ^= 1;
    expect(decryptMessage(authKey, badKey)).toBeUndefined();
    expect(decryptMessage(authKey, packet, SERVER_TO_CLIENT)).toBeUndefined();
    expect(decryptMessage(authKey, packet.subarray(0, packet.length - 16))).toBeUndefined();
    expect(decryptMessage(authKey, packet.subarray(0, packet.length - 3))).toBeUndefined();
  });

  it("drops the trailing bytes of padded transports only when asked to", () => {
    const packet = Buffer.concat([encryptMessage(authKey, keyId, header, randomBytes(32)), randomBytes(5)]);
    expect(decryptMessage(authKey, packet, SERVER_TO_CLIENT)).toBeUndefined();
    expect(decryptMessage(authKey, packet, SERVER_TO_CLIENT, true)?.seqNo).toBe(7);
  });

  it("enforces 12..1024 bytes of padding and a message length within the plaintext", () => {
    // Build plaintexts by hand with a chosen message_data_length, encrypted correctly.
    const make = (declaredLength: number, total: number) => {
      const plain = randomBytes(total);
      plain.writeInt32LE(declaredLength, 28);
      const msgKey = createHash("sha256").update(authKey.subarray(88, 120)).update(plain).digest().subarray(8, 24);
      const { key, iv } = messageKeys(authKey, msgKey, CLIENT_TO_SERVER);
      return Buffer.concat([keyId, msgKey, igeEncrypt(plain, key, iv)]);
    };
    expect(decryptMessage(authKey, make(16, 64))).toBeDefined(); // padding 16
    expect(decryptMessage(authKey, make(24, 64))).toBeUndefined(); // padding 8 < 12
    expect(decryptMessage(authKey, make(-4, 64))).toBeUndefined();
    expect(decryptMessage(authKey, make(18, 64))).toBeUndefined(); // not a multiple of 4
    expect(decryptMessage(authKey, make(0, 1088))).toBeUndefined(); // padding 1056 > 1024
    expect(decryptMessage(authKey, make(32, 1088))).toBeDefined(); // padding 1024
  });

  it("GramJS's client state decrypts what the server encrypts", async () => {
    const { AuthKey } = await import("telegram/crypto/AuthKey.js");
    const key = new AuthKey();
    await key.setKey(authKey);
    const state = new MTProtoState(key, { debug() {}, warn() {} } as never);
    // biome-ignore lint/complexity/useLiteralKeys: the session id is private in GramJS's types
    const sessionId = BigInt(state["id"].toString());
    const pong = Buffer.alloc(20);
    pong.writeUInt32LE(0x347773c5, 0);
    pong.writeBigInt64LE(1n, 4);
    pong.writeBigInt64LE(99n, 12);
    const packet = encryptMessage(authKey, keyId, { salt: 0n, sessionId, msgId: header.msgId | 1n, seqNo: 0 }, pong);
    const message = await state.decryptMessageData(packet);
    expect(message.obj.className).toBe("Pong");
    expect(message.obj.pingId.toString()).toBe("99");
  });
});

describe("RSA", () => {
  const key = rsa;
  const pem = key.publicKeyPem;
  const modulus = bigFromBytes(Buffer.from(createPublicKey(pem).export({ format: "jwk" }).n!, "base64url"));

  it("exports a PKCS#1 public key and the fingerprint of the TL-serialized n and e", () => {
    expect(pem.startsWith("-----BEGIN RSA PUBLIC KEY-----")).toBe(true);
    const jwk = createPublicKey(pem).export({ format: "jwk" });
    const n = Buffer.from(jwk.n!, "base64url");
    const e = Buffer.from(jwk.e!, "base64url");
    const tl = (b: Buffer) => {
      const head = b.length < 254 ? Buffer.from([b.length]) : Buffer.from([254, b.length & 255, b.length >> 8, 0]);
      const pad = (4 - ((head.length + b.length) % 4)) % 4;
      return Buffer.concat([head, b, Buffer.alloc(pad)]);
    };
    const sha = createHash("sha1").update(tl(n)).update(tl(e)).digest();
    expect(key.fingerprint).toBe(sha.readBigInt64LE(12));
  });

  it("undoes RSA_PAD and checks its SHA256", () => {
    const data = randomBytes(96);
    const block = key.decryptRaw(rsaPad(data, pem, modulus))!;
    const decoded = rsaPadDecode(block)!;
    expect(decoded).toHaveLength(192);
    expect(decoded.subarray(0, 96)).toEqual(data);
    const tampered = Buffer.from(block);
    tampered[100] ^= 1;
    expect(rsaPadDecode(tampered)).toBeUndefined();
  });

  it("undoes the older SHA1(data) + data + padding and checks its SHA1", () => {
    const data = randomBytes(96);
    const block = key.decryptRaw(legacyPad(data, pem))!;
    expect(legacyDecode(block, () => 96)).toEqual(data);
    expect(legacyDecode(block, () => 92)).toBeUndefined();
    expect(legacyDecode(block, () => undefined)).toBeUndefined();
    expect(rsaPadDecode(block)).toBeUndefined();
  });

  it("refuses ciphertexts of the wrong size or not below the modulus", () => {
    expect(key.decryptRaw(randomBytes(255))).toBeUndefined();
    expect(key.decryptRaw(Buffer.alloc(256, 0xff))).toBeUndefined();
  });

  it("loads PKCS#1 and PKCS#8 private keys", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pkcs1 = RsaServerKey.fromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString());
    const pkcs8 = RsaServerKey.fromPem(privateKey.export({ type: "pkcs8", format: "pem" }).toString());
    expect(pkcs1.fingerprint).toBe(pkcs8.fingerprint);
  });
});

describe("Diffie-Hellman", () => {
  it("produces g_a in the safe range and the same secret as plain modular arithmetic", () => {
    const server = generateServerSecret();
    expect(inSafeRange(bigFromBytes(server.gA))).toBe(true);
    const b = bigFromBytes(randomBytes(255));
    const gB = sharedSecretUnchecked(bytesFromBig(b, 256), 3n);
    const key = sharedSecret(server.a, gB);
    expect(key).toHaveLength(256);
    expect(key).toEqual(sharedSecretUnchecked(bytesFromBig(b, 256), bigFromBytes(server.gA)));
  });

  it("rejects values outside [2^1984, p - 2^1984]", () => {
    const p = bigFromBytes(DH_PRIME);
    expect(inSafeRange(1n)).toBe(false);
    expect(inSafeRange(p - 1n)).toBe(false);
    expect(inSafeRange(1n << 1984n)).toBe(true);
    expect(inSafeRange(p - (1n << 1984n) + 1n)).toBe(false);
  });
});
