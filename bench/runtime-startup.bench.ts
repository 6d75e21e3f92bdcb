/**
 * Time from `npm start` to the runtime's "ready" log line with a saved session, on loopback against the
 * standalone emulator (issue: under 1.5 s). Measured from spawning the command to reading the line, the
 * way a person waits for it: through npm (npm, then node with tsx's loader: `npm start` since issue 14), and that
 * node command straight. The production build (`node dist/cli/start.js`) is bench/production.bench.ts.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { SessionStore } from "../src/telegram/sessionStore.js";
import { loginTestNumber, median, startBenchWorld } from "./runtime-support.js";
import type { Benchmark } from "./types.js";

const RUNS = 5;
const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Milliseconds from spawning the command to its "ready" line; then stops it with SIGTERM. */
async function timeToReady(command: string, args: readonly string[], env: Record<string, string>): Promise<number> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "ignore", "pipe"] });
  const exited = once(child, "exit");
  const lines = createInterface({ input: child.stderr! });
  let output = "";
  const ready = await new Promise<number>((resolve, reject) => {
    lines.on("line", (line) => {
      output += `${line}\n`;
      if (line.includes('"msg":"ready"')) resolve(performance.now() - started);
    });
    void exited.then(() => reject(new Error(`${command} exited before ready:\n${output}`)));
  });
  child.kill("SIGTERM");
  await exited;
  return ready;
}

export default {
  name: "runtime-startup",
  description: `npm start to "ready" with a saved session, median of ${RUNS} runs`,
  async run() {
    const world = await startBenchWorld();
    const name = `bench-startup-${process.pid}`;
    const store = new SessionStore(join(ROOT, "sessions"));
    try {
      await world.control.createUser({ firstName: "Olivia", phone: "9996621510" });
      store.save(name, await loginTestNumber(world, "9996621510"));
      const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };
      for (const [key, value] of Object.entries(world.env({ LOG_FORMAT: "json", LOG_LEVEL: "info" }))) if (value !== undefined) env[key] = value;
      const viaNpm: number[] = [];
      const viaNode: number[] = [];
      for (let run = 0; run < RUNS; run += 1) {
        viaNpm.push(await timeToReady("npm", ["start", "--silent", "--", "--session", name], env));
        viaNode.push(await timeToReady(process.execPath, ["--import", "tsx", "src/cli/start.ts", "--session", name], env));
      }
      return [
        { name: "npm start → ready (median)", value: Math.round(median(viaNpm)), unit: "ms", target: { op: "<=", value: 1500 } },
        { name: "npm start → ready (slowest)", value: Math.round(Math.max(...viaNpm)), unit: "ms" },
        { name: "node --import tsx src/cli/start.ts → ready (median)", value: Math.round(median(viaNode)), unit: "ms" },
      ];
    } finally {
      for (const suffix of [".session", ".db", ".db-wal", ".db-shm"]) rmSync(join(ROOT, "sessions", `${name}${suffix}`), { force: true });
      await world.stop();
    }
  },
} satisfies Benchmark;
