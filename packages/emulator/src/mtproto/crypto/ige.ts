/**
 * AES-256-IGE as MTProto uses it (https://core.telegram.org/mtproto/description): a 32-byte IV
 * whose first half chains the ciphertext and second half the plaintext.
 *
 * Encryption runs as one native AES-256-CBC pass: with y_i = c_i ^ p_{i-1}, IGE encryption is
 * y_i = E(p_i ^ p_{i-2} ^ y_{i-1}), i.e. CBC over x_i = p_i ^ p_{i-2}. Decryption chains through
 * the inverse cipher, which CBC cannot express, so it uses GramJS's table-based AES.
 */
import { createCipheriv } from "node:crypto";
import { IGE } from "telegram/crypto/IGE.js";

/** IGE-encrypts `plain` (length a multiple of 16) with a 32-byte key and 32-byte IV. */
export function igeEncrypt(plain: Buffer, key: Buffer, iv: Buffer): Buffer {
  const n = plain.length;
  if (n % 16 !== 0) throw new RangeError("IGE input must be a multiple of 16 bytes");
  if (n === 0) return Buffer.alloc(0);
  const x = Buffer.allocUnsafe(n);
  plain.copy(x, 0, 0, 16);
  for (let i = 16; i < 32 && i < n; i++) x[i] = plain[i] ^ iv[i];
  for (let i = 32; i < n; i++) x[i] = plain[i] ^ plain[i - 32];
  const cbc = createCipheriv("aes-256-cbc", key, iv.subarray(0, 16));
  cbc.setAutoPadding(false);
  const y = cbc.update(x);
  for (let i = 0; i < 16; i++) y[i] ^= iv[16 + i];
  for (let i = 16; i < n; i++) y[i] ^= plain[i - 16];
  return y;
}

/** IGE-decrypts `cipher` (length a multiple of 16) with a 32-byte key and 32-byte IV. */
export function igeDecrypt(cipher: Buffer, key: Buffer, iv: Buffer): Buffer {
  if (cipher.length % 16 !== 0) throw new RangeError("IGE input must be a multiple of 16 bytes");
  if (cipher.length === 0) return Buffer.alloc(0);
  return new IGE(key, iv).decryptIge(cipher);
}
