/**
 * Test helpers for the MTProto server: a stub method table, a server started on a free port,
 * and GramJS clients pointed at it.
 */

import { createPublicKey } from "node:crypto";
import { Api, TelegramClient } from "telegram";
import { _serverKeys } from "telegram/crypto/RSA.js";
import { Logger, LogLevel } from "telegram/extensions/Logger.js";
import { readBigIntFromBuffer } from "telegram/Helpers.js";
import { type Connection, ConnectionTCPFull } from "telegram/network/index.js";
import { StringSession } from "telegram/sessions/index.js";
import { RpcError } from "../../src/model/errors.js";
import { World } from "../../src/model/world.js";
import { MtprotoServer } from "../../src/mtproto/server.js";
import type { CallContext } from "../../src/rpc/context.js";

/** A help.getConfig answer with the fields GramJS reads. */
export function stubConfig(port: number): Api.Config {
  const now = Math.floor(Date.now() / 1000);
  return new Api.Config({
    date: now,
    expires: now + 3600,
    testMode: false,
    thisDc: 2,
    dcOptions: [new Api.DcOption({ id: 2, ipAddress: "127.0.0.1", port })],
    dcTxtDomainName: "",
    chatSizeMax: 200,
    megagroupSizeMax: 200000,
    forwardedCountMax: 100,
    onlineUpdatePeriodMs: 210000,
    offlineBlurTimeoutMs: 5000,
    offlineIdleTimeoutMs: 30000,
    onlineCloudTimeoutMs: 300000,
    notifyCloudDelayMs: 30000,
    notifyDefaultDelayMs: 1500,
    pushChatPeriodMs: 60000,
    pushChatLimit: 2,
    editTimeLimit: 172800,
    revokeTimeLimit: 2147483647,
    revokePmTimeLimit: 2147483647,
    ratingEDecay: 2419200,
    stickersRecentLimit: 200,
    channelsReadMediaPeriod: 604800,
    callReceiveTimeoutMs: 20000,
    callRingTimeoutMs: 90000,
    callConnectTimeoutMs: 30000,
    callPacketTimeoutMs: 10000,
    meUrlPrefix: "https://t.me/",
    captionLengthMax: 1024,
    messageLengthMax: 4096,
    webfileDcId: 2,
  });
}

/** Extra stub behaviour a test can install. */
// biome-ignore lint/suspicious/noExplicitAny: stubs read whichever GramJS request class they serve
export type StubHandler = (request: any, ctx: CallContext) => unknown;

/** A running server with a stub method table. */
export interface StubServer {
  server: MtprotoServer;
  world: World;
  port: number;
  /** Calls seen by the stub, by class name. */
  calls: { name: string; ctx: CallContext }[];
  /** Overrides for specific class names. */
  overrides: Map<string, StubHandler>;
  /** Removes the server's key from GramJS's table and closes the server. */
  stop(): Promise<void>;
}

/**
 * Starts a server whose router answers help.getConfig, help.getNearestDc, updates.getState and
 * help.getCountriesList-as-slow ("test.slow": waits the given ms), and rejects the rest with
 * 400 METHOD_NOT_STUBBED. Registers the server's RSA key in GramJS.
 */
export async function startStubServer(): Promise<StubServer> {
  const world = new World();
  const calls: StubServer["calls"] = [];
  const overrides = new Map<string, StubHandler>();
  let port = 0;
  const server = new MtprotoServer({
    world,
    async handle(request, ctx) {
      const name: string = request.className;
      calls.push({ name, ctx });
      const override = overrides.get(name);
      if (override) return override(request, ctx);
      switch (name) {
        case "help.GetConfig":
          return stubConfig(port);
        case "help.GetNearestDc":
          return new Api.NearestDc({ country: "US", thisDc: 2, nearestDc: 2 });
        case "updates.GetState":
          return new Api.updates.State({ pts: 1, qts: 0, date: Math.floor(Date.now() / 1000), seq: 0, unreadCount: 0 });
        default:
          throw new RpcError(400, "METHOD_NOT_STUBBED");
      }
    },
  });
  ({ port } = await server.listen());
  const forget = registerServerKey(server);
  return {
    server,
    world,
    port,
    calls,
    overrides,
    async stop() {
      forget();
      await server.close();
    },
  };
}

/** Registers the server's public key in GramJS's key table; returns the function that removes it. */
export function registerServerKey(server: MtprotoServer): () => void {
  const jwk = createPublicKey(server.rsaPublicKeyPem).export({ format: "jwk" });
  const n = readBigIntFromBuffer(Buffer.from(jwk.n!, "base64url"), false, false);
  const id = server.rsaFingerprint.toString();
  _serverKeys.set(id, { n, e: 65537 });
  return () => _serverKeys.delete(id);
}

type ConnectionClass = typeof Connection;

/**
 * GramJS 2.26's TelegramClient.connect() dials port 80 (443 with WSS) whatever the session says;
 * this subclass of a connection class dials `port` instead.
 */
export function dialing(Base: ConnectionClass, port: number): ConnectionClass {
  return class extends Base {
    constructor(opts: ConstructorParameters<ConnectionClass>[0]) {
      super({ ...opts, port });
    }
  };
}

/** A GramJS client for the server, with a fresh StringSession unless one is given. */
export function gramjsClient(port: number, opts: { session?: string; connection?: ConnectionClass; autoReconnect?: boolean } = {}): TelegramClient {
  const session = new StringSession(opts.session ?? "");
  session.setDC(2, "127.0.0.1", port);
  const client = new TelegramClient(session, 12345, "0123456789abcdef0123456789abcdef", {
    connection: dialing(opts.connection ?? ConnectionTCPFull, port),
    connectionRetries: 3,
    retryDelay: 100,
    autoReconnect: opts.autoReconnect ?? true,
    baseLogger: new Logger(LogLevel.NONE),
  });
  return client;
}

/** A StringSession that already holds `key` for DC 2 at 127.0.0.1:port. */
export function stringSessionWithKey(port: number, key: Buffer): string {
  const address = Buffer.from("127.0.0.1");
  const header = Buffer.alloc(3);
  header.writeUInt8(2, 0);
  header.writeInt16BE(address.length, 1);
  const portBuf = Buffer.alloc(2);
  portBuf.writeInt16BE(port, 0);
  return `1${Buffer.concat([header, address, portBuf, key]).toString("base64")}`;
}

/** Resolves when `check` holds, polling on a short interval; rejects after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
