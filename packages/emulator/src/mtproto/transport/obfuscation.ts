/**
 * Transport obfuscation (https://core.telegram.org/mtproto/mtproto-transports#transport-obfuscation):
 * a 64-byte random init whose bytes 8-56 give the AES-256-CTR keys of both directions and whose
 * encrypted bytes 56-60 name the inner transport.
 */
import { type Cipher, createCipheriv, createDecipheriv, type Decipher } from "node:crypto";

/** The inner transport tags an obfuscated init may carry. */
export const OBFUSCATED_TAGS = {
  abridged: 0xefefefef,
  intermediate: 0xeeeeeeee,
  paddedIntermediate: 0xdddddddd,
} as const;

/** The two CTR streams of an obfuscated connection and the inner transport tag. */
export interface Obfuscation {
  /** Decrypts client-to-server bytes (continues after the init). */
  decipher: Decipher;
  /** Encrypts server-to-client bytes. */
  cipher: Cipher;
  /** Bytes 56-60 of the decrypted init, little-endian. */
  tag: number;
}

/** Sets up obfuscation from the client's 64-byte init payload. */
export function openObfuscation(init: Buffer): Obfuscation {
  const reversed = Buffer.from(init.subarray(8, 56)).reverse();
  const decipher = createDecipheriv("aes-256-ctr", init.subarray(8, 40), init.subarray(40, 56));
  const cipher = createCipheriv("aes-256-ctr", reversed.subarray(0, 32), reversed.subarray(32, 48));
  const plain = decipher.update(init);
  return { decipher, cipher, tag: plain.readUInt32LE(56) };
}
