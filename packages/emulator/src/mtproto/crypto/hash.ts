/** Hash helpers used across the protocol (SHA-1 for the handshake, SHA-256 for MTProto 2.0). */
import { createHash } from "node:crypto";

/** SHA-1 of the concatenated parts. */
export function sha1(...parts: Uint8Array[]): Buffer {
  const h = createHash("sha1");
  for (const p of parts) h.update(p);
  return h.digest();
}

/** SHA-256 of the concatenated parts. */
export function sha256(...parts: Uint8Array[]): Buffer {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
}

/** a XOR b, byte by byte, over the length of a. */
export function xorBytes(a: Uint8Array, b: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

/** A big-endian unsigned integer from bytes. */
export function bigFromBytes(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b.buffer, b.byteOffset, b.length).toString("hex")}`);
}

/** `v` as big-endian bytes: exactly `size` bytes (left-padded with zeros), or minimal when size is 0. */
export function bytesFromBig(v: bigint, size = 0): Buffer {
  let hex = v.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const raw = Buffer.from(hex, "hex");
  if (size === 0) return raw;
  if (raw.length > size) throw new RangeError(`number does not fit in ${size} bytes`);
  return Buffer.concat([Buffer.alloc(size - raw.length), raw]);
}
