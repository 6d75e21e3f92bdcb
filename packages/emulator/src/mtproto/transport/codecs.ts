/**
 * The MTProto transports' framing (https://core.telegram.org/mtproto/mtproto-transports):
 * abridged, intermediate, padded intermediate and full, each decoding client packets from a
 * byte queue and encoding server packets.
 */
import { randomBytes, randomInt } from "node:crypto";
import { crc32 } from "node:zlib";
import type { ByteQueue } from "./byte-queue.js";

/** A framing violation; the connection is closed. */
export class TransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TransportError";
  }
}

/** One client packet. */
export interface Frame {
  payload: Buffer;
  /** The client asked for a quick ack of this packet. */
  quickAck: boolean;
}

/** The transports the server speaks. */
export type TransportName = "abridged" | "intermediate" | "paddedIntermediate" | "full";

/** One transport's framing, with its per-connection state (the full transport's counters). */
export interface Codec {
  readonly name: TransportName;
  /** The payload may carry 0-15 random trailing bytes (padded intermediate). */
  readonly padded: boolean;
  /** The next complete packet in the queue, or undefined if more bytes are needed. */
  decode(queue: ByteQueue): Frame | undefined;
  /** Frames a server payload. */
  encode(payload: Buffer): Buffer;
  /** The quick ack packet for a token (MSB already set), or undefined if the transport has none. */
  encodeQuickAck(token: number): Buffer | undefined;
}

function checkLength(length: number, max: number): void {
  if (length > max) throw new TransportError(`packet of ${length} bytes exceeds ${max}`);
}

/** Abridged: one length byte (length/4, MSB = quick ack) or 0x7f/0xff + 3 bytes. */
export class AbridgedCodec implements Codec {
  readonly name = "abridged";
  readonly padded = false;

  constructor(private readonly maxPacket: number) {}

  decode(queue: ByteQueue): Frame | undefined {
    if (queue.length < 1) return undefined;
    const first = queue.byteAt(0);
    const quickAck = (first & 0x80) !== 0;
    let header = 1;
    let words = first & 0x7f;
    if (words === 0x7f) {
      if (queue.length < 4) return undefined;
      words = queue.peek(4).readUIntLE(1, 3);
      header = 4;
    }
    const length = words * 4;
    checkLength(length, this.maxPacket);
    if (queue.length < header + length) return undefined;
    queue.skip(header);
    return { payload: queue.take(length), quickAck };
  }

  encode(payload: Buffer): Buffer {
    const words = payload.length >> 2;
    if (words < 0x7f) {
      const out = Buffer.allocUnsafe(1 + payload.length);
      out[0] = words;
      payload.copy(out, 1);
      return out;
    }
    const out = Buffer.allocUnsafe(4 + payload.length);
    out[0] = 0x7f;
    out.writeUIntLE(words, 1, 3);
    payload.copy(out, 4);
    return out;
  }

  encodeQuickAck(token: number): Buffer {
    const out = Buffer.allocUnsafe(4);
    out.writeUInt32BE(token >>> 0, 0);
    return out;
  }
}

/**
 * Intermediate (4-byte little-endian length, MSB = quick ack), optionally padded. The documents
 * allow 0-15 random padding bytes; the server sends 0-3, which clients that strip `length % 4`
 * bytes (Telethon's randomized intermediate codec) read correctly too.
 */
export class IntermediateCodec implements Codec {
  readonly name: TransportName;

  constructor(
    private readonly maxPacket: number,
    readonly padded: boolean,
  ) {
    this.name = padded ? "paddedIntermediate" : "intermediate";
  }

  decode(queue: ByteQueue): Frame | undefined {
    if (queue.length < 4) return undefined;
    const raw = queue.peek(4).readUInt32LE(0);
    const length = raw & 0x7fffffff;
    checkLength(length, this.maxPacket);
    if (queue.length < 4 + length) return undefined;
    queue.skip(4);
    return { payload: queue.take(length), quickAck: raw >= 0x80000000 };
  }

  encode(payload: Buffer): Buffer {
    const padding = this.padded ? randomInt(4) : 0;
    const out = Buffer.allocUnsafe(4 + payload.length + padding);
    out.writeUInt32LE(payload.length + padding, 0);
    payload.copy(out, 4);
    if (padding) randomBytes(padding).copy(out, 4 + payload.length);
    return out;
  }

  encodeQuickAck(token: number): Buffer {
    const out = Buffer.allocUnsafe(4);
    out.writeUInt32LE(token >>> 0, 0);
    return out;
  }
}

/** Full: length, per-direction sequence number, payload, CRC32; both are checked on input. */
export class FullCodec implements Codec {
  readonly name = "full";
  readonly padded = false;
  private recvSeq = 0;
  private sendSeq = 0;

  constructor(private readonly maxPacket: number) {}

  decode(queue: ByteQueue): Frame | undefined {
    if (queue.length < 4) return undefined;
    const length = queue.peek(4).readUInt32LE(0);
    if (length < 12) throw new TransportError(`full transport length ${length} below 12`);
    checkLength(length - 12, this.maxPacket);
    if (queue.length < length) return undefined;
    const packet = queue.take(length);
    const seq = packet.readInt32LE(4);
    if (seq !== this.recvSeq) throw new TransportError(`full transport seqno ${seq}, expected ${this.recvSeq}`);
    if (crc32(packet.subarray(0, length - 4)) !== packet.readUInt32LE(length - 4)) {
      throw new TransportError("full transport CRC mismatch");
    }
    this.recvSeq++;
    return { payload: packet.subarray(8, length - 4), quickAck: false };
  }

  encode(payload: Buffer): Buffer {
    const length = payload.length + 12;
    const out = Buffer.allocUnsafe(length);
    out.writeUInt32LE(length, 0);
    out.writeInt32LE(this.sendSeq++, 4);
    payload.copy(out, 8);
    out.writeUInt32LE(crc32(out.subarray(0, length - 4)), length - 4);
    return out;
  }

  encodeQuickAck(): undefined {
    return undefined;
  }
}
