/**
 * The production process (`npm run build`, then `node dist/cli/start.js`, one node process) against a
 * plain GramJS client (bench/plain-gramjs-child.mjs: a TelegramClient with one NewMessage handler under
 * plain node) on the same saved session of the standalone emulator, side by side in alternating rounds:
 * spawn to "ready" (issue 14: ≤ 0.5 s with a saved session) and resident memory once idle (issue 14:
 * ≤ 1.0× the plain client). METRICS_PORT is unset, as by default.
 */
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { SessionStore } from "../src/telegram/sessionStore.js";
import { loginTestNumber, median, startBenchWorld } from "./runtime-support.js";
import type { Benchmark } from "./types.js";

const ROUNDS = 5;
/** How long a process sits idle after ready before its memory is read. */
const IDLE_MS = 3000;
const ROOT = fileURLToPath(new URL("..", import.meta.url));

interface Sample {
  readonly readyMs: number;
  readonly rssMb: number;
}

/** Resident set size of a process, in MB (Linux /proc). */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"));
  return Number(line?.split(/\s+/)[1]) / 1024;
}

/** Spawns a command, times it to the first line matching `ready`, lets it idle, reads its RSS, stops it with SIGTERM. */
async function sample(args: readonly string[], env: Record<string, string>, stream: "stdout" | "stderr", ready: (line: string) => boolean): Promise<Sample> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const exited = once(child, "exit");
  let output = "";
  const readyMs = await new Promise<number>((resolve, reject) => {
    for (const source of [child.stdout!, child.stderr!]) {
      createInterface({ input: source }).on("line", (line) => {
        output += `${line}\n`;
        if (source === child[stream] && ready(line)) resolve(performance.now() - started);
      });
    }
    void exited.then(() => reject(new Error(`${args.join(" ")} exited before ready:\n${output}`)));
  });
  await sleep(IDLE_MS);
  const rss = rssMb(child.pid!);
  child.kill("SIGTERM");
  await exited;
  return { readyMs, rssMb: rss };
}

export default {
  name: "production",
  description: `node dist/cli/start.js vs a plain GramJS client under node: spawn to ready and idle RSS, median of ${ROUNDS} alternating rounds`,
  async run() {
    execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
    const world = await startBenchWorld();
    const name = `bench-production-${process.pid}`;
    const store = new SessionStore(join(ROOT, "sessions"));
    try {
      await world.control.createUser({ firstName: "Olivia", phone: "9996621511" });
      store.save(name, await loginTestNumber(world, "9996621511"));
      const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };
      for (const [key, value] of Object.entries(world.env({ LOG_FORMAT: "json", LOG_LEVEL: "info" }))) if (value !== undefined) env[key] = value;
      const production: Sample[] = [];
      const plain: Sample[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        production.push(await sample(["dist/cli/start.js", "--session", name], env, "stderr", (line) => line.includes('"msg":"ready"')));
        plain.push(await sample(["bench/plain-gramjs-child.mjs", store.pathOf(name)], env, "stdout", (line) => line === "ready"));
      }
      const ms = (samples: Sample[]) => Math.round(median(samples.map((s) => s.readyMs)));
      const mb = (samples: Sample[]) => Math.round(median(samples.map((s) => s.rssMb)) * 10) / 10;
      const ratios = production.map((s, i) => s.rssMb / plain[i].rssMb);
      return [
        { name: "node dist/cli/start.js → ready (median)", value: ms(production), unit: "ms", target: { op: "<=", value: 500 } },
        { name: "node dist/cli/start.js → ready (slowest)", value: Math.round(Math.max(...production.map((s) => s.readyMs))), unit: "ms" },
        { name: "plain GramJS → connected and getMe (median)", value: ms(plain), unit: "ms" },
        { name: "node dist/cli/start.js idle RSS (median)", value: mb(production), unit: "MB" },
        { name: "plain GramJS idle RSS (median)", value: mb(plain), unit: "MB" },
        { name: "idle RSS: production / plain (median of rounds)", value: Math.round(median(ratios) * 100) / 100, unit: "×", target: { op: "<=", value: 1 } },
      ];
    } finally {
      for (const suffix of [".session", ".db", ".db-wal", ".db-shm"]) rmSync(join(ROOT, "sessions", `${name}${suffix}`), { force: true });
      await world.stop();
    }
  },
} satisfies Benchmark;
