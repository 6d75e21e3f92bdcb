/**
 * The Diffie-Hellman group of auth key creation: Telegram's 2048-bit safe prime with g = 3
 * (https://core.telegram.org/mtproto/auth_key), and the range checks both sides must apply.
 */
import { createDiffieHellman, type DiffieHellman, randomBytes } from "node:crypto";
import { bigFromBytes, bytesFromBig } from "./hash.js";

/** dh_prime as Telegram serves it, big-endian. */
export const DH_PRIME = Buffer.from(
  "c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f642477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b",
  "hex",
);
/** The generator g. */
export const DH_G = 3;

const P = bigFromBytes(DH_PRIME);
const SAFETY = 1n << 1984n;

/** Whether g_a or g_b lies in [2^(2048-64), dh_prime - 2^(2048-64)], which implies 1 < x < p - 1. */
export function inSafeRange(value: bigint): boolean {
  return value >= SAFETY && value <= P - SAFETY;
}

// One native DH object for the whole process: creating one checks the prime (hundreds of ms).
// Its private key is swapped per use; every use is synchronous, so handshakes cannot interleave.
let group: DiffieHellman | undefined;
function dh(): DiffieHellman {
  group ??= createDiffieHellman(DH_PRIME, Buffer.from([DH_G]));
  return group;
}

/** A fresh server secret `a` (below 2^2047 < p) and g_a = g^a mod p, with g_a in the safe range. */
export function generateServerSecret(): { a: Buffer; gA: Buffer } {
  for (;;) {
    const a = randomBytes(256);
    a[0] &= 0x7f;
    const d = dh();
    d.setPrivateKey(a);
    const gA = bytesFromBig(bigFromBytes(d.generateKeys()), 256);
    if (inSafeRange(bigFromBytes(gA))) return { a, gA };
  }
}

/** (g_b)^a mod p as 256 big-endian bytes: the auth key. g_b must already be range-checked. */
export function sharedSecret(a: Buffer, gB: Buffer): Buffer {
  const d = dh();
  d.setPrivateKey(a);
  return bytesFromBig(bigFromBytes(d.computeSecret(gB)), 256);
}

/** (g_b)^a mod p for any 0 <= g_b < p, in plain bigint arithmetic (slow; only for rejected values). */
export function sharedSecretUnchecked(a: Buffer, gB: bigint): Buffer {
  let result = 1n;
  let base = gB % P;
  let e = bigFromBytes(a);
  while (e > 0n) {
    if (e & 1n) result = (result * base) % P;
    base = (base * base) % P;
    e >>= 1n;
  }
  return bytesFromBig(result, 256);
}
