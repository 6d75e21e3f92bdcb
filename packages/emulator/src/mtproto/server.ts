/**
 * The emulator's MTProto server: a TCP listener speaking Telegram's transports, creating auth keys
 * with the real handshake, and serving encrypted sessions to unmodified MTProto clients. Method
 * calls go to `handle` (the router); updates come back through pushToUser.
 */

import { randomInt } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import type { Api } from "telegram";
import type { World } from "../model/world.js";
import type { CallContext } from "../rpc/context.js";
import { serializeObject } from "../tl/serialize.js";
import { type AuthKeyRecord, AuthKeyStore } from "./auth-keys.js";
import { Connection } from "./connection.js";
import { RsaServerKey } from "./crypto/rsa.js";
import { Inbound, type ServerContext } from "./inbound.js";
import { LayeredBody } from "./layers.js";
import { ServerMsgIds } from "./msg-id.js";
import { KIND } from "./outbox.js";
import { Session } from "./session.js";

/** How to run the server: address, RSA key, the model and the router. */
export interface MtprotoServerOptions {
  /** Default "127.0.0.1". */
  host?: string;
  /** 0 or undefined: a free port in 20000..32767 (GramJS stores the port as a signed 16-bit int). */
  port?: number;
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
  /** Sessions that take updates, by the user they were subscribed for. */
  private readonly subscribers = new Map<number, Set<Session>>();
  private readonly reported = new Set<string>();
  private server: Server | undefined;
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
      subscribe: (session, userId) => this.subscribe(session, userId),
      reportUnexpected: (err) => this.reportUnexpected(err),
    };
    this.inbound = new Inbound(context);
    this.world.push = (userId, updates, except) => this.pushToUser(userId, updates, except);
    this.world.pushToKey = (authKeyId, updates) => this.pushToKey(authKeyId, updates);
    this.world.onlineUsers = () => this.onlineUsers();
  }

  /** Starts listening; resolves with the address clients should use (also written to world.server). */
  async listen(): Promise<{ host: string; port: number }> {
    if (this.server) throw new Error("already listening");
    const host = this.opts.host ?? "127.0.0.1";
    const server = createServer((socket) => this.accept(socket));
    let port = this.opts.port ?? 0;
    if (port) await listenOn(server, host, port);
    else port = await listenOnFreePort(server, host);
    this.server = server;
    this.world.server.host = host;
    this.world.server.port = port;
    this.sweepTimer = setInterval(() => this.sweepSessions(), SWEEP_INTERVAL_MS).unref();
    return { host, port };
  }

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    const server = this.server;
    this.server = undefined;
    this.disconnectAll();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Drops every client TCP connection now; sessions stay, clients may reconnect. */
  disconnectAll(): void {
    for (const c of this.connections) c.destroy();
  }

  /** Open client connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Registers a pre-shared 256-byte auth key (tests skip the handshake); returns its id as hex. */
  addAuthKey(key: Buffer): string {
    return this.keys.add(key).idHex;
  }

  /**
   * Sends updates to every live session bound to userId that takes updates, except the session
   * named. Sessions without a live connection miss it (clients catch up with getDifference).
   */
  pushToUser(userId: number, updates: Api.TypeUpdates, exceptSessionKey?: string): void {
    const sessions = this.subscribers.get(userId);
    if (!sessions) return;
    const targets: Session[] = [];
    for (const session of sessions) {
      if (session.key === exceptSessionKey) continue;
      if (this.world.userOfKey(session.authKey.idHex) !== userId) this.unsubscribe(session);
      else targets.push(session);
    }
    this.deliver(targets, updates);
  }

  /** Sends updates to every live session on one auth key, signed in or not (QR login's updateLoginToken). */
  pushToKey(authKeyId: string, updates: Api.TypeUpdates): void {
    const targets: Session[] = [];
    for (const session of this.sessions.values()) if (session.authKey.idHex === authKeyId) targets.push(session);
    this.deliver(targets, updates);
  }

  /** Queues updates on the live connections of `sessions`, serialized (and gzipped) once per client layer. */
  private deliver(sessions: Session[], updates: Api.TypeUpdates): void {
    const layered = new LayeredBody((schema) => serializeObject(updates as never, schema));
    for (const session of sessions) {
      const outbox = session.outbox;
      if (!outbox) continue;
      const body = layered.for(session);
      if (Buffer.isBuffer(body)) outbox.send(body, KIND.notice);
      else void body.then(outbox.reserve(KIND.notice));
    }
  }

  /** Users with at least one live session that takes updates. */
  onlineUsers(): ReadonlySet<number> {
    const online = new Set<number>();
    for (const [userId, sessions] of this.subscribers) {
      for (const session of sessions) {
        if (session.outbox && this.world.userOfKey(session.authKey.idHex) === userId) {
          online.add(userId);
          break;
        }
      }
    }
    return online;
  }

  private accept(socket: Socket): void {
    const connection: Connection = new Connection(socket, {
      keys: this.keys,
      rsa: this.rsa,
      msgIds: this.msgIds,
      inbound: this.inbound,
      maxPacket: MAX_PACKET,
      dcId: () => this.world.server.dcId,
      sessionFor: (authKey, sessionId) => this.sessionFor(authKey, sessionId),
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
    this.unsubscribe(session);
    return true;
  }

  private subscribe(session: Session, userId: number): void {
    this.unsubscribe(session);
    let set = this.subscribers.get(userId);
    if (!set) this.subscribers.set(userId, (set = new Set()));
    set.add(session);
    session.subscribedUser = userId;
  }

  private unsubscribe(session: Session): void {
    if (session.subscribedUser === undefined) return;
    const set = this.subscribers.get(session.subscribedUser);
    set?.delete(session);
    if (set?.size === 0) this.subscribers.delete(session.subscribedUser);
    session.subscribedUser = undefined;
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
