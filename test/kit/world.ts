/**
 * An emulator world for end-to-end tests and benchmarks: an emulator (in this process, or standalone as
 * `npm run emulator` runs it) reached over TCP, its control client, a scratch folder holding its public
 * key as TELEGRAM_SERVER_KEY wants, the variables and config a user would write for it, session stores
 * and working directories holding pre-shared sessions (no handshake) for tests that are not about login,
 * GramJS clients signed in as simulated people, and waiting for the runtime to handle a message.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Emulator, type EmulatorOptions, startEmulator } from "@tg-toolkit/emulator";
import { EMULATOR_API_ID, type EmulatorClientOptions, emulatorClient, preSharedSession as preSharedFor } from "@tg-toolkit/emulator/client";
import { ControlClient, type ControlMessage, type PeerType } from "@tg-toolkit/emulator/control";
import { type StandaloneEmulator, spawnEmulator } from "@tg-toolkit/emulator/testing";
import { Api, type TelegramClient } from "telegram";
import { LogLevel } from "telegram/extensions/Logger.js";
import { returnBigInt } from "telegram/Helpers.js";
import { type Config, parseConfig } from "../../src/app/config.js";
import type { Env } from "../../src/config.js";
import type { Message } from "../../src/handlers/message.js";
import type { Runtime } from "../../src/runtime/index.js";
import { SqliteKnownPeers } from "../../src/send/knownPeers.js";
import { openDatabase, sessionDatabasePath } from "../../src/store/database.js";
import { SessionStore } from "../../src/telegram/sessionStore.js";
import { WAIT_MS } from "./watch.js";

/** Any api_hash: the emulator accepts every api_id / api_hash. */
export const API_HASH = "5f2c0a9e1d7b4c3a8e6f0b1d2c3e4f5a";

/** The send rate limits off: tests send in bursts. The default of every world's env(). */
export const RATE_LIMITS_OFF: Env = { RATE_CHAT_PER_SECOND: "0", RATE_GROUP_PER_MINUTE: "0" };

/** Where a simulated person writes. */
export interface Peer {
  readonly type: PeerType;
  readonly id: string;
}

/** An emulator, its control client and a scratch folder holding the key file, sessions and working directories. */
export interface EmulatorWorld<E> {
  readonly emu: E;
  readonly control: ControlClient;
  /** Scratch folder (removed by stop). */
  readonly dir: string;
  readonly keyPath: string;
  /** The variables a user would put in .env to reach this emulator, then the world's defaults, then overrides. */
  env(overrides?: Env): Env;
  /** The config of env(overrides). */
  config(overrides?: Env): Config;
  /** A session store in a fresh folder. */
  store(): SessionStore;
  /** Stops the emulator and removes the scratch folder. */
  stop(): Promise<void>;
}

/** A world around an emulator in this process (its model and server at hand). */
export type World = EmulatorWorld<Emulator>;

/** A world around the standalone emulator, its own process (what the tests' process costs is its own). */
export type StandaloneWorld = EmulatorWorld<StandaloneEmulator>;

export interface WorldOptions {
  /** Variables every env() has after the server's (default RATE_LIMITS_OFF). */
  readonly defaults?: Env;
}

/** Starts an emulator in this process and prepares a scratch folder for it. */
export async function startWorld(options: WorldOptions & { emulator?: EmulatorOptions } = {}): Promise<World> {
  const emu = await startEmulator(options.emulator);
  return around(emu, new ControlClient(emu.controlUrl), () => emu.stop(), options.defaults);
}

/** Starts the standalone emulator (`npm run emulator --port 0`, plus `args`) and prepares a scratch folder for it. */
export async function startStandaloneWorld(options: WorldOptions & { args?: readonly string[] } = {}): Promise<StandaloneWorld> {
  const emu = await spawnEmulator(["--port", "0", ...(options.args ?? [])]);
  return around(emu, emu.control, async () => void (await emu.stop()), options.defaults);
}

function around<E extends { host: string; port: number; rsaPublicKey: string }>(
  emu: E,
  control: ControlClient,
  stopEmulator: () => Promise<void>,
  defaults: Env = RATE_LIMITS_OFF,
): EmulatorWorld<E> {
  const dir = mkdtempSync(join(tmpdir(), "tg-world-"));
  const keyPath = join(dir, "server.pem");
  writeFileSync(keyPath, emu.rsaPublicKey);
  let stores = 0;
  const env = (overrides: Env = {}): Env => ({
    TELEGRAM_API_ID: String(EMULATOR_API_ID),
    TELEGRAM_API_HASH: API_HASH,
    TELEGRAM_SERVER: `${emu.host}:${emu.port}`,
    TELEGRAM_SERVER_KEY: keyPath,
    ...defaults,
    ...overrides,
  });
  return {
    emu,
    control,
    dir,
    keyPath,
    env,
    config: (overrides) => parseConfig(env(overrides)),
    store: () => new SessionStore(join(dir, `sessions-${(stores += 1)}`)),
    async stop() {
      await stopEmulator();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A session string holding a fresh auth key registered with the emulator (no handshake), signed in as `userId` if given. */
export function preSharedSession(emu: Emulator, userId?: string | number): Promise<string> {
  return preSharedFor(emu, userId === undefined ? undefined : Number(userId));
}

/** A session store in a fresh folder holding a pre-shared session signed in as `userId` under `name`, as `npm run login` leaves it. */
export async function signedInStore(world: World, userId: string | number, name = "default"): Promise<SessionStore> {
  const store = world.store();
  store.save(name, await preSharedSession(world.emu, userId));
  return store;
}

/** A fresh working directory under the world's folder whose sessions/default.session holds `session` (saved as `npm run login` saves it), for the CLI entry points. */
export function workingDir(world: EmulatorWorld<unknown>, session: string, prefix = "cwd-"): string {
  const dir = mkdtempSync(join(world.dir, prefix));
  new SessionStore(join(dir, "sessions")).save("default", session);
  return dir;
}

/**
 * Notes supergroups and channels in a session's known peers with the access hashes `viewerId` gets, as
 * `npm start` does when the account meets them: a bot cannot read its dialogs (BOT_METHOD_INVALID), so
 * `send` and `confirm` find a chat given by id only there.
 */
export function meetChannels(world: World, cwd: string, sessionName: string, viewerId: string, channelIds: readonly string[]): void {
  mkdirSync(join(cwd, "sessions"), { recursive: true, mode: 0o700 });
  const db = openDatabase(sessionDatabasePath(join(cwd, "sessions"), sessionName));
  try {
    const known = new SqliteKnownPeers(db);
    for (const id of channelIds) {
      const accessHash = world.emu.model.accessHash(Number(viewerId), "channel", Number(id));
      known.rememberInput(new Api.InputPeerChannel({ channelId: returnBigInt(id), accessHash: returnBigInt(accessHash.toString()) }));
    }
  } finally {
    db.close();
  }
}

/**
 * A GramJS client signed in as `userId` through a pre-shared key, connected (GramJS logs nothing unless
 * told). With `getMe`, it has also called users.getSelf, as a person's phone does before updates reach it.
 */
export async function signedInClient(
  emu: Emulator,
  userId: string | number,
  options: Pick<EmulatorClientOptions, "connection" | "logLevel"> & { getMe?: boolean } = {},
): Promise<TelegramClient> {
  const client = await emulatorClient(emu, {
    preSharedKey: true,
    signedInAs: Number(userId),
    connection: options.connection,
    logLevel: options.logLevel ?? LogLevel.NONE,
  });
  await client.connect();
  if (options.getMe) await client.getMe();
  return client;
}

/** Resolves with the first message the runtime finishes handling that matches; rejects after timeoutMs. */
export function handled(runtime: Runtime, match: (message: Message) => boolean, timeoutMs = WAIT_MS): Promise<Message> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`the runtime handled no matching message within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = runtime.onHandled((message) => {
      if (!match(message)) return;
      clearTimeout(timer);
      off();
      resolve(message);
    });
  });
}

/** Sends a text as a simulated person and resolves once the runtime handled it. */
export async function say(world: EmulatorWorld<unknown>, runtime: Runtime, fromId: string, peer: Peer, text: string): Promise<Message> {
  const done = handled(runtime, (message) => message.text === text && message.senderId === fromId);
  await world.control.sendMessage(fromId, peer, text);
  return done;
}

/** The newest message of a chat as a viewer sees it. */
export async function latest(world: EmulatorWorld<unknown>, peer: Peer, viewerId: string): Promise<ControlMessage> {
  const [newest] = await world.control.messages(peer.type, peer.id, { viewerId, limit: 1 });
  return newest;
}
