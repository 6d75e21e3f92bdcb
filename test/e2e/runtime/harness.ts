/**
 * Shared setup of the runtime's end-to-end tests: an in-process emulator reached over TCP, its public key
 * in a file as TELEGRAM_SERVER_KEY wants, configs pointing at it, pre-shared auth keys (no handshake) for
 * tests that are not about login, a log capture, and waiting for the runtime to handle a message.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Emulator, startEmulator } from "@tg-toolkit/emulator";
import { preSharedSession as preSharedFor } from "@tg-toolkit/emulator/client";
import { ControlClient, type ControlMessage, type PeerType } from "@tg-toolkit/emulator/control";
import { type Config, parseConfig } from "../../../src/app/config.js";
import type { Env } from "../../../src/config.js";
import type { Message } from "../../../src/handlers/message.js";
import { createLogger, type Logger, type LogLevel } from "../../../src/log.js";
import type { Runtime } from "../../../src/runtime/index.js";
import { SessionStore } from "../../../src/telegram/sessionStore.js";

/** Any api_hash: the emulator accepts every api_id / api_hash. */
export const API_HASH = "5f2c0a9e1d7b4c3a8e6f0b1d2c3e4f5a";

/** An emulator, its control client and a scratch folder holding the key file and sessions. */
export interface World {
  readonly emu: Emulator;
  readonly control: ControlClient;
  /** Scratch folder (removed by stop). */
  readonly dir: string;
  readonly keyPath: string;
  /** The variables a user would put in .env to reach this emulator (rate limits off: tests send in bursts), with overrides. */
  env(overrides?: Env): Env;
  /** The config of env(overrides). */
  config(overrides?: Env): Config;
  /** A session store in a fresh folder. */
  store(): SessionStore;
  stop(): Promise<void>;
}

/** Starts an emulator and prepares a scratch folder for it. */
export async function startWorld(): Promise<World> {
  const emu = await startEmulator();
  const dir = mkdtempSync(join(tmpdir(), "runtime-e2e-"));
  const keyPath = join(dir, "server.pem");
  writeFileSync(keyPath, emu.rsaPublicKey);
  let stores = 0;
  const env = (overrides: Env = {}): Env => ({
    TELEGRAM_API_ID: "12345",
    TELEGRAM_API_HASH: API_HASH,
    TELEGRAM_SERVER: `${emu.host}:${emu.port}`,
    TELEGRAM_SERVER_KEY: keyPath,
    RATE_CHAT_PER_SECOND: "0",
    RATE_GROUP_PER_MINUTE: "0",
    ...overrides,
  });
  return {
    emu,
    control: new ControlClient(emu.controlUrl),
    dir,
    keyPath,
    env,
    config: (overrides) => parseConfig(env(overrides)),
    store: () => new SessionStore(join(dir, `sessions-${(stores += 1)}`)),
    async stop() {
      await emu.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A session string holding a fresh auth key registered with the emulator (no handshake), signed in as `userId` if given. */
export function preSharedSession(emu: Emulator, userId?: string): Promise<string> {
  return preSharedFor(emu, userId === undefined ? undefined : Number(userId));
}

/** A logger writing JSON lines into memory. */
export function captureLog(level: LogLevel = "debug"): { log: Logger; lines: string[]; entries(): Record<string, unknown>[] } {
  const lines: string[] = [];
  const log = createLogger({ level, format: "json", destination: { write: (line: string) => void lines.push(line) } });
  return { log, lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** Resolves with the first message the runtime finishes handling that matches; rejects after timeoutMs. */
export function handled(runtime: Runtime, match: (message: Message) => boolean, timeoutMs = 10_000): Promise<Message> {
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
export async function say(world: World, runtime: Runtime, fromId: string, peer: { type: PeerType; id: string }, text: string): Promise<Message> {
  const done = handled(runtime, (message) => message.text === text && message.senderId === fromId);
  await world.control.sendMessage(fromId, peer, text);
  return done;
}

/** The newest message of a chat as a viewer sees it. */
export async function latest(world: World, peer: { type: PeerType; id: string }, viewerId: string): Promise<ControlMessage> {
  const [newest] = await world.control.messages(peer.type, peer.id, { viewerId, limit: 1 });
  return newest;
}
