/**
 * One connection's byte stream: recognizes the transport from the first bytes (as the server does,
 * https://core.telegram.org/mtproto/mtproto-transports), removes obfuscation, cuts the stream
 * into packets and frames the server's packets the same way.
 */
import type { Cipher, Decipher } from "node:crypto";
import { ByteQueue } from "./byte-queue.js";
import { AbridgedCodec, type Codec, type Frame, FullCodec, IntermediateCodec, TransportError, type TransportName } from "./codecs.js";
import { OBFUSCATED_TAGS, openObfuscation } from "./obfuscation.js";

const ABRIDGED_TAG = 0xef;
const INTERMEDIATE_TAG = 0xeeeeeeee;
const PADDED_TAG = 0xdddddddd;
const OBFUSCATED_INIT = 64;
/** First ints that mean HTTP or TLS, which this server does not speak (little-endian "HEAD", "POST", "GET ", "OPTI", TLS hello). */
const FOREIGN_PROTOCOLS = new Set([0x44414548, 0x54534f50, 0x20544547, 0x4954504f, 0x02010316]);

/** Transport detection, deobfuscation and framing for one connection. */
export class Framer {
  private readonly queue = new ByteQueue();
  private codec: Codec | undefined;
  private decipher: Decipher | undefined;
  private cipher: Cipher | undefined;

  constructor(private readonly maxPacket: number) {}

  /** The transport in use, once recognized. */
  get transport(): TransportName | undefined {
    return this.codec?.name;
  }

  /** Whether the stream is obfuscated. */
  get obfuscated(): boolean {
    return this.cipher !== undefined;
  }

  /** Whether packets may carry trailing random padding. */
  get padded(): boolean {
    return this.codec?.padded ?? false;
  }

  /** Feeds received bytes; returns the packets completed. Throws TransportError on a violation. */
  push(chunk: Buffer): Frame[] {
    this.queue.push(this.decipher ? this.decipher.update(chunk) : chunk);
    if (!this.codec && !this.detect()) return [];
    const frames: Frame[] = [];
    for (let frame = this.codec!.decode(this.queue); frame; frame = this.codec!.decode(this.queue)) {
      frames.push(frame);
    }
    return frames;
  }

  /** Frames (and obfuscates) a server packet. */
  encode(payload: Buffer): Buffer {
    if (!this.codec) throw new Error("transport not recognized yet");
    return this.obfuscate(this.codec.encode(payload));
  }

  /** The quick ack packet for a token, or undefined if the transport has none. */
  encodeQuickAck(token: number): Buffer | undefined {
    const packet = this.codec?.encodeQuickAck(token);
    return packet && this.obfuscate(packet);
  }

  private obfuscate(bytes: Buffer): Buffer {
    return this.cipher ? this.cipher.update(bytes) : bytes;
  }

  /** Recognizes the transport from the queued bytes; false while more bytes are needed. */
  private detect(): boolean {
    const q = this.queue;
    if (q.length < 1) return false;
    if (q.byteAt(0) === ABRIDGED_TAG) {
      q.skip(1);
      this.codec = new AbridgedCodec(this.maxPacket);
      return true;
    }
    if (q.length < 4) return false;
    const first = q.peek(4).readUInt32LE(0);
    if (first === INTERMEDIATE_TAG || first === PADDED_TAG) {
      q.skip(4);
      this.codec = new IntermediateCodec(this.maxPacket, first === PADDED_TAG);
      return true;
    }
    if (FOREIGN_PROTOCOLS.has(first)) throw new TransportError("HTTP and TLS transports are not supported");
    if (q.length < 8) return false;
    if (q.peek(8).readUInt32LE(4) === 0) {
      this.codec = new FullCodec(this.maxPacket);
      return true;
    }
    if (q.length < OBFUSCATED_INIT) return false;
    const { decipher, cipher, tag } = openObfuscation(q.take(OBFUSCATED_INIT));
    if (tag === OBFUSCATED_TAGS.abridged) this.codec = new AbridgedCodec(this.maxPacket);
    else if (tag === OBFUSCATED_TAGS.intermediate) this.codec = new IntermediateCodec(this.maxPacket, false);
    else if (tag === OBFUSCATED_TAGS.paddedIntermediate) this.codec = new IntermediateCodec(this.maxPacket, true);
    else throw new TransportError(`unknown obfuscated transport tag ${tag.toString(16)}`);
    this.decipher = decipher;
    this.cipher = cipher;
    if (q.length > 0) q.push(decipher.update(q.drain()));
    return true;
  }
}
