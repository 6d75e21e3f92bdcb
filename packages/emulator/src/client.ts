/**
 * GramJS clients pointed at an emulator, for tests, benchmarks and the demo: the custom address,
 * the emulator's RSA key trusted, and optionally a pre-shared auth key (no handshake) already
 * signed in as a given user. The emulator does this its own way, apart from the product's
 * TELEGRAM_SERVER support, so that the product's way is tested against an independent one.
 */
import { randomBytes } from "node:crypto";
import bigInt from "big-integer";
import { TelegramClient } from "telegram";
import { AuthKey } from "telegram/crypto/AuthKey.js";
import { _serverKeys } from "telegram/crypto/RSA.js";
import { Logger, LogLevel } from "telegram/extensions/Logger.js";
import { type Connection, ConnectionTCPFull } from "telegram/network/index.js";
import { type Session, StringSession } from "telegram/sessions/index.js";
import type { Emulator } from "./index.js";
import { keyFingerprint, publicNumbers } from "./mtproto/crypto/rsa.js";

/** The DC the emulator answers as (its ready line says so too). */
export const EMULATOR_DC_ID = 2;

/** Where a client connects: an in-process emulator, or a standalone one (from its ready line). */
export type EmulatorAddress = Pick<Emulator, "host" | "port" | "rsaPublicKey"> & Partial<Pick<Emulator, "server" | "model" | "dcs">>;

/** Test credentials; the emulator accepts any api_id / api_hash. */
export const EMULATOR_API_ID = 12345;
export const EMULATOR_API_HASH = "0123456789abcdef0123456789abcdef";

export interface EmulatorClientOptions {
  /** A saved StringSession to resume. */
  session?: string;
  /** Skip the handshake: register a fresh auth key with the server and put it in the session
   * (in-process emulators only). */
  preSharedKey?: boolean;
  /** With preSharedKey: the key is already signed in as this user. */
  signedInAs?: number;
  /** GramJS connection class (TCP Full by default). */
  connection?: typeof Connection;
  /** GramJS's own log level (default: errors only). */
  logLevel?: LogLevel;
}

/**
 * Register a fresh auth key with an in-process emulator and put it in `session` (no handshake needed),
 * signed in as `signedInAs` when given.
 */
export async function givePreSharedKey(emu: Pick<Emulator, "server" | "model">, session: StringSession, signedInAs?: number): Promise<void> {
  const key = randomBytes(256);
  const keyId = emu.server.addAuthKey(key);
  const authKey = new AuthKey();
  await authKey.setKey(key);
  session.setAuthKey(authKey);
  if (signedInAs !== undefined) emu.model.authorizations.set(keyId, { userId: signedInAs, date: emu.model.now() });
}

/** A saved session string for an in-process emulator holding a pre-shared key, signed in as `signedInAs` if given. */
export async function preSharedSession(emu: Emulator, signedInAs?: number): Promise<string> {
  const session = new StringSession("");
  pointSessionAt(session, emu);
  await givePreSharedKey(emu, session, signedInAs);
  return session.save();
}

/** Build (not connect) a GramJS client for the emulator. */
export async function emulatorClient(emu: EmulatorAddress, options: EmulatorClientOptions = {}): Promise<TelegramClient> {
  trustEmulatorKey(emu.rsaPublicKey);
  const session = new StringSession(options.session ?? "");
  pointSessionAt(session, emu);
  if (options.preSharedKey) {
    if (!emu.server || !emu.model) throw new Error("a pre-shared auth key needs an in-process emulator");
    await givePreSharedKey({ server: emu.server, model: emu.model }, session, options.signedInAs);
  }
  return new TelegramClient(session, EMULATOR_API_ID, EMULATOR_API_HASH, {
    connectionRetries: 5,
    retryDelay: 100,
    autoReconnect: true,
    baseLogger: new Logger(options.logLevel ?? LogLevel.ERROR),
    connection: emulatorConnection(emu, options.connection ?? ConnectionTCPFull),
  });
}

/** Adds the emulator's public key to GramJS's table of trusted server keys. */
function trustEmulatorKey(pem: string): void {
  const { modulus, exponent } = publicNumbers(pem);
  _serverKeys.set(keyFingerprint(modulus, exponent).toString(), { n: bigInt(modulus.toString("hex"), 16), e: Number.parseInt(exponent.toString("hex"), 16) });
}

/** A session of another of the emulator's DCs (a login that followed PHONE_MIGRATE) stays there; any other is pointed at the main DC. */
function pointSessionAt(session: Session, emu: EmulatorAddress): void {
  const dc = session.serverAddress === emu.host ? emu.dcs?.find((d) => d.id === session.dcId) : undefined;
  if (dc !== undefined) {
    if (session.port !== dc.port) session.setDC(dc.id, dc.host, dc.port);
    return;
  }
  if (session.serverAddress !== emu.host || session.port !== emu.port || session.dcId !== EMULATOR_DC_ID) session.setDC(EMULATOR_DC_ID, emu.host, emu.port);
}

/**
 * GramJS 2.26 dials port 80 for its main connection whatever the session says, and 443 for another DC
 * whatever help.getConfig says: this class dials the port of the DC asked for (the main DC's when the
 * emulator's DCs are not known).
 */
function emulatorConnection(emu: EmulatorAddress, base: typeof Connection): typeof Connection {
  return class EmulatorConnection extends base {
    constructor(params: ConstructorParameters<typeof Connection>[0]) {
      if (params.ip !== emu.host) super(params);
      else super({ ...params, port: emu.dcs?.find((dc) => dc.id === params.dcId)?.port ?? emu.port });
    }
  };
}
