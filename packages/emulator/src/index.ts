/**
 * The emulator in one call: the Telegram model, the MTProto server real clients connect to over
 * TCP, and the control API. Tests, benchmarks and the demo start it in-process; `npm run emulator`
 * runs it standalone.
 */
import { controlActions } from "./control/actions.js";
import { startControlServer } from "./control/http.js";
import { allMethods } from "./methods/index.js";
import { DC_IDS, MAIN_DC } from "./model/dcs.js";
import type { DcAddress } from "./model/records.js";
import { World } from "./model/world.js";
import { MtprotoServer } from "./mtproto/server.js";
import { Router } from "./rpc/router.js";
import { applySeed, type SeedFile, type SeedResult } from "./seedFile.js";

export interface EmulatorOptions {
  /** The main DC's MTProto port; 0 or absent picks a free one below 32768 (the other DCs take port + (id − 2) when free). */
  port?: number;
  /** Control API port; 0 or absent picks a free one. */
  controlPort?: number;
  /** The server's RSA private key (PEM); a fresh 2048-bit key is generated when absent. */
  rsaPrivateKeyPem?: string;
  /** Added latency per RPC, in milliseconds. */
  latencyMs?: number;
  /** A world to load at start (the --seed file's content). */
  seed?: SeedFile;
}

export interface Emulator {
  /** The main DC's address and id (DC 2). */
  host: string;
  port: number;
  dcId: number;
  /** Every DC, main DC included, each on its own port (help.getConfig's dc_options). */
  dcs: DcAddress[];
  controlUrl: string;
  rsaPublicKey: string;
  model: World;
  router: Router;
  server: MtprotoServer;
  /** Ids of what the seed named, by its refs. */
  seeded: SeedResult;
  stop(): Promise<void>;
}

/** Start an emulator on 127.0.0.1 and resolve once it accepts connections. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const world = new World();
  const router = new Router(allMethods(), { latencyMs: options.latencyMs });
  const server = new MtprotoServer({
    host: "127.0.0.1",
    port: options.port,
    dcIds: DC_IDS,
    mainDc: MAIN_DC,
    rsaPrivateKeyPem: options.rsaPrivateKeyPem,
    world,
    handle: (request, ctx) => router.handle(request, ctx),
  });
  // The server wires world.push, world.pushToKey and world.onlineUsers, and records its address in world.server.
  const { host, port } = await server.listen();
  let control: Awaited<ReturnType<typeof startControlServer>>;
  try {
    control = await startControlServer(controlActions({ world, router, server }), options.controlPort ?? 0);
  } catch (err) {
    await server.close();
    throw err;
  }
  const seeded = options.seed ? applySeed(world, options.seed) : {};

  let stopped: Promise<void> | undefined;
  return {
    host,
    port,
    dcId: MAIN_DC,
    dcs: world.dcs,
    controlUrl: control.url,
    rsaPublicKey: server.rsaPublicKeyPem,
    model: world,
    router,
    server,
    seeded,
    stop: () => (stopped ??= Promise.all([server.close(), control.close()]).then(() => undefined)),
  };
}
