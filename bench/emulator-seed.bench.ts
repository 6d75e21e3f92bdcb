/** Seeding a 200,000-member channel in the emulator's model: time and memory (issue: < 2 s, < 400 MB). */
import { execFileSync } from "node:child_process";
import type { Benchmark } from "./types.js";

const MEMBERS = 200_000;

export default {
  name: "emulator-seed",
  description: `seed a ${MEMBERS.toLocaleString("en-US")}-member channel (fresh process)`,
  async run() {
    const out = execFileSync(process.execPath, ["--import", "tsx", "bench/emulator-seed-child.ts", String(MEMBERS)], {
      encoding: "utf8",
    });
    const r = JSON.parse(out) as { ms: number; rssMb: number; peakRssMb: number; participants: number };
    return [
      { name: "seed time", value: r.ms / 1000, unit: "s", target: { op: "<=", value: 2 } },
      { name: "peak RSS (whole process)", value: r.peakRssMb, unit: "MB", target: { op: "<=", value: 400 } },
      { name: "participants", value: r.participants, unit: "" },
    ];
  },
} satisfies Benchmark;
