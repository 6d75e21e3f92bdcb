/**
 * Custom MTProto servers (our emulator): trusting their RSA key (in GramJS's key table, through
 * internals.ts) and pointing a session at an address other than Telegram's. Used only when a custom server was
 * configured explicitly (TELEGRAM_SERVER + TELEGRAM_SERVER_KEY) or by tests and the demo.
 */
import { createHash, createPublicKey } from "node:crypto";
import { type Connection, ConnectionTCPFull } from "telegram/network/index.js";
import type { Session } from "telegram/sessions/index.js";
import { type DcAddressBook, trustRsaKey } from "./internals.js";

/** The DC TELEGRAM_SERVER is: the emulator's main DC (its other DCs come from help.getConfig's dc_options). */
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

/**
 * The DC addresses of a custom server known before connecting: TELEGRAM_SERVER as DC 2, and the DC a saved
 * session was moved to (a login that met PHONE_MIGRATE, or a migration while running) at the address saved
 * with it. The others are learnt from help.getConfig when needed (internals.ts, useDcOptions).
 */
export function dcAddressBook(session: Session, host: string, port: number): DcAddressBook {
  const book: DcAddressBook = new Map([[CUSTOM_SERVER_DC, { host, port }]]);
  if (session.serverAddress === host && session.dcId > 0 && session.dcId !== CUSTOM_SERVER_DC && session.port > 0) {
    book.set(session.dcId, { host, port: session.port });
  }
  return book;
}

/**
 * Point a session at a custom server, unless it already holds that address (a saved session) or one of its
 * other DCs (a session saved on the DC the account lives on).
 */
export function pointSessionAt(session: Session, host: string, port: number, book?: DcAddressBook): void {
  if (session.serverAddress === host && session.dcId !== CUSTOM_SERVER_DC && book?.has(session.dcId)) return;
  if (session.serverAddress !== host || session.port !== port || session.dcId !== CUSTOM_SERVER_DC) {
    session.setDC(CUSTOM_SERVER_DC, host, port);
  }
}

/**
 * A GramJS connection class that dials the custom server's ports. GramJS 2.26 dials port 80 (443 over
 * WSS) for its main connection whatever the session says, and 443 for another DC whatever help.getConfig
 * says, so without this a client never reaches a server on another port; reconnections reuse the class
 * and keep the port. With a `book`, each DC is dialled at its own address and port.
 */
export function customServerConnection(host: string, port: number, base: typeof Connection = ConnectionTCPFull, book?: DcAddressBook): typeof Connection {
  return class CustomServerConnection extends base {
    constructor(params: ConstructorParameters<typeof Connection>[0]) {
      const dc = book?.get(params.dcId);
      if (dc !== undefined) super({ ...params, ip: dc.host, port: dc.port });
      else super(params.ip === host ? { ...params, port } : params);
    }
  };
}
