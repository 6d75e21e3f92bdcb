/**
 * The server side of Telegram's 2FA password check (https://core.telegram.org/api/srp):
 * the verifier kept instead of the password, the srp_B challenge, and the check of the client's M1.
 * Algorithm passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow, g = 3 and Telegram's
 * 2048-bit prime.
 */
import { createHash, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";

/** A 2FA password as the server keeps it: SRP salts and the verifier v = g^x mod p, never the password. */
export interface PasswordRecord {
  salt1: Buffer;
  salt2: Buffer;
  /** The SRP verifier g^x mod p, 256 bytes big-endian. */
  verifier: Buffer;
  hint?: string;
  /** Changes whenever the password changes, as srp_id does on Telegram. */
  srpId: bigint;
  /** The srp_B challenge, made on first use (challengeFor) and kept while the password lasts. */
  challenge?: SrpChallenge;
}

/** The server's ephemeral pair for one password: secret b and public B = k·v + g^b mod p. */
export interface SrpChallenge {
  b: bigint;
  /** srp_B, 256 bytes. */
  B: Buffer;
}

/** Salts and verifier by the password's SHA-256 (hex); one per world, bounded. */
export type VerifierCache = Map<string, { salt1: Buffer; salt2: Buffer; verifier: Buffer }>;

/** Telegram's 2048-bit safe prime for SRP (the same p as the MTProto DH exchange). */
export const SRP_PRIME = Buffer.from(
  "c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4db" +
    "fa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f64" +
    "2477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b41" +
    "0dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4" +
    "e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf" +
    "6f4fadf034b10403119cd8e3b92fcc5b",
  "hex",
);
/** The SRP generator Telegram uses. */
export const SRP_G = 3;

const P = toBig(SRP_PRIME);
const G = BigInt(SRP_G);

function sha256(...parts: Buffer[]): Buffer {
  const h = createHash("sha256");
  for (const part of parts) h.update(part);
  return h.digest();
}

function toBig(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString("hex")}`);
}

/** A number as 256 big-endian bytes, the width every SRP hash input uses. */
function pad256(n: bigint): Buffer {
  return Buffer.from(n.toString(16).padStart(512, "0"), "hex");
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

/** x = PH2(password, salt1, salt2) of the SRP page: salted SHA-256, PBKDF2-HMAC-SHA512 ×100000, SHA-256. */
function passwordHash(password: string, salt1: Buffer, salt2: Buffer): Buffer {
  const sh = (data: Buffer, salt: Buffer) => sha256(salt, data, salt);
  const ph1 = sh(sh(Buffer.from(password, "utf8"), salt1), salt2);
  return sh(pbkdf2Sync(ph1, salt1, 100_000, 64, "sha512"), salt2);
}

const VERIFIER_CACHE_SIZE = 64;

/**
 * The record kept for a new 2FA password: fresh salts and v = g^x mod p. Passwords repeat across
 * seeded accounts, so salts and verifier are reused per password (keyed by its hash in `verifierCache`)
 * to spare PBKDF2.
 */
export function createPasswordRecord(verifierCache: VerifierCache, password: string, hint?: string): PasswordRecord {
  const key = sha256(Buffer.from(password, "utf8")).toString("hex");
  let entry = verifierCache.get(key);
  if (!entry) {
    const salt1 = randomBytes(40);
    const salt2 = randomBytes(16);
    const x = toBig(passwordHash(password, salt1, salt2));
    entry = { salt1, salt2, verifier: pad256(modPow(G, x, P)) };
    if (verifierCache.size >= VERIFIER_CACHE_SIZE) verifierCache.clear();
    verifierCache.set(key, entry);
  }
  return { ...entry, hint, srpId: randomBytes(8).readBigInt64LE(0) };
}

/** k = H(p | g), both padded to 256 bytes. */
function multiplier(): bigint {
  return toBig(sha256(SRP_PRIME, pad256(G)));
}

/** The srp_B challenge for this password, made on first use and kept while the password lasts. */
export function challengeFor(record: PasswordRecord): SrpChallenge {
  let challenge = record.challenge;
  if (!challenge) {
    const v = toBig(record.verifier);
    let b: bigint;
    let B: bigint;
    do {
      b = toBig(randomBytes(256));
      B = (multiplier() * v + modPow(G, b, P)) % P;
    } while (B === 0n);
    challenge = { b, B: pad256(B) };
    record.challenge = challenge;
  }
  return challenge;
}

/**
 * Whether the client's proof fits: u = H(A | B), S = (A · v^u)^b mod p, K = H(S),
 * M1 = H(H(p) xor H(g) | H(salt1) | H(salt2) | A | B | K), as the SRP page specifies.
 */
export function checkProof(record: PasswordRecord, A: Buffer, M1: Buffer): boolean {
  const a = toBig(A);
  if (a <= 0n || a >= P || M1.length !== 32) return false;
  const { b, B } = challengeFor(record);
  const aPadded = pad256(a);
  const u = toBig(sha256(aPadded, B));
  if (u === 0n) return false;
  const v = toBig(record.verifier);
  const S = modPow((a * modPow(v, u, P)) % P, b, P);
  const K = sha256(pad256(S));
  const hp = sha256(SRP_PRIME);
  const hg = sha256(pad256(G));
  for (let i = 0; i < hp.length; i++) hp[i] ^= hg[i];
  const expected = sha256(hp, sha256(record.salt1), sha256(record.salt2), aPadded, B, K);
  return timingSafeEqual(expected, M1);
}
