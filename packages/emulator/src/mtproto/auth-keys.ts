/**
 * The server's table of authorization keys: created by the handshake or registered by tests,
 * looked up by auth_key_id on every encrypted packet, with each key's server salts.
 */
import { randomBytes } from "node:crypto";
import { sha1 } from "./crypto/hash.js";
import { type FutureSalt, SaltSchedule } from "./salts.js";

/** How long the salt handed out by the handshake stays valid, in seconds. */
const INITIAL_SALT_LIFETIME = 1800;

/** One registered authorization key. */
export interface AuthKeyRecord {
  /** The 256-byte key. */
  readonly key: Buffer;
  /** auth_key_id as it appears on the wire: the lower 64 bits of SHA1(key), 8 bytes. */
  readonly id: Buffer;
  /** `id` as hex: the key's name in the World and in CallContext. */
  readonly idHex: string;
  /** Unix seconds after which a temporary key is forgotten. */
  readonly expiresAt?: number;
  /**
   * The DC whose listener created the key: keys are not shared between DCs, so another DC answers it as
   * an unknown key (core.telegram.org/api/datacenter: a client creates a key per DC, or imports the
   * authorization). Undefined for pre-shared test keys, accepted on every DC.
   */
  readonly dcId?: number;
  /** The salt derived in the handshake and when it stops being accepted (unix seconds). */
  readonly initialSalt?: { salt: bigint; until: number };
  /** The current window's salt, cached. */
  saltCache?: { window: number; salt: bigint };
  /** The API layer the key's client last announced with invokeWithLayer (layers.ts). */
  layer?: number;
}

/** auth_key_id (8 wire bytes) of a key. */
export function authKeyIdOf(key: Buffer): Buffer {
  return sha1(key).subarray(12, 20);
}

/** auth_key_aux_hash: the higher 64 bits of SHA1(key), used in the handshake's new_nonce_hash. */
export function authKeyAuxHash(key: Buffer): Buffer {
  return sha1(key).subarray(0, 8);
}

/** Registered auth keys by id, with their salts. */
export class AuthKeyStore {
  private readonly keys = new Map<string, AuthKeyRecord>();
  private readonly salts: SaltSchedule;

  constructor(
    /** Unix seconds; replaceable in tests. */
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
    secret: Buffer = randomBytes(32),
  ) {
    this.salts = new SaltSchedule(secret);
  }

  /** Registers a 256-byte key; `lifetime` (seconds) makes it temporary. Returns its record. */
  add(key: Buffer, opts: { lifetime?: number; initialSalt?: bigint; dcId?: number } = {}): AuthKeyRecord {
    if (key.length !== 256) throw new RangeError("an auth key is 256 bytes");
    const id = authKeyIdOf(key);
    const now = this.now();
    const record: AuthKeyRecord = {
      key: Buffer.from(key),
      id: Buffer.from(id),
      idHex: id.toString("hex"),
      expiresAt: opts.lifetime !== undefined ? now + opts.lifetime : undefined,
      initialSalt: opts.initialSalt !== undefined ? { salt: opts.initialSalt, until: now + INITIAL_SALT_LIFETIME } : undefined,
      dcId: opts.dcId,
    };
    this.keys.set(record.idHex, record);
    return record;
  }

  /** The live key with this auth_key_id (8 wire bytes), if any; expired temporary keys are dropped. */
  get(id: Buffer): AuthKeyRecord | undefined {
    return this.getHex(id.toString("hex"));
  }

  /** The live key with this hex id, if any. */
  getHex(idHex: string): AuthKeyRecord | undefined {
    const record = this.keys.get(idHex);
    if (record?.expiresAt !== undefined && record.expiresAt <= this.now()) {
      this.keys.delete(idHex);
      return undefined;
    }
    return record;
  }

  /** Whether a key with this auth_key_id is registered (and live). */
  has(id: Buffer): boolean {
    return this.get(id) !== undefined;
  }

  /** The salt the key should use now. */
  currentSalt(record: AuthKeyRecord): bigint {
    const window = this.salts.windowAt(this.now());
    if (record.saltCache?.window !== window) record.saltCache = { window, salt: this.salts.saltFor(record.id, window) };
    return record.saltCache.salt;
  }

  /** Whether a client message with `salt` is accepted for this key now. */
  acceptsSalt(record: AuthKeyRecord, salt: bigint): boolean {
    if (salt === this.currentSalt(record)) return true;
    const now = this.now();
    if (record.initialSalt && record.initialSalt.salt === salt && now < record.initialSalt.until) return true;
    return this.salts.accepts(record.id, salt, now);
  }

  /** Up to 64 future salts for get_future_salts (at least one). */
  futureSalts(record: AuthKeyRecord, count: number): FutureSalt[] {
    return this.salts.future(record.id, this.now(), Math.min(64, Math.max(1, count)));
  }

  /** Unix seconds as the store sees them. */
  unixNow(): number {
    return this.now();
  }
}
