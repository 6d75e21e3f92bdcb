/**
 * Shared by the runtime benchmarks: the standalone emulator (its own process) in a kit world
 * (test/kit/world.ts: the key file and the variables a user would write for it), a logged-in session of
 * a test number, simulated people sending messages through the control API in bulk, and the runtime over a
 * session store's database, counting what it handles.
 */
import { join } from "node:path";
import type { PeerType } from "@tg-toolkit/emulator/control";
import type { Config } from "../src/app/config.js";
import { any } from "../src/handlers/filters.js";
import type { Message } from "../src/handlers/message.js";
import { definePlugin, onMessage } from "../src/handlers/plugin.js";
import { createLogger } from "../src/log.js";
import { type Runtime, startRuntime } from "../src/runtime/index.js";
import { openDatabase } from "../src/store/database.js";
import { createTelegramClient, sessionString } from "../src/telegram/client.js";
import { loginWithCode } from "../src/telegram/login/code.js";
import { ScriptedPrompter } from "../src/telegram/prompter.js";
import type { SessionStore } from "../src/telegram/sessionStore.js";
import { UpdateStateStore } from "../src/updates/stateStore.js";
import { type StandaloneWorld, startStandaloneWorld } from "../test/kit/world.js";

/** The world the runtime benchmarks run in. */
export type BenchWorld = StandaloneWorld;

/** Starts the standalone emulator; its env() is what a user would set, with the rate limits on (as `npm start` has them) and logs silent. */
export function startBenchWorld(): Promise<BenchWorld> {
  return startStandaloneWorld({ defaults: { LOG_LEVEL: "silent" } });
}

/** Logs a test number in through the real code flow (fresh handshake) and returns its session string. */
export async function loginTestNumber(world: BenchWorld, phone: string): Promise<string> {
  const config = world.config();
  const client = createTelegramClient(config, "", createLogger({ level: "silent" }));
  try {
    await client.connect();
    await loginWithCode(client, config, { prompter: new ScriptedPrompter([phone, "22222"]), say: () => {} });
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
  for (let from = 0; from < traffic.length; from += batch) await world.control.sendMessages(traffic.slice(from, from + batch));
}

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The runtime on the store's default session and its database (default.db), logging nothing, calling `onHandled` for every message handled. */
export function runtimeOn(config: Config, store: SessionStore, onHandled: (message: Message) => void, options: { silenceMs?: number } = {}): Promise<Runtime> {
  const db = openDatabase(join(store.dir, "default.db"));
  const plugin = definePlugin({ name: "bench", handlers: [onMessage(any, (ctx) => onHandled(ctx.message))] });
  return startRuntime({
    config,
    store,
    plugins: [plugin],
    log: createLogger({ level: "silent" }),
    updateState: new UpdateStateStore(db),
    closeables: [{ close: () => void db.close() }],
    silenceMs: options.silenceMs,
  });
}
