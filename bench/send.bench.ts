/**
 * `npm run send` on loopback against the standalone emulator: the time from starting the command to its
 * exit once Telegram accepted the message (through npm, and straight through node with tsx's loader;
 * issue: under 1 s including process start); then 1,000 sends in a loop through the same code with the
 * emulator's flood limit on messages.sendMessage switched on at Telegram's documented bot rate (30 per
 * second, bursts of 30), counting the FLOOD_WAITs the emulator answers (issue: none), and, as a control,
 * 100 sends with pacing switched off; and a 5 MB file sent with --file, start to delivered. The loop paces at RATE_GLOBAL_PER_SECOND=25: a pace of exactly the
 * server's 30/s leaves no room for the jitter between the client's clock and the server's, and drew 31
 * FLOOD_WAITs in 1,000 sends here.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { deliver } from "../src/send/deliver.js";
import { openScriptSession, type ScriptSession } from "../src/send/scriptSession.js";
import { resolveTarget, type Target } from "../src/send/target.js";
import { SessionStore } from "../src/telegram/sessionStore.js";
import { type BenchWorld, loginTestNumber, median, startBenchWorld } from "./runtime-support.js";
import type { Benchmark, Metric } from "./types.js";

const RUNS = 5;
const LOOP_SENDS = 1000;
const CONTROL_SENDS = 100;
const CHATS = 40;
/** Telegram's bot FAQ: "avoid sending more than 30 messages per second". */
const TELEGRAM_RATE = { ratePerSecond: 30, burst: 30 };
/** The pace the loop keeps: a margin under Telegram's rate. */
const PACE_PER_SECOND = 25;
const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Milliseconds from spawning the command to its exit; fails unless it exits 0. */
async function timeToDelivered(command: string, args: readonly string[], env: Record<string, string>): Promise<number> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited ${code}: ${stderr}`);
  return performance.now() - started;
}

/** Sends `count` plain messages round-robin over the targets; resolves with the milliseconds taken. */
async function loop(session: ScriptSession, targets: readonly Target[], count: number, paced: boolean): Promise<number> {
  const pacer = paced ? session.pacer : { acquire: async () => undefined };
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    await deliver(session.client, targets[i % targets.length], [{ text: `sale ${i}`, entities: [] }], { pacer, flood: session.flood });
  }
  return performance.now() - started;
}

async function measure(world: BenchWorld, store: SessionStore, name: string): Promise<Metric[]> {
  const { control } = world;
  await control.createUser({ firstName: "Olivia", phone: "9996621520" });
  store.save(name, await loginTestNumber(world, "9996621520"));
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };
  for (const [key, value] of Object.entries(world.env({ LOG_FORMAT: "json" }))) if (value !== undefined) env[key] = value;

  const viaNpm: number[] = [];
  const viaNode: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    viaNpm.push(await timeToDelivered("npm", ["run", "send", "--silent", "--", "me", `delivered ${run}`, "--session", name], env));
    viaNode.push(await timeToDelivered(process.execPath, ["--import", "tsx", "src/cli/send.ts", "me", `delivered ${run}`, "--session", name], env));
  }

  // A 5 MB file: uploaded in 40 parts of 128 KB (upload.saveFilePart), then messages.sendMedia.
  const filePath = join(world.dir, "bench-5mb.bin");
  writeFileSync(filePath, randomBytes(5 * 1024 * 1024));
  const fileRuns: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    fileRuns.push(await timeToDelivered(process.execPath, ["--import", "tsx", "src/cli/send.ts", "me", "--file", filePath, "--session", name], env));
  }

  const users = await Promise.all(Array.from({ length: CHATS }, (_, i) => control.createUser({ firstName: `Customer ${i}`, username: `bench_customer_${i}` })));
  let floodWaits = 0;
  const config = world.config({ RATE_GLOBAL_PER_SECOND: String(PACE_PER_SECOND) });
  const session = await openScriptSession(config, store, name);
  const counted: ScriptSession = { ...session, flood: { ...session.flood, onWait: () => void (floodWaits += 1) } };
  try {
    const targets: Target[] = [];
    for (const [i] of users.entries())
      targets.push(await resolveTarget(session.client, { kind: "username", username: `bench_customer_${i}` }, { mode: session.mode, selfId: session.selfId }));
    await control.setFloodLimit({ method: "messages.sendMessage", ...TELEGRAM_RATE });
    const loopMs = await loop(counted, targets, LOOP_SENDS, true);
    const paced = floodWaits;
    floodWaits = 0;
    await control.setFloodLimit({ method: "messages.sendMessage", off: true });
    await control.setFloodLimit({ method: "messages.sendMessage", ...TELEGRAM_RATE });
    await loop({ ...counted, flood: { ...counted.flood, maxRetries: 100 } }, targets, CONTROL_SENDS, false);
    const unpaced = floodWaits;
    return [
      { name: "npm run send → delivered (median)", value: Math.round(median(viaNpm)), unit: "ms", target: { op: "<=", value: 1000 } },
      { name: "npm run send → delivered (slowest)", value: Math.round(Math.max(...viaNpm)), unit: "ms" },
      { name: "node --import tsx src/cli/send.ts → delivered (median)", value: Math.round(median(viaNode)), unit: "ms" },
      {
        name: "send a 5 MB file (--file): start → delivered (median)",
        value: Math.round(median(fileRuns)),
        unit: "ms",
        note: `median of ${RUNS}, through node --import tsx`,
      },
      {
        name: `${LOOP_SENDS} sends in a loop, flood limit ${TELEGRAM_RATE.ratePerSecond}/s burst ${TELEGRAM_RATE.burst}: FLOOD_WAITs`,
        value: paced,
        unit: "count",
        target: { op: "<=", value: 0 },
        note: `round-robin over ${CHATS} chats; RATE_GLOBAL_PER_SECOND=${PACE_PER_SECOND}, 1/s per chat (burst 3), 20/min per group`,
      },
      { name: `${LOOP_SENDS} sends in a loop: throughput`, value: Math.round((LOOP_SENDS / loopMs) * 1000 * 10) / 10, unit: "msg/s" },
      { name: `control: ${CONTROL_SENDS} sends without pacing: FLOOD_WAITs`, value: unpaced, unit: "count", note: "shows the emulator's limit is on" },
    ];
  } finally {
    await control.setFloodLimit({ method: "messages.sendMessage", off: true });
    await session.close();
  }
}

export default {
  name: "send",
  description: `npm run send to delivered (median of ${RUNS}); ${LOOP_SENDS} paced sends under Telegram-like flood limits`,
  async run() {
    const world = await startBenchWorld();
    const name = `bench-send-${process.pid}`;
    const store = new SessionStore(join(ROOT, "sessions"));
    try {
      return await measure(world, store, name);
    } finally {
      for (const suffix of [".session", ".db", ".db-wal", ".db-shm"]) rmSync(join(ROOT, "sessions", `${name}${suffix}`), { force: true });
      await world.stop();
    }
  },
} satisfies Benchmark;
