/**
 * The emulator's MTProto server: a TCP listener speaking Telegram's transports, creating auth keys
 * with the real handshake, and serving encrypted sessions to unmodified MTProto clients. Method
 * calls go to `handle` (the router); updates come back through pushToUser.
 *
 * Where updates go, as Telegram does it: "Update events are sent to an authorized user into the last
 * active connection (except for connections needed for downloading / uploading files)"
 * (https://core.telegram.org/api/updates#subscribing-to-updates). Each authorization (auth key) has one
 * update session: the last one that made an API call neither wrapped in invokeWithoutUpdates nor a file
 * query (inbound.ts). Two processes on one auth key do not both get an update: the one that called last
 * does. An update session whose connection is down keeps its updates (kept-updates.ts) until the same
 * session comes back on a new connection, another session of the key becomes the active one, or the
 * session is forgotten.
 */

import { randomInt } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { Api } from "telegram";
import { updatesUserOfKey } from "../model/dcs.js";
import type { World } from "../model/world.js";
import type { CallContext } from "../rpc/context.js";
import { serializeObject } from "../tl/serialize.js";
import { type AuthKeyRecord, AuthKeyStore } from "./auth-keys.js";
import { Connection } from "./connection.js";
import { RsaServerKey } from "./crypto/rsa.js";
import { GZIP_THRESHOLD, packLarge } from "./gzip.js";
import { Inbound, type ServerContext } from "./inbound.js";
import { LayeredBody, schemaOfSession } from "./layers.js";
import { ServerMsgIds } from "./msg-id.js";
import type { Outbox } from "./outbox.js";
import { KIND } from "./outbox.js";
import { Session } from "./session.js";

/** How to run the server: address, RSA key, the model and the router. */
export interface MtprotoServerOptions {
  /** Default "127.0.0.1". */
  host?: string;
  /** The main DC's port; 0 or undefined: a free port in 20000..32767 (GramJS stores the port as a signed 16-bit int). */
  port?: number;
  /**
   * The DCs to listen for, each on its own port (default: the main DC only). With an explicit `port`, DC n
   * takes port + (n − mainDc) when that is free and below 32768, else a free port.
   */
  dcIds?: readonly number[];
  /** The DC of `port` (default 2). */
  mainDc?: number;
  /** PKCS#1 or PKCS#8; a 2048-bit key is generated when absent. */
  rsaPrivateKeyPem?: string;
  world: World;
  /** The router: answers a parsed request (see rpc/context.ts). */
  // biome-ignore lint/suspicious/noExplicitAny: each method reads its own GramJS request class
  handle: (request: any, ctx: CallContext) => Promise<unknown>;
  /**
   * Told once per distinct unexpected error: a handler throwing something other than RpcError
   * (answered 500 INTERNAL), or a fault in the server (that connection is closed). Default: console.error.
   */
  onUnexpectedError?: (err: unknown) => void;
}

/** Packets above this size close the connection before they are buffered. */
const MAX_PACKET = 16 * 1024 * 1024;
/** Sessions without a connection are forgotten after this long (ms). */
const SESSION_IDLE_MS = 10 * 60 * 1000;
const SWEEP_INTERVAL_MS = 60 * 1000;
const PORT_RANGE = [20000, 32767] as const;
const PORT_ATTEMPTS = 50;

/** The MTProto server: listener, auth key table, sessions and update delivery. */
export class MtprotoServer {
  /** "-----BEGIN RSA PUBLIC KEY-----" (PKCS#1): what clients register. */
  readonly rsaPublicKeyPem: string;
  /** Lower 64 bits of SHA1 of the TL-serialized (n, e), as a signed long. */
  readonly rsaFingerprint: bigint;

  private readonly world: World;
  private readonly rsa: RsaServerKey;
  private readonly keys = new AuthKeyStore();
  private readonly msgIds = new ServerMsgIds();
  private readonly inbound: Inbound;
  private readonly connections = new Set<Connection>();
  private readonly sessions = new Map<string, Session>();
  /** Each auth key's update session: the last active one (see the file comment). */
  private readonly updateSessions = new Map<string, Session>();
  /** Auth keys (hex ids) with an update session, by the user they were signed in as when it was chosen. */
  private readonly subscribers = new Map<number, Set<string>>();
  private readonly reported = new Set<string>();
  private server: Server | undefined;
  /** Listeners of the DCs other than the main one. */
  private readonly otherServers: Server[] = [];
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: MtprotoServerOptions) {
    this.world = opts.world;
    this.rsa = opts.rsaPrivateKeyPem ? RsaServerKey.fromPem(opts.rsaPrivateKeyPem) : RsaServerKey.generate();
    this.rsaPublicKeyPem = this.rsa.publicKeyPem;
    this.rsaFingerprint = this.rsa.fingerprint;
    const context: ServerContext = {
      world: this.world,
      keys: this.keys,
      handle: (request, ctx) => opts.handle(request, ctx),
      destroySession: (authKey, sessionId) => this.destroySession(authKey, sessionId),
      activate: (session) => this.activate(session),
      reportUnexpected: (err) => this.reportUnexpected(err),
    };
    this.inbound = new Inbound(context);
    this.world.push = (userId, updates, except) => this.pushToUser(userId, updates, except);
    this.world.pushToKey = (authKeyId, updates) => this.pushToKey(authKeyId, updates);
    this.world.onlineUsers = () => this.onlineUsers();
    this.world.dcOfKey = (authKeyId) => this.keys.getHex(authKeyId)?.dcId;
  }

  /** Starts listening; resolves with the address clients should use (also written to world.server). */
  async listen(): Promise<{ host: string; port: number }> {
    if (this.server) throw new Error("already listening");
    const host = this.opts.host ?? "127.0.0.1";
    const mainDc = this.opts.mainDc ?? 2;
    const server = createServer((socket) => this.accept(socket, mainDc));
    let port = this.opts.port ?? 0;
    if (port) await listenOn(server, host, port);
    else port = await listenOnFreePort(server, host);
    this.server = server;
    this.world.server = { dcId: mainDc, host, port };
    const dcs = [{ id: mainDc, host, port }];
    try {
      for (const dcId of this.opts.dcIds ?? []) {
        if (dcId === mainDc) continue;
        const other = createServer((socket) => this.accept(socket, dcId));
        this.otherServers.push(other);
        dcs.push({ id: dcId, host, port: await listenNear(other, host, this.opts.port ? port + dcId - mainDc : 0) });
      }
    } catch (err) {
      await this.close();
      throw err;
    }
    this.world.dcs = dcs.sort((a, b) => a.id - b.id);
    this.sweepTimer = setInterval(() => this.sweepSessions(), SWEEP_INTERVAL_MS).unref();
    return { host, port };
  }

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    const server = this.server;
    this.server = undefined;
    this.disconnectAll();
    const servers = [...(server ? [server] : []), ...this.otherServers.splice(0)];
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  /** Drops every client TCP connection now; sessions stay, clients may reconnect. */
  disconnectAll(): void {
    for (const c of this.connections) c.destroy();
  }

  /** Open client connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Registers a pre-shared 256-byte auth key (tests skip the handshake), of one DC if given; returns its id as hex. */
  addAuthKey(key: Buffer, dcId?: number): string {
    return this.keys.add(key, { dcId }).idHex;
  }

  /**
   * Sends updates to the update session of every authorization of userId, except the session named (it
   * gets them in its call result). A session whose connection is down keeps them for its return.
   */
  pushToUser(userId: number, updates: Api.TypeUpdates, exceptSessionKey?: string): void {
    const keys = this.subscribers.get(userId);
    if (!keys) return;
    const targets: Session[] = [];
    for (const keyId of keys) {
      const session = this.updateSessions.get(keyId);
      if (!session || updatesUserOfKey(this.world, keyId) !== userId) {
        this.unsubscribe(userId, keyId);
        continue;
      }
      if (session.key !== exceptSessionKey) targets.push(session);
    }
    this.deliver(targets, updates);
  }

  /** Sends updates to the update session of one auth key, signed in or not (QR login's updateLoginToken). */
  pushToKey(authKeyId: string, updates: Api.TypeUpdates): void {
    const session = this.updateSessions.get(authKeyId);
    if (session) this.deliver([session], updates);
  }

  /** Queues updates on the connections of `sessions`, serialized (and gzipped) once per client layer; kept for those without one. */
  private deliver(sessions: Session[], updates: Api.TypeUpdates): void {
    const layered = new LayeredBody((schema) => serializeObject(updates as never, schema));
    for (const session of sessions) {
      const outbox = session.outbox;
      if (!outbox) {
        session.kept.keep(layered.plain(session));
        continue;
      }
      const body = layered.for(session);
      if (Buffer.isBuffer(body)) outbox.send(body, KIND.notice);
      else void body.then(outbox.reserve(KIND.notice));
    }
  }

  /** Users with an update session the server still holds (connected, or keeping updates for its return). */
  onlineUsers(): ReadonlySet<number> {
    const online = new Set<number>();
    for (const [userId, keys] of this.subscribers) {
      for (const keyId of keys) {
        if (this.updateSessions.has(keyId) && updatesUserOfKey(this.world, keyId) === userId) {
          online.add(userId);
          break;
        }
      }
    }
    return online;
  }

  /** The session that takes an auth key's updates (tests and the control API's statistics). */
  updateSessionOf(authKeyId: string): { readonly key: string; readonly connected: boolean; readonly kept: number } | undefined {
    const session = this.updateSessions.get(authKeyId);
    return session && { key: session.key, connected: session.outbox !== undefined, kept: session.kept.size };
  }

  private accept(socket: Socket, dcId: number): void {
    const connection: Connection = new Connection(socket, {
      keys: this.keys,
      rsa: this.rsa,
      msgIds: this.msgIds,
      inbound: this.inbound,
      maxPacket: MAX_PACKET,
      dcId: () => dcId,
      sessionFor: (authKey, sessionId) => this.sessionFor(authKey, sessionId),
      attached: (session, outbox) => this.flushKept(session, outbox),
      reportUnexpected: (err) => this.reportUnexpected(err),
      onClose: (c) => this.connections.delete(c),
    });
    this.connections.add(connection);
  }

  private sessionFor(authKey: AuthKeyRecord, sessionId: bigint): Session {
    const key = `${authKey.idHex}:${sessionId}`;
    let session = this.sessions.get(key);
    if (!session) {
      session = new Session(authKey, sessionId);
      this.sessions.set(key, session);
    }
    return session;
  }

  private destroySession(authKey: AuthKeyRecord, sessionId: bigint): boolean {
    const session = this.sessions.get(`${authKey.idHex}:${sessionId}`);
    if (!session) return false;
    this.sessions.delete(session.key);
    if (this.updateSessions.get(authKey.idHex) === session) this.updateSessions.delete(authKey.idHex);
    return true;
  }

  /** The session made a subscribing call: it becomes its auth key's update session (the previous one keeps what it kept). */
  private activate(session: Session): void {
    const keyId = session.authKey.idHex;
    this.updateSessions.set(keyId, session);
    const userId = updatesUserOfKey(this.world, keyId);
    if (userId === undefined) return;
    let keys = this.subscribers.get(userId);
    if (!keys) this.subscribers.set(userId, (keys = new Set()));
    keys.add(keyId);
  }

  private unsubscribe(userId: number, keyId: string): void {
    const keys = this.subscribers.get(userId);
    keys?.delete(keyId);
    if (keys?.size === 0) this.subscribers.delete(userId);
  }

  /** A session came back on a connection: what it kept goes out first, in order (updatesTooLong past the bounds). */
  private flushKept(session: Session, outbox: Outbox): void {
    const kept = session.kept.take();
    if (kept === "tooLong") return outbox.send(serializeObject(new Api.UpdatesTooLong() as never, schemaOfSession(session)), KIND.notice);
    for (const body of kept) {
      if (body.length < GZIP_THRESHOLD) outbox.send(body, KIND.notice);
      else void packLarge(body).then(outbox.reserve(KIND.notice));
    }
  }

  /** Forgets sessions that have had no connection for a while. */
  private sweepSessions(): void {
    const cutoff = Date.now() - SESSION_IDLE_MS;
    for (const session of this.sessions.values()) {
      if (!session.outbox && session.lastActive < cutoff) this.destroySession(session.authKey, session.sessionId);
    }
  }

  /** Reports an unexpected error once per distinct message. */
  private reportUnexpected(err: unknown): void {
    const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    if (this.reported.has(text)) return;
    if (this.reported.size < 1000) this.reported.add(text);
    if (this.opts.onUnexpectedError) this.opts.onUnexpectedError(err);
    else console.error("[emulator/mtproto] unexpected error:", err);
  }
}

function listenOn(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

/** Listens on `port` when it is free and valid, else on a free port. */
async function listenNear(server: Server, host: string, port: number): Promise<number> {
  if (port > 0 && port <= PORT_RANGE[1]) {
    try {
      await listenOn(server, host, port);
      return port;
    } catch {
      // taken: any free port will do
    }
  }
  return listenOnFreePort(server, host);
}

async function listenOnFreePort(server: Server, host: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = randomInt(PORT_RANGE[0], PORT_RANGE[1] + 1);
    try {
      await listenOn(server, host, port);
      return port;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if ((code !== "EADDRINUSE" && code !== "EACCES") || attempt === PORT_ATTEMPTS) throw e;
    }
  }
}
