/**
 * MTProto 2.0 message encryption (https://core.telegram.org/mtproto/description#defining-aes-key-and-initialization-vector)
 * with the receiving checks of the security guidelines: msg_key recomputed, length and padding bounds.
 */
import { randomFillSync } from "node:crypto";
import { sha256 } from "./hash.js";
import { igeDecrypt, igeEncrypt } from "./ige.js";

/** x in the key derivation: 0 for client-to-server messages, 8 for server-to-client. */
export type Direction = 0 | 8;
/** x for messages the client sends. */
export const CLIENT_TO_SERVER: Direction = 0;
/** x for messages the server sends. */
export const SERVER_TO_CLIENT: Direction = 8;

/** The fixed part of the plaintext: salt, session_id, msg_id, seq_no, message_data_length. */
const INNER_HEADER = 32;
const MIN_PADDING = 12;
const MAX_PADDING = 1024;

/** aes_key and aes_iv for a message, derived from the auth key and msg_key. */
export function messageKeys(authKey: Buffer, msgKey: Buffer, x: Direction): { key: Buffer; iv: Buffer } {
  const a = sha256(msgKey, authKey.subarray(x, x + 36));
  const b = sha256(authKey.subarray(40 + x, 76 + x), msgKey);
  const key = Buffer.allocUnsafe(32);
  a.copy(key, 0, 0, 8);
  b.copy(key, 8, 8, 24);
  a.copy(key, 24, 24, 32);
  const iv = Buffer.allocUnsafe(32);
  b.copy(iv, 0, 0, 8);
  a.copy(iv, 8, 8, 24);
  b.copy(iv, 24, 24, 32);
  return { key, iv };
}

/** msg_key_large = SHA256(substr(auth_key, 88+x, 32) + plaintext with padding). */
export function msgKeyLarge(authKey: Buffer, plaintext: Buffer, x: Direction): Buffer {
  return sha256(authKey.subarray(88 + x, 120 + x), plaintext);
}

/** A decrypted message: the plaintext and where its message_data lies in it. */
export interface DecryptedMessage {
  plaintext: Buffer;
  /** SHA256 prefix the quick ack token is taken from. */
  msgKeyLarge: Buffer;
  salt: bigint;
  sessionId: bigint;
  msgId: bigint;
  seqNo: number;
  /** message_data as a view into the plaintext. */
  body: Buffer;
}

/**
 * Decrypts a packet (auth_key_id + msg_key + encrypted_data) with `authKey`; the server reads
 * client messages (x = 0). Returns undefined on any failed check, so every failure looks the same
 * to the sender. `lenient` drops trailing bytes that do not fill an AES block (padded
 * intermediate transport).
 */
export function decryptMessage(authKey: Buffer, packet: Buffer, x: Direction = CLIENT_TO_SERVER, lenient = false): DecryptedMessage | undefined {
  let encLength = packet.length - 24;
  if (lenient) encLength -= encLength % 16;
  if (encLength < INNER_HEADER + MIN_PADDING || encLength % 16 !== 0) return undefined;
  const msgKey = packet.subarray(8, 24);
  const { key, iv } = messageKeys(authKey, msgKey, x);
  const plaintext = igeDecrypt(packet.subarray(24, 24 + encLength), key, iv);
  const large = msgKeyLarge(authKey, plaintext, x);
  if (!large.subarray(8, 24).equals(msgKey)) return undefined;
  const length = plaintext.readInt32LE(28);
  const padding = plaintext.length - INNER_HEADER - length;
  if (length < 0 || length % 4 !== 0 || padding < MIN_PADDING || padding > MAX_PADDING) return undefined;
  return {
    plaintext,
    msgKeyLarge: large,
    salt: plaintext.readBigInt64LE(0),
    sessionId: plaintext.readBigInt64LE(8),
    msgId: plaintext.readBigInt64LE(16),
    seqNo: plaintext.readInt32LE(24),
    body: plaintext.subarray(INNER_HEADER, INNER_HEADER + length),
  };
}

/** The header fields of an outgoing message. */
export interface OutgoingHeader {
  salt: bigint;
  sessionId: bigint;
  msgId: bigint;
  seqNo: number;
}

/**
 * Encrypts one message (the server writes with x = 8): builds the plaintext with 12..1024 random padding bytes (here the
 * least that aligns to 16, plus 16 when that would be under 12) and prepends the external header.
 */
export function encryptMessage(authKey: Buffer, authKeyId: Buffer, header: OutgoingHeader, body: Buffer, x: Direction = SERVER_TO_CLIENT): Buffer {
  const unpadded = INNER_HEADER + body.length;
  let padding = (16 - (unpadded % 16)) % 16;
  if (padding < MIN_PADDING) padding += 16;
  const plaintext = Buffer.allocUnsafe(unpadded + padding);
  plaintext.writeBigInt64LE(BigInt.asIntN(64, header.salt), 0);
  plaintext.writeBigInt64LE(BigInt.asIntN(64, header.sessionId), 8);
  plaintext.writeBigInt64LE(BigInt.asIntN(64, header.msgId), 16);
  plaintext.writeInt32LE(header.seqNo, 24);
  plaintext.writeInt32LE(body.length, 28);
  body.copy(plaintext, INNER_HEADER);
  randomFillSync(plaintext, unpadded, padding);
  const msgKey = msgKeyLarge(authKey, plaintext, x).subarray(8, 24);
  const { key, iv } = messageKeys(authKey, msgKey, x);
  const out = Buffer.allocUnsafe(24 + plaintext.length);
  authKeyId.copy(out, 0);
  msgKey.copy(out, 8);
  igeEncrypt(plaintext, key, iv).copy(out, 24);
  return out;
}
