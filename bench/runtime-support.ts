/**
 * Shared by the runtime benchmarks: the standalone emulator (its own process), the config a user would
 * write for it, a logged-in session of a test number, and simulated people sending messages through the
 * control API in bulk.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EMULATOR_API_HASH, EMULATOR_API_ID } from "@tg-toolkit/emulator/client";
import type { PeerType } from "@tg-toolkit/emulator/control";
import { type StandaloneEmulator, spawnEmulator } from "@tg-toolkit/emulator/testing";
import { type Config, parseConfig } from "../src/app/config.js";
import type { Env } from "../src/config.js";
import { createLogger } from "../src/log.js";
import { createTelegramClient, sessionString } from "../src/telegram/client.js";
import { loginWithCode } from "../src/telegram/login/code.js";
import { ScriptedPrompter } from "../src/telegram/prompter.js";

/** A standalone emulator with a scratch folder holding its key. */
export interface BenchWorld {
  readonly emu: StandaloneEmulator;
  readonly dir: string;
  /** The variables a user would set to reach the emulator. */
  readonly env: Env;
  readonly config: Config;
  stop(): Promise<void>;
}

/** Starts the standalone emulator and writes its key where TELEGRAM_SERVER_KEY points. */
export async function startBenchWorld(): Promise<BenchWorld> {
  const emu = await spawnEmulator(["--port", "0"]);
  const dir = mkdtempSync(join(tmpdir(), "runtime-bench-"));
  const keyPath = join(dir, "server.pem");
  writeFileSync(keyPath, emu.rsaPublicKey);
  const env: Env = {
    TELEGRAM_API_ID: String(EMULATOR_API_ID),
    TELEGRAM_API_HASH: EMULATOR_API_HASH,
    TELEGRAM_SERVER: `${emu.host}:${emu.port}`,
    TELEGRAM_SERVER_KEY: keyPath,
    LOG_LEVEL: "silent",
  };
  return {
    emu,
    dir,
    env,
    config: parseConfig(env),
    async stop() {
      await emu.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Logs a test number in through the real code flow (fresh handshake) and returns its session string. */
export async function loginTestNumber(world: BenchWorld, phone: string): Promise<string> {
  const client = createTelegramClient(world.config, "", createLogger({ level: "silent" }));
  try {
    await client.connect();
    await loginWithCode(client, world.config, { prompter: new ScriptedPrompter([phone, "22222"]), say: () => {} });
    return sessionString(client);
  } finally {
    await client.destroy();
  }
}

/** One message a simulated person sends. */
export interface Send {
  readonly fromId: string;
  readonly peer: { type: PeerType; id: string };
  readonly text: string;
}

/**
 * Sends every message through the control API in order, in bulk calls of `batch` (so the simulated people
 * cost the measured process next to nothing: the traffic comes from the emulator, as it would from Telegram).
 */
export async function sendAll(world: BenchWorld, traffic: readonly Send[], batch = 100): Promise<void> {
  for (let from = 0; from < traffic.length; from += batch) await world.emu.control.sendMessages(traffic.slice(from, from + batch));
}

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
