/**
 * TL primitives (https://core.telegram.org/mtproto/serialize): a bounds-checked reader and a growing
 * writer of ints, longs, bytes and strings. The MTProto layer reads and writes its envelopes, service
 * messages and handshake constructors with them byte by byte; serialize.ts writes API objects with them.
 */

/** Thrown when a TL read runs past the end of its buffer or meets an impossible value. */
export class TlReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TlReadError";
  }
}

/** Reads little-endian TL primitives from a buffer, never past `end`. */
export class TlReader {
  offset: number;

  constructor(
    readonly buf: Buffer,
    offset = 0,
    readonly end = buf.length,
  ) {
    this.offset = offset;
  }

  /** Bytes left before `end`. */
  get remaining(): number {
    return this.end - this.offset;
  }

  private need(n: number): void {
    if (n < 0 || this.offset + n > this.end) throw new TlReadError(`TL read past end (${n} at ${this.offset}/${this.end})`);
  }

  /** A signed 32-bit int. */
  int(): number {
    this.need(4);
    const v = this.buf.readInt32LE(this.offset);
    this.offset += 4;
    return v;
  }

  /** An unsigned 32-bit int (constructor ids). */
  uint(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.offset);
    this.offset += 4;
    return v;
  }

  /** A signed 64-bit long. */
  long(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64LE(this.offset);
    this.offset += 8;
    return v;
  }

  /** `n` raw bytes (int128 = 16, int256 = 32), as a view into the buffer. */
  raw(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  /** A TL `bytes`/`string`: length prefix, data, padding to 4. Returns a view. */
  bytes(): Buffer {
    this.need(1);
    let len = this.buf[this.offset];
    let header = 1;
    if (len === 254) {
      this.need(4);
      len = this.buf.readUIntLE(this.offset + 1, 3);
      header = 4;
    } else if (len === 255) {
      throw new TlReadError("invalid TL bytes length prefix 255");
    }
    const total = (header + len + 3) & ~3;
    this.need(total);
    const v = this.buf.subarray(this.offset + header, this.offset + header + len);
    this.offset += total;
    return v;
  }

  /** A boxed Vector<long>, at most `max` items. */
  longVector(max: number): bigint[] {
    if (this.uint() !== VECTOR) throw new TlReadError("expected Vector");
    const n = this.int();
    if (n < 0 || n > max || n * 8 > this.remaining) throw new TlReadError(`bad vector length ${n}`);
    const out: bigint[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.long();
    return out;
  }
}

/** Builds a TL byte string in a growing buffer. */
export class TlWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 64) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A signed 32-bit int. */
  int(v: number): this {
    this.ensure(4);
    this.buf.writeInt32LE(v, this.pos);
    this.pos += 4;
    return this;
  }

  /** An unsigned 32-bit int (constructor ids). */
  uint(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  /** A signed 64-bit long. */
  long(v: bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64LE(BigInt.asIntN(64, v), this.pos);
    this.pos += 8;
    return this;
  }

  /** Raw bytes as they are (int128, int256, nested serialized objects). */
  raw(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** A TL `bytes`/`string` with its length prefix and padding. */
  bytes(b: Uint8Array | string): this {
    const data = typeof b === "string" ? Buffer.from(b, "utf8") : b;
    const len = data.length;
    const header = len < 254 ? 1 : 4;
    const total = (header + len + 3) & ~3;
    this.ensure(total);
    if (header === 1) this.buf[this.pos] = len;
    else {
      this.buf[this.pos] = 254;
      this.buf.writeUIntLE(len, this.pos + 1, 3);
    }
    this.buf.set(data, this.pos + header);
    this.buf.fill(0, this.pos + header + len, this.pos + total);
    this.pos += total;
    return this;
  }

  /** A boxed Vector<long>. */
  longVector(values: readonly bigint[]): this {
    this.uint(VECTOR).int(values.length);
    for (const v of values) this.long(v);
    return this;
  }

  /** The bytes written so far (a copy-free view of the internal buffer). */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

/** The boxed Vector constructor. */
export const VECTOR = 0x1cb5c415;

/** A TL `bytes` value on its own: length prefix, data, padding. */
export function tlBytes(data: Uint8Array): Buffer {
  return new TlWriter(data.length + 8).bytes(data).finish();
}
