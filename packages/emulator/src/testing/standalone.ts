/**
 * Start the emulator as its own process (`npm run emulator`'s entry point), the way users and other
 * tools run it, and read its ready line.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { ControlClient } from "../controlClient.js";

export interface StandaloneEmulator {
  host: string;
  port: number;
  dcId: number;
  /** Every DC, main DC included: id, host and port. */
  dcs: { id: number; host: string; port: number }[];
  controlUrl: string;
  rsaPublicKey: string;
  /** Ids of what a --seed file named, by ref. */
  seeded: Record<string, { id: string; phone?: string; botToken?: string }>;
  control: ControlClient;
  process: ChildProcess;
  /** Send SIGTERM and resolve with the exit code. */
  stop(): Promise<number | null>;
}

/** The standalone entry point `npm run emulator` runs. */
export const EMULATOR_CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));

/** Spawn the emulator's CLI (under tsx) with the given arguments and wait for its ready line. */
export async function spawnEmulator(args: string[] = []): Promise<StandaloneEmulator> {
  const child = spawn(process.execPath, ["--import", "tsx", EMULATOR_CLI, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    lines.once("line", (line) => {
      try {
        resolve(JSON.parse(line) as Record<string, unknown>);
      } catch {
        reject(new Error(`emulator printed a line that is not JSON: ${line}`));
      }
    });
    child.once("exit", (code) => reject(new Error(`emulator exited with ${code} before ready: ${stderr.trim()}`)));
  });
  if (ready.event !== "ready") throw new Error(`unexpected first line: ${JSON.stringify(ready)}`);
  return {
    host: ready.host as string,
    port: ready.port as number,
    dcId: ready.dcId as number,
    dcs: ready.dcs as StandaloneEmulator["dcs"],
    controlUrl: ready.controlUrl as string,
    rsaPublicKey: ready.rsaPublicKey as string,
    seeded: (ready.seeded ?? {}) as StandaloneEmulator["seeded"],
    control: new ControlClient(ready.controlUrl as string),
    process: child,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const [code] = (await once(child, "exit")) as [number | null];
      return code;
    },
  };
}
