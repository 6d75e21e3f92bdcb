/**
 * Custom MTProto servers (our emulator): trusting their RSA key (in GramJS's key table, through
 * internals.ts) and pointing a session at an address other than Telegram's. Used only when a custom server was
 * configured explicitly (TELEGRAM_SERVER + TELEGRAM_SERVER_KEY) or by tests and the demo.
 */
import { createHash, createPublicKey } from "node:crypto";
import { type Connection, ConnectionTCPFull } from "telegram/network/index.js";
import type { Session } from "telegram/sessions/index.js";
import { trustRsaKey } from "./internals.js";

/** The DC our custom server presents itself as; the emulator answers as DC 2. */
export const CUSTOM_SERVER_DC = 2;

/** n and e of an RSA public key in PEM (PKCS#1 "RSA PUBLIC KEY" or SPKI "PUBLIC KEY"). */
export function rsaPublicNumbers(pem: string): { n: bigint; e: bigint } {
  const jwk = createPublicKey(pem).export({ format: "jwk" });
  if (jwk.kty !== "RSA" || !jwk.n || !jwk.e) throw new Error("not an RSA public key");
  const toBig = (b64: string) => BigInt(`0x${Buffer.from(b64, "base64url").toString("hex")}`);
  return { n: toBig(jwk.n), e: toBig(jwk.e) };
}

/** Telegram's key fingerprint: the low 64 bits of sha1(TL bytes n + TL bytes e), as a signed decimal. */
export function rsaFingerprint(n: bigint, e: bigint): string {
  const tlBytes = (x: bigint) => {
    let hex = x.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    const raw = Buffer.from(hex, "hex");
    const head = raw.length < 254 ? Buffer.from([raw.length]) : Buffer.from([254, raw.length & 255, (raw.length >> 8) & 255, raw.length >> 16]);
    const body = Buffer.concat([head, raw]);
    return Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
  };
  const digest = createHash("sha1")
    .update(Buffer.concat([tlBytes(n), tlBytes(e)]))
    .digest();
  return digest.readBigInt64LE(12).toString();
}

/** Make GramJS trust a server's RSA key (adds it to GramJS's key table); returns its fingerprint. */
export function trustServerKey(pem: string): string {
  const { n, e } = rsaPublicNumbers(pem);
  const fingerprint = rsaFingerprint(n, e);
  trustRsaKey(fingerprint, n, e);
  return fingerprint;
}

/** Point a session at a custom server, unless it already holds that address (a saved session). */
export function pointSessionAt(session: Session, host: string, port: number): void {
  if (session.serverAddress !== host || session.port !== port || session.dcId !== CUSTOM_SERVER_DC) {
    session.setDC(CUSTOM_SERVER_DC, host, port);
  }
}

/**
 * A GramJS connection class that dials the custom server's port. GramJS 2.26 dials port 80 (443 over
 * WSS) for its main connection whatever the session says, so without this a client never reaches a
 * server on another port; reconnections reuse the class and keep the port.
 */
export function customServerConnection(host: string, port: number, base: typeof Connection = ConnectionTCPFull): typeof Connection {
  return class CustomServerConnection extends base {
    constructor(params: ConstructorParameters<typeof Connection>[0]) {
      super(params.ip === host ? { ...params, port } : params);
    }
  };
}
