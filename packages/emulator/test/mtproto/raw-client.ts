/**
 * A bare MTProto client written from the documents for tests: it speaks any transport, creates
 * an auth key (RSA_PAD or the older SHA1 padding), and sends encrypted messages with whatever
 * msg_id, seqno and salt a test wants, so the server's checks can be exercised one by one.
 * Its DH and RSA arithmetic is plain bigint, independent of the server's.
 */
import { type Cipher, constants, createCipheriv, createDecipheriv, createHash, type Decipher, publicEncrypt, randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { crc32 } from "node:zlib";
import { IGE } from "telegram/crypto/IGE.js";

export type RawTransport = "abridged" | "intermediate" | "paddedIntermediate" | "full" | "obfuscatedAbridged" | "obfuscatedIntermediate" | "obfuscatedPadded";

const sha1 = (...parts: Buffer[]) => parts.reduce((h, p) => h.update(p), createHash("sha1")).digest();
const sha256 = (...parts: Buffer[]) => parts.reduce((h, p) => h.update(p), createHash("sha256")).digest();
const big = (b: Buffer) => (b.length ? BigInt(`0x${b.toString("hex")}`) : 0n);
function bytes(v: bigint, size = 0): Buffer {
  let hex = v.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const raw = Buffer.from(hex, "hex");
  return size ? Buffer.concat([Buffer.alloc(size - raw.length), raw]) : raw;
}
function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let r = 1n;
  base %= mod;
  while (exp > 0n) {
    if (exp & 1n) r = (r * base) % mod;
    base = (base * base) % mod;
    exp >>= 1n;
  }
  return r;
}
function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}
/** Pollard's rho: a non-trivial factor of n. */
function factor(n: bigint): bigint {
  for (let c = 1n; ; c++) {
    let x = 2n;
    let y = 2n;
    let d = 1n;
    while (d === 1n) {
      x = (x * x + c) % n;
      y = (y * y + c) % n;
      y = (y * y + c) % n;
      d = gcd(x - y, n);
    }
    if (d !== n) return d;
  }
}

/** TL writing for the test client. */
export class W {
  private parts: Buffer[] = [];
  int(v: number) {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.parts.push(b);
    return this;
  }
  uint(v: number) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    this.parts.push(b);
    return this;
  }
  long(v: bigint) {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt.asIntN(64, v));
    this.parts.push(b);
    return this;
  }
  raw(b: Buffer) {
    this.parts.push(b);
    return this;
  }
  bytes(b: Buffer | string) {
    const d = typeof b === "string" ? Buffer.from(b) : b;
    const head = d.length < 254 ? Buffer.from([d.length]) : Buffer.from([254, d.length & 255, (d.length >> 8) & 255, d.length >> 16]);
    const pad = (4 - ((head.length + d.length) % 4)) % 4;
    this.parts.push(head, d, Buffer.alloc(pad));
    return this;
  }
  done() {
    return Buffer.concat(this.parts);
  }
}

/** TL reading for the test client. */
export class R {
  constructor(
    readonly buf: Buffer,
    public pos = 0,
  ) {}
  int() {
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  uint() {
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  long() {
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return v;
  }
  raw(n: number) {
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  bytes() {
    let len = this.buf[this.pos];
    let head = 1;
    if (len === 254) {
      len = this.buf.readUIntLE(this.pos + 1, 3);
      head = 4;
    }
    const v = this.buf.subarray(this.pos + head, this.pos + head + len);
    this.pos += (head + len + 3) & ~3;
    return v;
  }
}

const DH_PRIME = big(
  Buffer.from(
    "c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f642477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b",
    "hex",
  ),
);

/** A message the server sent, with containers already flattened. */
export interface ServerMessage {
  msgId: bigint;
  seqNo: number;
  body: Buffer;
  /** Constructor id of the body. */
  id: number;
}

/** Options of the test client's handshake. */
export interface HandshakeOptions {
  publicKeyPem: string;
  fingerprint: bigint;
  padding?: "rsaPad" | "legacy";
  inner?: "plain" | "dc" | "temp" | "tempDc";
  dc?: number;
  expiresIn?: number;
  /** Replaces the secret exponent b, e.g. a tiny one that puts g_b outside the safe range. */
  b?: bigint;
}

/** The outcome of the test client's handshake. */
export interface HandshakeResult {
  /** dh_gen_ok / dh_gen_retry / dh_gen_fail constructor id, or the transport error code. */
  answer: number;
  authKey: Buffer;
  salt: bigint;
  /** The server's new_nonce_hash matched ours. */
  hashOk: boolean;
}

export const IDS = {
  resPQ: 0x05162463,
  serverDHParamsOk: 0xd0e8075c,
  serverDHInnerData: 0xb5890dba,
  dhGenOk: 0x3bcbf734,
  dhGenRetry: 0x46dc1fb9,
  dhGenFail: 0xa69dae02,
  rpcResult: 0xf35c6d01,
  rpcError: 0x2144ca19,
  msgContainer: 0x73f1f8dc,
  gzipPacked: 0x3072cfa1,
  msgsAck: 0x62d6b459,
  badMsgNotification: 0xa7eff811,
  badServerSalt: 0xedab447b,
  newSessionCreated: 0x9ec20908,
  pong: 0x347773c5,
  futureSalts: 0xae500895,
  msgsStateInfo: 0x04deb57d,
  destroySessionOk: 0xe22045fc,
  destroySessionNone: 0x62d350c9,
  rpcAnswerUnknown: 0x5e2ad36e,
  rpcAnswerDroppedRunning: 0xcd78e586,
} as const;

export class RawClient {
  private readonly socket: Socket;
  private buffer = Buffer.alloc(0);
  private encryptor: Cipher | undefined;
  private decryptor: Decipher | undefined;
  private sendSeq = 0;
  private readonly packets: Buffer[] = [];
  private readonly waiters: ((p: Buffer | undefined) => void)[] = [];
  private readonly messages: ServerMessage[] = [];
  /** Quick ack tokens received (abridged ones byte-swapped back). */
  readonly quickAcks: number[] = [];
  /** SHA256(auth key part + plaintext) of the last encrypted message sent: the quick ack token source. */
  lastMsgKeyLarge: Buffer | undefined;
  /** Resolves when the server closes the connection. */
  readonly closed: Promise<void>;
  isClosed = false;

  authKey: Buffer | undefined;
  authKeyId: Buffer | undefined;
  sessionId = randomBytes(8).readBigInt64LE(0);
  salt = 0n;
  private lastMsgId = 0n;
  private contentSent = 0;

  private constructor(
    socket: Socket,
    readonly transport: RawTransport,
  ) {
    this.socket = socket;
    this.closed = new Promise((resolve) => {
      socket.on("close", () => {
        this.isClosed = true;
        for (const w of this.waiters.splice(0)) w(undefined);
        resolve();
      });
    });
    socket.on("error", () => {});
    socket.on("data", (chunk: Buffer) => this.onData(this.decryptor ? this.decryptor.update(chunk) : chunk));
  }

  /** Opens a connection and sends the transport's header. */
  static async open(port: number, transport: RawTransport = "intermediate"): Promise<RawClient> {
    const socket = connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    socket.setNoDelay(true);
    const client = new RawClient(socket, transport);
    client.writeHeader();
    return client;
  }

  private writeHeader(): void {
    const tags: Record<RawTransport, number | undefined> = {
      abridged: undefined,
      intermediate: 0xeeeeeeee,
      paddedIntermediate: 0xdddddddd,
      full: undefined,
      obfuscatedAbridged: 0xefefefef,
      obfuscatedIntermediate: 0xeeeeeeee,
      obfuscatedPadded: 0xdddddddd,
    };
    if (this.transport === "abridged") return void this.socket.write(Buffer.from([0xef]));
    if (this.transport === "full") return;
    if (!this.transport.startsWith("obfuscated")) {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(tags[this.transport]!);
      return void this.socket.write(b);
    }
    let init: Buffer;
    do init = randomBytes(64);
    while (init[0] === 0xef || init.readUInt32LE(4) === 0 || [0xeeeeeeee, 0xdddddddd, 0x54534f50, 0x20544547].includes(init.readUInt32LE(0)));
    init.writeUInt32LE(tags[this.transport]!, 56);
    const rev = Buffer.from(init.subarray(8, 56)).reverse();
    this.encryptor = createCipheriv("aes-256-ctr", init.subarray(8, 40), init.subarray(40, 56));
    this.decryptor = createDecipheriv("aes-256-ctr", rev.subarray(0, 32), rev.subarray(32, 48));
    const encrypted = this.encryptor.update(init);
    encrypted.copy(init, 56, 56, 64);
    this.socket.write(init);
  }

  private get inner(): "abridged" | "intermediate" | "padded" | "full" {
    if (this.transport === "abridged" || this.transport === "obfuscatedAbridged") return "abridged";
    if (this.transport === "full") return "full";
    if (this.transport === "paddedIntermediate" || this.transport === "obfuscatedPadded") return "padded";
    return "intermediate";
  }

  /** Frames and sends a payload; `quickAck` sets the transport's quick ack bit. */
  sendPacket(payload: Buffer, quickAck = false): void {
    let framed: Buffer;
    const kind = this.inner;
    if (kind === "abridged") {
      const words = payload.length >> 2;
      const head =
        words < 127 ? Buffer.from([words | (quickAck ? 0x80 : 0)]) : Buffer.from([quickAck ? 0xff : 0x7f, words & 255, (words >> 8) & 255, words >> 16]);
      framed = Buffer.concat([head, payload]);
    } else if (kind === "full") {
      const head = Buffer.alloc(8);
      head.writeUInt32LE(payload.length + 12);
      head.writeInt32LE(this.sendSeq++, 4);
      const body = Buffer.concat([head, payload]);
      const crc = Buffer.alloc(4);
      crc.writeUInt32LE(crc32(body));
      framed = Buffer.concat([body, crc]);
    } else {
      const padding = kind === "padded" ? randomBytes(payload.length % 7) : Buffer.alloc(0);
      const head = Buffer.alloc(4);
      head.writeUInt32LE(((payload.length + padding.length) | (quickAck ? 0x80000000 : 0)) >>> 0);
      framed = Buffer.concat([head, payload, padding]);
    }
    this.writeRaw(framed);
  }

  /** Writes bytes as they are (after obfuscation, if any). */
  writeRaw(bytes: Buffer): void {
    if (!this.isClosed) this.socket.write(this.encryptor ? this.encryptor.update(bytes) : bytes);
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const kind = this.inner;
      let header: number;
      let length: number;
      if (kind === "abridged") {
        if (this.buffer.length < 1) return;
        if (this.buffer[0] & 0x80) {
          if (this.buffer.length < 4) return;
          this.quickAcks.push(this.buffer.readUInt32BE(0));
          this.buffer = this.buffer.subarray(4);
          continue;
        }
        if (this.buffer[0] === 0x7f) {
          if (this.buffer.length < 4) return;
          header = 4;
          length = this.buffer.readUIntLE(1, 3) * 4;
        } else {
          header = 1;
          length = this.buffer[0] * 4;
        }
      } else {
        if (this.buffer.length < 4) return;
        const v = this.buffer.readUInt32LE(0);
        if (kind !== "full" && v & 0x80000000) {
          this.quickAcks.push(v);
          this.buffer = this.buffer.subarray(4);
          continue;
        }
        header = kind === "full" ? 8 : 4;
        length = kind === "full" ? v - 12 : v;
      }
      const total = header + length + (kind === "full" ? 4 : 0);
      if (this.buffer.length < total) return;
      let payload = this.buffer.subarray(header, header + length);
      if (kind === "padded" && payload.length % 4 !== 0) payload = payload.subarray(0, payload.length - (payload.length % 4));
      this.buffer = this.buffer.subarray(total);
      const w = this.waiters.shift();
      if (w) w(Buffer.from(payload));
      else this.packets.push(Buffer.from(payload));
    }
  }

  /** The next packet from the server; undefined once the connection is closed. */
  nextPacket(): Promise<Buffer | undefined> {
    const p = this.packets.shift();
    if (p) return Promise.resolve(p);
    if (this.isClosed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Closes the client side. */
  close(): void {
    this.socket.destroy();
  }

  // ---- plain messages and the handshake ----

  /** Sends a plain (unencrypted) message. */
  sendPlain(body: Buffer): void {
    this.sendPacket(new W().long(0n).long(this.newMsgId()).int(body.length).raw(body).done());
  }

  /** The body of the next plain message, or the negative transport error code as a number. */
  async recvPlain(): Promise<Buffer | number> {
    const p = await this.nextPacket();
    if (!p) throw new Error("connection closed");
    if (p.length === 4) return p.readInt32LE(0);
    const len = p.readInt32LE(16);
    return p.subarray(20, 20 + len);
  }

  /** Runs auth key creation; on dh_gen_ok the key and salt are kept for encrypted messages. */
  async handshake(opts: HandshakeOptions): Promise<HandshakeResult> {
    const nonce = randomBytes(16);
    this.sendPlain(new W().uint(0xbe7e8ef1).raw(nonce).done());
    const resPq = await this.recvPlain();
    if (typeof resPq === "number") throw new Error(`transport error ${resPq}`);
    const r = new R(resPq);
    if (r.uint() !== IDS.resPQ || !r.raw(16).equals(nonce)) throw new Error("bad resPQ");
    const serverNonce = Buffer.from(r.raw(16));
    const pq = big(r.bytes());
    r.uint();
    const count = r.int();
    const fingerprints = Array.from({ length: count }, () => r.long());
    if (!fingerprints.includes(opts.fingerprint)) throw new Error("fingerprint not offered");
    const f = factor(pq);
    const [p, q] = f < pq / f ? [f, pq / f] : [pq / f, f];
    const newNonce = randomBytes(32);
    const inner = opts.inner ?? "dc";
    const ids = { plain: 0x83c95aec, dc: 0xa9f55f95, temp: 0x3c6a84d4, tempDc: 0x56fddf88 };
    const w = new W().uint(ids[inner]).bytes(bytes(pq)).bytes(bytes(p)).bytes(bytes(q)).raw(nonce).raw(serverNonce).raw(newNonce);
    if (inner === "dc" || inner === "tempDc") w.int(opts.dc ?? 2);
    if (inner === "temp" || inner === "tempDc") w.int(opts.expiresIn ?? 3600);
    const data = w.done();
    const encrypted = (opts.padding ?? "rsaPad") === "rsaPad" ? rsaPad(data, opts.publicKeyPem) : legacyPad(data, opts.publicKeyPem);
    this.sendPlain(new W().uint(0xd712e4be).raw(nonce).raw(serverNonce).bytes(bytes(p)).bytes(bytes(q)).long(opts.fingerprint).bytes(encrypted).done());
    const dhParams = await this.recvPlain();
    if (typeof dhParams === "number") return { answer: dhParams, authKey: Buffer.alloc(0), salt: 0n, hashOk: false };
    const dr = new R(dhParams);
    if (dr.uint() !== IDS.serverDHParamsOk) throw new Error("expected server_DH_params_ok");
    dr.raw(32);
    const encAnswer = dr.bytes();
    const { key, iv } = tmpKeys(newNonce, serverNonce);
    const answer = new IGE(key, iv).decryptIge(encAnswer);
    const ar = new R(answer, 20);
    if (ar.uint() !== IDS.serverDHInnerData) throw new Error("expected server_DH_inner_data");
    ar.raw(32);
    const g = BigInt(ar.int());
    const dhPrime = big(ar.bytes());
    const gA = big(ar.bytes());
    ar.int();
    if (!sha1(answer.subarray(20, ar.pos)).equals(answer.subarray(0, 20))) throw new Error("answer hash mismatch");
    if (dhPrime !== DH_PRIME || g !== 3n) throw new Error("unexpected DH group");
    const b = opts.b ?? big(randomBytes(256));
    const gB = modPow(g, b, dhPrime);
    const authKey = bytes(modPow(gA, b, dhPrime), 256);
    const clientInner = new W().uint(0x6643b654).raw(nonce).raw(serverNonce).long(0n).bytes(bytes(gB)).done();
    let withHash = Buffer.concat([sha1(clientInner), clientInner]);
    withHash = Buffer.concat([withHash, randomBytes((16 - (withHash.length % 16)) % 16)]);
    this.sendPlain(new W().uint(0xf5045f1f).raw(nonce).raw(serverNonce).bytes(new IGE(key, iv).encryptIge(withHash)).done());
    const gen = await this.recvPlain();
    if (typeof gen === "number") return { answer: gen, authKey, salt: 0n, hashOk: false };
    const gr = new R(gen);
    const answerId = gr.uint();
    gr.raw(32);
    const hash = gr.raw(16);
    const n = answerId === IDS.dhGenOk ? 1 : answerId === IDS.dhGenRetry ? 2 : 3;
    const expected = sha1(newNonce, Buffer.from([n]), sha1(authKey).subarray(0, 8)).subarray(4, 20);
    const salt = Buffer.from(newNonce.subarray(0, 8).map((x, i) => x ^ serverNonce[i])).readBigInt64LE(0);
    if (answerId === IDS.dhGenOk) this.useKey(authKey, salt);
    return { answer: answerId, authKey, salt, hashOk: expected.equals(hash) };
  }

  // ---- encrypted messages ----

  /** Uses `authKey` (and optionally a salt) for encrypted messages. */
  useKey(authKey: Buffer, salt = 0n): void {
    this.authKey = authKey;
    this.authKeyId = sha1(authKey).subarray(12, 20);
    this.salt = salt;
  }

  /** A fresh client msg_id: time-based, divisible by 4, increasing; or a one-off id shifted in time. */
  newMsgId(offsetSeconds = 0): bigint {
    let id = ((BigInt(Date.now() + offsetSeconds * 1000) << 32n) / 1000n) & ~3n;
    if (offsetSeconds !== 0) return id;
    if (id <= this.lastMsgId) id = this.lastMsgId + 4n;
    this.lastMsgId = id;
    return id;
  }

  /** The seqno the next message gets. */
  seqNo(contentRelated: boolean): number {
    return contentRelated ? this.contentSent++ * 2 + 1 : this.contentSent * 2;
  }

  /** Encrypts and sends one message; returns its msg_id. */
  send(body: Buffer, opts: { msgId?: bigint; seqNo?: number; contentRelated?: boolean; salt?: bigint; sessionId?: bigint; quickAck?: boolean } = {}): bigint {
    const msgId = opts.msgId ?? this.newMsgId();
    const seqNo = opts.seqNo ?? this.seqNo(opts.contentRelated ?? true);
    this.sendPacket(this.encrypt(body, msgId, seqNo, opts.salt ?? this.salt, opts.sessionId ?? this.sessionId), opts.quickAck);
    return msgId;
  }

  /** A packet with one encrypted message (x = 0). */
  encrypt(body: Buffer, msgId: bigint, seqNo: number, salt: bigint, sessionId: bigint): Buffer {
    const key = this.authKey!;
    const header = new W().long(salt).long(sessionId).long(msgId).int(seqNo).int(body.length).done();
    const unpadded = Buffer.concat([header, body]);
    const plain = Buffer.concat([unpadded, randomBytes(12 + ((16 - ((unpadded.length + 12) % 16)) % 16))]);
    this.lastMsgKeyLarge = sha256(key.subarray(88, 120), plain);
    const msgKey = this.lastMsgKeyLarge.subarray(8, 24);
    const { aesKey, aesIv } = messageKeys(key, msgKey, 0);
    return Buffer.concat([this.authKeyId!, msgKey, new IGE(aesKey, aesIv).encryptIge(plain)]);
  }

  /** The next server message (containers flattened); undefined once closed. Checks msg_key and session. */
  async recv(): Promise<ServerMessage | undefined> {
    while (this.messages.length === 0) {
      const p = await this.nextPacket();
      if (!p) return undefined;
      if (p.length === 4) throw new Error(`transport error ${p.readInt32LE(0)}`);
      const key = this.authKey!;
      const msgKey = p.subarray(8, 24);
      const { aesKey, aesIv } = messageKeys(key, msgKey, 8);
      const plain = new IGE(aesKey, aesIv).decryptIge(p.subarray(24));
      if (!sha256(key.subarray(96, 128), plain).subarray(8, 24).equals(msgKey)) throw new Error("server msg_key mismatch");
      if (plain.readBigInt64LE(8) !== this.sessionId) throw new Error("server used another session_id");
      const msgId = plain.readBigInt64LE(16);
      const seqNo = plain.readInt32LE(24);
      const body = plain.subarray(32, 32 + plain.readInt32LE(28));
      this.push({ msgId, seqNo, body, id: body.readUInt32LE(0) });
    }
    return this.messages.shift();
  }

  private push(m: ServerMessage): void {
    if (m.id !== IDS.msgContainer) return void this.messages.push(m);
    const r = new R(m.body, 4);
    const n = r.int();
    for (let i = 0; i < n; i++) {
      const msgId = r.long();
      const seqNo = r.int();
      const body = Buffer.from(r.raw(r.int()));
      this.messages.push({ msgId, seqNo, body, id: body.readUInt32LE(0) });
    }
  }

  /** Server messages until one matches `pred` (acks and others are skipped). */
  async recvUntil(pred: (m: ServerMessage) => boolean): Promise<ServerMessage> {
    for (;;) {
      const m = await this.recv();
      if (!m) throw new Error("connection closed before the expected message");
      if (pred(m)) return m;
    }
  }

  /** Sends a request and returns the rpc_result body answering it. */
  async call(body: Buffer): Promise<Buffer> {
    const msgId = this.send(body);
    const m = await this.recvUntil((x) => x.id === IDS.rpcResult && x.body.readBigInt64LE(4) === msgId);
    return m.body.subarray(12);
  }

  /** Carries on `other`'s session (same session_id, salt, msg_id and seqno counters) on this connection. */
  resume(other: RawClient): void {
    this.useKey(other.authKey!, other.salt);
    this.sessionId = other.sessionId;
    this.lastMsgId = other.lastMsgId;
    this.contentSent = other.contentSent;
  }

  /** Pings until the server accepts the salt (taking it from bad_server_salt when needed). */
  async establishSession(): Promise<void> {
    for (;;) {
      this.send(new W().uint(0x7abe77ec).long(42n).done());
      const m = await this.recvUntil((x) => x.id === IDS.badServerSalt || x.id === IDS.pong);
      if (m.id === IDS.pong) return;
      this.salt = m.body.readBigInt64LE(20);
    }
  }
}

function messageKeys(authKey: Buffer, msgKey: Buffer, x: number): { aesKey: Buffer; aesIv: Buffer } {
  const a = sha256(msgKey, authKey.subarray(x, x + 36));
  const b = sha256(authKey.subarray(40 + x, 76 + x), msgKey);
  return {
    aesKey: Buffer.concat([a.subarray(0, 8), b.subarray(8, 24), a.subarray(24, 32)]),
    aesIv: Buffer.concat([b.subarray(0, 8), a.subarray(8, 24), b.subarray(24, 32)]),
  };
}

function tmpKeys(newNonce: Buffer, serverNonce: Buffer): { key: Buffer; iv: Buffer } {
  const ns = sha1(newNonce, serverNonce);
  const sn = sha1(serverNonce, newNonce);
  return {
    key: Buffer.concat([ns, sn.subarray(0, 12)]),
    iv: Buffer.concat([sn.subarray(12, 20), sha1(newNonce, newNonce), newNonce.subarray(0, 4)]),
  };
}

function rsaRaw(block: Buffer, pem: string): Buffer {
  return publicEncrypt({ key: pem, padding: constants.RSA_NO_PADDING }, block);
}

/** RSA_PAD as https://core.telegram.org/mtproto/auth_key describes it (step 4.1). */
export function rsaPad(data: Buffer, pem: string, modulus?: bigint): Buffer {
  const withPadding = Buffer.concat([data, randomBytes(192 - data.length)]);
  const reversed = Buffer.from(withPadding).reverse();
  for (;;) {
    const tempKey = randomBytes(32);
    const withHash = Buffer.concat([reversed, sha256(tempKey, withPadding)]);
    const aes = new IGE(tempKey, Buffer.alloc(32)).encryptIge(withHash);
    const h = sha256(aes);
    const keyXor = Buffer.from(tempKey.map((x, i) => x ^ h[i]));
    const block = Buffer.concat([keyXor, aes]);
    if (modulus !== undefined && big(block) >= modulus) continue;
    try {
      return rsaRaw(block, pem);
    } catch {
      // The block was not below the modulus; draw another temp_key.
    }
  }
}

/** The older wrapping: SHA1(data) + data + random bytes to 255, as a 256-byte number. */
export function legacyPad(data: Buffer, pem: string): Buffer {
  const block = Buffer.concat([Buffer.alloc(1), sha1(data), data, randomBytes(235 - data.length)]);
  return rsaRaw(block, pem);
}
