/**
 * The server side of auth key creation (https://core.telegram.org/mtproto/auth_key): one run of
 * the protocol per connection, driven by the plain messages req_pq(_multi), req_DH_params and
 * set_client_DH_params, with the checks the documents require of each step.
 */
import { generatePrimeSync, randomBytes } from "node:crypto";
import { TlReadError, TlReader, TlWriter } from "../tl/primitives.js";
import { type AuthKeyStore, authKeyAuxHash, authKeyIdOf } from "./auth-keys.js";
import { DH_G, DH_PRIME, generateServerSecret, inSafeRange, sharedSecret, sharedSecretUnchecked } from "./crypto/dh.js";
import { bigFromBytes, bytesFromBig, sha1, xorBytes } from "./crypto/hash.js";
import { igeDecrypt, igeEncrypt } from "./crypto/ige.js";
import { legacyDecode, type RsaServerKey, rsaPadDecode } from "./crypto/rsa.js";
import { ID } from "./tl-ids.js";

/** What the connection does with a plain message: send a reply, send a transport error, or close. */
export type HandshakeOutcome = { kind: "reply"; body: Buffer } | { kind: "transportError"; code: number } | { kind: "close" };

/** What the handshake needs from the server. */
export interface HandshakeDeps {
  rsa: RsaServerKey;
  keys: AuthKeyStore;
  /** The DC this server plays; p_q_inner_data_dc must name it. */
  dcId: () => number;
}

/** -404: the query was incorrect; the client must restart the handshake. */
const INCORRECT = { kind: "transportError", code: 404 } as const;
/** -444: p_q_inner_data_dc named another DC. */
const WRONG_DC = { kind: "transportError", code: 444 } as const;

interface PqStage {
  step: "pq";
  nonce: Buffer;
  serverNonce: Buffer;
  pq: bigint;
  p: bigint;
  q: bigint;
}

interface DhStage extends Omit<PqStage, "step"> {
  step: "dh";
  newNonce: Buffer;
  a: Buffer;
  tmpKey: Buffer;
  tmpIv: Buffer;
  /** Seconds a temporary key lives (p_q_inner_data_temp*), undefined for a permanent key. */
  expiresIn: number | undefined;
  /** retry_id the next set_client_DH_params must carry: 0, or the aux hash of the retried key. */
  retryId: Buffer;
}

interface Cached {
  request: Buffer;
  reply: Buffer;
}

/** One connection's run of the auth key protocol. */
export class Handshake {
  private stage: PqStage | DhStage | undefined;
  /** After an incorrect query every continuation answers -404 until a new req_pq. */
  private failed = false;
  /** The last request and its reply: an identical repeat gets the same reply, as the protocol asks. */
  private last: Cached | undefined;

  constructor(private readonly deps: HandshakeDeps) {}

  /** Handles one plain message's body. */
  handle(body: Buffer): HandshakeOutcome {
    if (this.last?.request.equals(body)) return { kind: "reply", body: this.last.reply };
    if (body.length < 4) return { kind: "close" };
    const id = body.readUInt32LE(0);
    let outcome: HandshakeOutcome;
    try {
      if (id === ID.reqPq || id === ID.reqPqMulti) outcome = this.reqPq(new TlReader(body, 4));
      else if (id === ID.reqDHParams) outcome = this.failed ? INCORRECT : this.reqDhParams(new TlReader(body, 4));
      else if (id === ID.setClientDHParams) outcome = this.failed ? INCORRECT : this.setClientDhParams(new TlReader(body, 4));
      else return { kind: "close" };
    } catch (e) {
      if (!(e instanceof TlReadError)) throw e;
      outcome = INCORRECT;
    }
    if (outcome.kind === "reply") this.last = { request: Buffer.from(body), reply: outcome.body };
    else this.failed = true;
    return outcome;
  }

  private reqPq(r: TlReader): HandshakeOutcome {
    const nonce = Buffer.from(r.raw(16));
    const p = generatePrimeSync(31, { bigint: true });
    let q = generatePrimeSync(31, { bigint: true });
    while (q === p) q = generatePrimeSync(31, { bigint: true });
    const [lo, hi] = p < q ? [p, q] : [q, p];
    this.stage = { step: "pq", nonce, serverNonce: randomBytes(16), pq: lo * hi, p: lo, q: hi };
    this.failed = false;
    const reply = new TlWriter(64)
      .uint(ID.resPQ)
      .raw(nonce)
      .raw(this.stage.serverNonce)
      .bytes(bytesFromBig(this.stage.pq))
      .longVector([this.deps.rsa.fingerprint])
      .finish();
    return { kind: "reply", body: Buffer.from(reply) };
  }

  private reqDhParams(r: TlReader): HandshakeOutcome {
    const stage = this.stage;
    const nonce = r.raw(16);
    const serverNonce = r.raw(16);
    const p = bigFromBytes(r.bytes());
    const q = bigFromBytes(r.bytes());
    const fingerprint = r.long();
    const encrypted = r.bytes();
    if (stage?.step !== "pq" || !stage.nonce.equals(nonce) || !stage.serverNonce.equals(serverNonce)) return INCORRECT;
    if (p !== stage.p || q !== stage.q || fingerprint !== this.deps.rsa.fingerprint) return INCORRECT;
    const block = this.deps.rsa.decryptRaw(encrypted);
    if (!block) return INCORRECT;
    const data = rsaPadDecode(block) ?? legacyDecode(block, measureInnerData);
    if (!data) return INCORRECT;
    const inner = parseInnerData(new TlReader(data));
    if (!inner || inner.pq !== stage.pq || inner.p !== stage.p || inner.q !== stage.q) return INCORRECT;
    if (!inner.nonce.equals(stage.nonce) || !inner.serverNonce.equals(stage.serverNonce)) return INCORRECT;
    if (inner.dc !== undefined && Math.abs(inner.dc) % 10000 !== this.deps.dcId()) return WRONG_DC;
    if (inner.expiresIn !== undefined && inner.expiresIn <= 0) return INCORRECT;

    const newNonce = Buffer.from(inner.newNonce);
    const { a, gA } = generateServerSecret();
    const answer = new TlWriter(600)
      .uint(ID.serverDHInnerData)
      .raw(stage.nonce)
      .raw(stage.serverNonce)
      .int(DH_G)
      .bytes(DH_PRIME)
      .bytes(gA)
      .int(this.deps.keys.unixNow())
      .finish();
    const withHash = padTo16(Buffer.concat([sha1(answer), answer]));
    const { key, iv } = tmpAesKeys(newNonce, stage.serverNonce);
    this.stage = { ...stage, step: "dh", newNonce, a, tmpKey: key, tmpIv: iv, expiresIn: inner.expiresIn, retryId: Buffer.alloc(8) };
    const reply = new TlWriter(700)
      .uint(ID.serverDHParamsOk)
      .raw(stage.nonce)
      .raw(stage.serverNonce)
      .bytes(igeEncrypt(withHash, key, iv))
      .finish();
    return { kind: "reply", body: Buffer.from(reply) };
  }

  private setClientDhParams(r: TlReader): HandshakeOutcome {
    const stage = this.stage;
    const nonce = r.raw(16);
    const serverNonce = r.raw(16);
    const encrypted = r.bytes();
    if (stage?.step !== "dh" || !stage.nonce.equals(nonce) || !stage.serverNonce.equals(serverNonce)) return INCORRECT;
    if (encrypted.length === 0 || encrypted.length % 16 !== 0) return INCORRECT;
    const plain = igeDecrypt(encrypted, stage.tmpKey, stage.tmpIv);
    const ir = new TlReader(plain, 20);
    if (ir.uint() !== ID.clientDHInnerData) return INCORRECT;
    const innerNonce = ir.raw(16);
    const innerServerNonce = ir.raw(16);
    const retryId = ir.raw(8);
    const gBBytes = ir.bytes();
    const padding = plain.length - ir.offset;
    if (padding > 15 || !sha1(plain.subarray(20, ir.offset)).equals(plain.subarray(0, 20))) return INCORRECT;
    if (!innerNonce.equals(stage.nonce) || !innerServerNonce.equals(stage.serverNonce) || !retryId.equals(stage.retryId)) {
      return INCORRECT;
    }
    const gB = bigFromBytes(gBBytes);
    if (gB >= bigFromBytes(DH_PRIME)) return INCORRECT;

    if (!inSafeRange(gB)) {
      this.stage = undefined;
      return this.dhGen(ID.dhGenFail, 3, stage, sharedSecretUnchecked(stage.a, gB));
    }
    const authKey = sharedSecret(stage.a, bytesFromBig(gB, 256));
    if (this.deps.keys.has(authKeyIdOf(authKey))) {
      this.stage = { ...stage, retryId: Buffer.from(authKeyAuxHash(authKey)) };
      return this.dhGen(ID.dhGenRetry, 2, stage, authKey);
    }
    const salt = xorBytes(stage.newNonce.subarray(0, 8), stage.serverNonce.subarray(0, 8)).readBigInt64LE(0);
    this.deps.keys.add(authKey, { lifetime: stage.expiresIn, initialSalt: salt, dcId: this.deps.dcId() });
    this.stage = undefined;
    return this.dhGen(ID.dhGenOk, 1, stage, authKey);
  }

  /** dh_gen_ok / retry / fail with new_nonce_hashN = lower 128 bits of SHA1(new_nonce + N + auth_key_aux_hash). */
  private dhGen(answerId: number, n: number, stage: DhStage, authKey: Buffer): HandshakeOutcome {
    const hash = sha1(stage.newNonce, Buffer.from([n]), authKeyAuxHash(authKey)).subarray(4, 20);
    const reply = new TlWriter(52).uint(answerId).raw(stage.nonce).raw(stage.serverNonce).raw(hash).finish();
    return { kind: "reply", body: Buffer.from(reply) };
  }
}

interface InnerData {
  pq: bigint;
  p: bigint;
  q: bigint;
  nonce: Buffer;
  serverNonce: Buffer;
  newNonce: Buffer;
  dc?: number;
  expiresIn?: number;
}

/** Parses any of the four p_q_inner_data constructors; undefined if it is none of them or is cut short. */
function parseInnerData(r: TlReader): InnerData | undefined {
  try {
    const id = r.uint();
    const hasDc = id === ID.pqInnerDataDc || id === ID.pqInnerDataTempDc;
    const isTemp = id === ID.pqInnerDataTemp || id === ID.pqInnerDataTempDc;
    if (!hasDc && !isTemp && id !== ID.pqInnerData) return undefined;
    const inner: InnerData = {
      pq: bigFromBytes(r.bytes()),
      p: bigFromBytes(r.bytes()),
      q: bigFromBytes(r.bytes()),
      nonce: r.raw(16),
      serverNonce: r.raw(16),
      newNonce: r.raw(32),
    };
    if (hasDc) inner.dc = r.int();
    if (isTemp) inner.expiresIn = r.int();
    return inner;
  } catch (e) {
    if (e instanceof TlReadError) return undefined;
    throw e;
  }
}

/** How many bytes of p_q_inner_data* `data` starts with, for the legacy SHA1 check. */
function measureInnerData(data: Buffer): number | undefined {
  const r = new TlReader(data);
  return parseInnerData(r) ? r.offset : undefined;
}

/** tmp_aes_key and tmp_aes_iv from new_nonce and server_nonce. */
function tmpAesKeys(newNonce: Buffer, serverNonce: Buffer): { key: Buffer; iv: Buffer } {
  const ns = sha1(newNonce, serverNonce);
  const sn = sha1(serverNonce, newNonce);
  const nn = sha1(newNonce, newNonce);
  return {
    key: Buffer.concat([ns, sn.subarray(0, 12)]),
    iv: Buffer.concat([sn.subarray(12, 20), nn, newNonce.subarray(0, 4)]),
  };
}

/** Appends 0-15 random bytes so the length is a multiple of 16. */
function padTo16(b: Buffer): Buffer {
  const pad = (16 - (b.length % 16)) % 16;
  return pad ? Buffer.concat([b, randomBytes(pad)]) : b;
}
