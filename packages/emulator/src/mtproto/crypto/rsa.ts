/**
 * The server's RSA key (https://core.telegram.org/mtproto/auth_key): its fingerprint as clients
 * compute it, raw RSA decryption, and the two ways clients wrap p_q_inner_data in req_DH_params:
 * RSA_PAD (current) and SHA1(data) + data + padding (older clients).
 */
import { constants, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, privateDecrypt } from "node:crypto";
import { tlBytes } from "../../tl/primitives.js";
import { sha1, sha256, xorBytes } from "./hash.js";
import { igeDecrypt } from "./ige.js";

/** An RSA private key with what the handshake needs precomputed. */
export class RsaServerKey {
  /** "-----BEGIN RSA PUBLIC KEY-----" (PKCS#1), the form clients embed. */
  readonly publicKeyPem: string;
  /** The modulus, big-endian, without leading zeros. */
  readonly modulus: Buffer;
  /** Lower 64 bits of SHA1(rsa_public_key n:bytes e:bytes), as a signed long. */
  readonly fingerprint: bigint;

  private constructor(private readonly privateKey: KeyObject) {
    const publicKey = createPublicKey(privateKey);
    this.publicKeyPem = publicKey.export({ type: "pkcs1", format: "pem" }).toString();
    const { modulus, exponent } = publicNumbers(publicKey);
    if (modulus.length !== 256) throw new Error("the server RSA key must be 2048 bits");
    this.modulus = modulus;
    this.fingerprint = keyFingerprint(modulus, exponent);
  }

  /** Loads a PKCS#1 or PKCS#8 private key. */
  static fromPem(pem: string): RsaServerKey {
    return new RsaServerKey(createPrivateKey(pem));
  }

  /** Generates a fresh 2048-bit key with e = 65537. */
  static generate(): RsaServerKey {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 65537 });
    return new RsaServerKey(privateKey);
  }

  /** c^d mod n as 256 big-endian bytes; undefined unless c is 256 bytes and below the modulus. */
  decryptRaw(cipher: Buffer): Buffer | undefined {
    if (cipher.length !== 256 || Buffer.compare(cipher, this.modulus) >= 0) return undefined;
    try {
      return privateDecrypt({ key: this.privateKey, padding: constants.RSA_NO_PADDING }, cipher);
    } catch {
      return undefined;
    }
  }
}

/** An RSA public key's modulus and exponent, big-endian, without leading zeros. */
export function publicNumbers(key: KeyObject | string): { modulus: Buffer; exponent: Buffer } {
  const publicKey = typeof key !== "string" && key.type === "public" ? key : createPublicKey(key);
  const jwk = publicKey.export({ format: "jwk" });
  if (jwk.kty !== "RSA" || !jwk.n || !jwk.e) throw new Error("not an RSA public key");
  return { modulus: stripZeros(Buffer.from(jwk.n, "base64url")), exponent: stripZeros(Buffer.from(jwk.e, "base64url")) };
}

/** A key's fingerprint as clients compute it: the lower 64 bits of SHA1(n:bytes e:bytes), as a signed long. */
export function keyFingerprint(modulus: Buffer, exponent: Buffer): bigint {
  return sha1(tlBytes(modulus), tlBytes(exponent)).readBigInt64LE(12);
}

function stripZeros(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

/**
 * Undoes RSA_PAD on a decrypted 256-byte block: returns data_with_padding (192 bytes, the
 * TL-serialized inner data followed by random bytes) when SHA256(temp_key + data_with_padding)
 * matches, else undefined.
 */
export function rsaPadDecode(block: Buffer): Buffer | undefined {
  const tempKeyXor = block.subarray(0, 32);
  const aesEncrypted = block.subarray(32);
  const tempKey = xorBytes(tempKeyXor, sha256(aesEncrypted));
  const dataWithHash = igeDecrypt(aesEncrypted, tempKey, Buffer.alloc(32));
  const dataWithPadding = Buffer.from(dataWithHash.subarray(0, 192)).reverse();
  const hash = dataWithHash.subarray(192, 224);
  return sha256(tempKey, dataWithPadding).equals(hash) ? dataWithPadding : undefined;
}

/**
 * Undoes the older SHA1(data) + data + padding wrapping (255 bytes, stored as a 256-byte number):
 * `measure` returns how many bytes of TL the data holds; returns the data when its SHA1 matches.
 */
export function legacyDecode(block: Buffer, measure: (data: Buffer) => number | undefined): Buffer | undefined {
  if (block[0] !== 0) return undefined;
  const body = block.subarray(21);
  const length = measure(body);
  if (length === undefined) return undefined;
  const data = body.subarray(0, length);
  return sha1(data).equals(block.subarray(1, 21)) ? data : undefined;
}
