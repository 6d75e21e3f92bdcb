import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ByteQueue } from "../../src/mtproto/transport/byte-queue.js";
import { AbridgedCodec, FullCodec, IntermediateCodec, TransportError } from "../../src/mtproto/transport/codecs.js";
import { Framer } from "../../src/mtproto/transport/framer.js";

const MAX = 1 << 20;

function le32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
}

/** A client's bytes for `payloads` in each transport, as a client would write them. */
function clientStream(transport: "abridged" | "intermediate" | "padded" | "full", payloads: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  if (transport === "abridged") parts.push(Buffer.from([0xef]));
  if (transport === "intermediate") parts.push(le32(0xeeeeeeee));
  if (transport === "padded") parts.push(le32(0xdddddddd));
  payloads.forEach((p, seq) => {
    if (transport === "abridged") {
      const words = p.length / 4;
      parts.push(words < 127 ? Buffer.from([words]) : Buffer.from([0x7f, words & 255, (words >> 8) & 255, words >> 16]), p);
    } else if (transport === "full") {
      const head = Buffer.concat([le32(p.length + 12), le32(seq)]);
      const body = Buffer.concat([head, p]);
      parts.push(body, le32(crc32(body)));
    } else {
      const pad = transport === "padded" ? randomBytes(seq % 16) : Buffer.alloc(0);
      parts.push(le32(p.length + pad.length), p, pad);
    }
  });
  return Buffer.concat(parts);
}

/** Feeds `stream` to a framer in chunks of the given sizes (cycled) and collects the payloads. */
function feed(framer: Framer, stream: Buffer, chunkSizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  for (let pos = 0; pos < stream.length; i++) {
    const size = chunkSizes[i % chunkSizes.length];
    out.push(...framer.push(stream.subarray(pos, pos + size)).map((f) => f.payload));
    pos += size;
  }
  return out;
}

const payloads = [randomBytes(4), randomBytes(64), randomBytes(504), randomBytes(508), randomBytes(4096), randomBytes(17000)];

describe("transport framing", () => {
  for (const transport of ["abridged", "intermediate", "padded", "full"] as const) {
    it(`recognizes and cuts ${transport} packets, whole, split byte by byte, and merged`, () => {
      const stream = clientStream(transport, payloads);
      for (const chunks of [[stream.length], [1], [3, 7, 1000], [65536]]) {
        const framer = new Framer(MAX);
        const got = feed(framer, stream, chunks);
        expect(got).toHaveLength(payloads.length);
        got.forEach((p, i) => {
          if (transport === "padded") expect(p.subarray(0, payloads[i].length)).toEqual(payloads[i]);
          else expect(p).toEqual(payloads[i]);
        });
        expect(framer.transport).toBe(transport === "padded" ? "paddedIntermediate" : transport);
        expect(framer.padded).toBe(transport === "padded");
      }
    });
  }

  it("reads obfuscated abridged, intermediate and padded streams and encrypts replies with the reversed key", () => {
    for (const [tag, name] of [
      [0xefefefef, "abridged"],
      [0xeeeeeeee, "intermediate"],
      [0xdddddddd, "paddedIntermediate"],
    ] as const) {
      let init: Buffer;
      do init = randomBytes(64);
      while (init[0] === 0xef || init.readUInt32LE(4) === 0 || [0xeeeeeeee, 0xdddddddd].includes(init.readUInt32LE(0)));
      init.writeUInt32LE(tag, 56);
      const enc = createCipheriv("aes-256-ctr", init.subarray(8, 40), init.subarray(40, 56));
      const header = Buffer.from(init);
      enc.update(init).copy(header, 56, 56, 64);
      const inner = name === "abridged" ? "abridged" : name === "intermediate" ? "intermediate" : "padded";
      const body = clientStream(inner, payloads).subarray(inner === "abridged" ? 1 : 4);
      const stream = Buffer.concat([header, enc.update(body)]);
      const framer = new Framer(MAX);
      const got = feed(framer, stream, [5, 61, 999]);
      expect(got.map((p) => p.subarray(0, 4))).toEqual(payloads.map((p) => p.subarray(0, 4)));
      expect(framer.transport).toBe(name);
      expect(framer.obfuscated).toBe(true);

      const rev = Buffer.from(init.subarray(8, 56)).reverse();
      const dec = createDecipheriv("aes-256-ctr", rev.subarray(0, 32), rev.subarray(32, 48));
      const reply = randomBytes(16);
      const plain = dec.update(framer.encode(reply));
      const headerLength = name === "abridged" ? 1 : 4;
      expect(plain.subarray(headerLength, headerLength + 16)).toEqual(reply);
    }
  });

  it("encodes server packets the way each transport's client decodes them", () => {
    const small = randomBytes(40);
    const big = randomBytes(1000);
    const abridged = new AbridgedCodec(MAX);
    expect(abridged.encode(small)).toEqual(Buffer.concat([Buffer.from([10]), small]));
    expect(abridged.encode(big)).toEqual(Buffer.concat([Buffer.from([0x7f, 250, 0, 0]), big]));
    expect(new IntermediateCodec(MAX, false).encode(small)).toEqual(Buffer.concat([le32(40), small]));
    const padded = new IntermediateCodec(MAX, true).encode(small);
    const len = padded.readUInt32LE(0);
    expect(len - 40).toBeGreaterThanOrEqual(0);
    expect(len - 40).toBeLessThan(4);
    expect(padded.subarray(4, 44)).toEqual(small);
    const full = new FullCodec(MAX);
    const a = full.encode(small);
    const b = full.encode(small);
    expect(a.readUInt32LE(0)).toBe(52);
    expect([a.readInt32LE(4), b.readInt32LE(4)]).toEqual([0, 1]);
    expect(a.readUInt32LE(48)).toBe(crc32(a.subarray(0, 48)));
  });

  it("flags quick ack requests and encodes the tokens (abridged byte-swapped)", () => {
    const q = new ByteQueue();
    q.push(Buffer.concat([Buffer.from([0x80 | 2]), randomBytes(8)]));
    expect(new AbridgedCodec(MAX).decode(q)?.quickAck).toBe(true);
    const q2 = new ByteQueue();
    q2.push(Buffer.concat([le32(0x80000008), randomBytes(8)]));
    expect(new IntermediateCodec(MAX, false).decode(q2)).toMatchObject({ quickAck: true });
    expect(new AbridgedCodec(MAX).encodeQuickAck(0x81020304)).toEqual(Buffer.from([0x81, 2, 3, 4]));
    expect(new IntermediateCodec(MAX, false).encodeQuickAck(0x81020304)).toEqual(Buffer.from([4, 3, 2, 0x81]));
    expect(new FullCodec(MAX).encodeQuickAck()).toBeUndefined();
  });

  it("rejects oversized length headers before the body arrives", () => {
    expect(() => new Framer(MAX).push(Buffer.concat([le32(0xeeeeeeee), le32(MAX + 4)]))).toThrow(TransportError);
    expect(() => new Framer(MAX).push(Buffer.from([0xef, 0x7f, 0xff, 0xff, 0xff]))).toThrow(TransportError);
    expect(() => new Framer(MAX).push(Buffer.concat([le32(0xdddddddd), le32(0x7fffffff)]))).toThrow(TransportError);
  });

  it("rejects a full-transport packet with a wrong seqno, a wrong CRC or a length below 12", () => {
    const good = clientStream("full", [randomBytes(8), randomBytes(8)]);
    const skipped = Buffer.from(good);
    skipped.writeInt32LE(5, 24);
    skipped.writeUInt32LE(crc32(skipped.subarray(20, 36)), 36);
    expect(() => new Framer(MAX).push(skipped)).toThrow(/seqno 5, expected 1/);
    const badCrc = Buffer.from(good);
    badCrc[10] ^= 1;
    expect(() => new Framer(MAX).push(badCrc)).toThrow(/CRC/);
    expect(() => new Framer(MAX).push(Buffer.concat([le32(8), le32(0)]))).toThrow(/below 12/);
  });

  it("refuses HTTP, TLS and unknown obfuscated tags", () => {
    expect(() => new Framer(MAX).push(Buffer.from("POST / HTTP/1.1\r\n"))).toThrow(TransportError);
    expect(() => new Framer(MAX).push(Buffer.from("GET / HTTP/1.1\r\n"))).toThrow(TransportError);
    expect(() => new Framer(MAX).push(Buffer.from([0x16, 0x03, 0x01, 0x02, 0, 0, 0, 1]))).toThrow(TransportError);
    let init: Buffer;
    do init = randomBytes(64);
    while (init[0] === 0xef || init.readUInt32LE(4) === 0);
    init.writeUInt32LE(0x12345678, 56);
    const header = Buffer.from(init);
    createCipheriv("aes-256-ctr", init.subarray(8, 40), init.subarray(40, 56)).update(init).copy(header, 56, 56, 64);
    expect(() => new Framer(MAX).push(header)).toThrow(/unknown obfuscated/);
  });

  it("waits for more bytes when the header is incomplete", () => {
    const framer = new Framer(MAX);
    expect(framer.push(Buffer.from([0x01, 0x00, 0x00]))).toEqual([]);
    expect(framer.transport).toBeUndefined();
  });
});

describe("ByteQueue", () => {
  it("peeks, takes and skips across chunk boundaries", () => {
    const q = new ByteQueue();
    q.push(Buffer.from([1, 2]));
    q.push(Buffer.from([3]));
    q.push(Buffer.from([4, 5, 6]));
    expect(q.length).toBe(6);
    expect(q.byteAt(3)).toBe(4);
    expect(q.peek(4)).toEqual(Buffer.from([1, 2, 3, 4]));
    q.skip(1);
    expect(q.take(3)).toEqual(Buffer.from([2, 3, 4]));
    expect(q.drain()).toEqual(Buffer.from([5, 6]));
    expect(q.length).toBe(0);
  });
});
