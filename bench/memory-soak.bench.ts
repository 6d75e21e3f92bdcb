/**
 * Issue 14's soak: the production process (`npm run build`, then `node dist/cli/start.js` on a saved session
 * of the standalone emulator, METRICS_PORT unset) handles SOAK_MESSAGES messages (default 1,000,000) from
 * simulated people over 1,000 chats (500 private chats, each a person writing to the account, and 500
 * supergroups the account created, each with one person writing), pushed in bulk through the emulator's
 * control API; every message goes through update intake, the exactly-once ledger in the session database,
 * the access layer, the dispatcher and the router to the built-in plugins. Its resident memory (VmRSS) is
 * read once idle after ready, once the first half is handled and once all are, each time after IDLE_MS
 * with nothing arriving (issue 14: ≤ 30 MB over the run, none over the second half; none is taken as
 * ≤ 2 MB). The baseline does the same on the same traffic in the same run: a plain GramJS client
 * (bench/plain-gramjs-child.mjs --count, one NewMessage handler, plain node). Each side gets a fresh
 * emulator with the same chats, so neither inherits the other's million stored messages. Both report how
 * many messages they handled once a second (the production process in its `status` log line,
 * STATUS_LOG_INTERVAL=1); the senders stay at most AHEAD messages ahead of that count, so what waits in the
 * client stays bounded and the figures measure what handling leaves behind, not a backlog.
 */
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { SessionStore } from "../src/telegram/sessionStore.js";
import { type BenchWorld, loginTestNumber, type Send, startBenchWorld } from "./runtime-support.js";
import type { Benchmark, Metric } from "./types.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PRIVATE_CHATS = 500;
const GROUPS = 500;
const CHATS = PRIVATE_CHATS + GROUPS;
/** Messages per bulk call of the control API. */
const BATCH = 1000;
/** How far the senders may run ahead of the handled count (which comes once a second). */
const AHEAD = 8000;
/** How long a process sits with nothing arriving before its memory is read. */
const IDLE_MS = 5000;
/** The targets: growth over the run, and over the second half ("none", taken as this much). */
const GROWTH_TARGET_MB = 30;
const SECOND_HALF_TOLERANCE_MB = 2;
/** How long to wait for the handled count to reach a mark once everything is sent. */
const DRAIN_TIMEOUT_MS = 120_000;

/** Messages to push: SOAK_MESSAGES (try small first), 1,000,000 by default. */
function messageCount(value = process.env.SOAK_MESSAGES): number {
  if (value === undefined || value === "") return 1_000_000;
  const count = Number(value.replaceAll("_", ""));
  if (!Number.isInteger(count) || count < 2 * CHATS) throw new Error(`SOAK_MESSAGES must be a whole number of at least ${2 * CHATS}, not ${value}`);
  return count;
}

/** A field of /proc/PID/status in MB (VmRSS: resident now; VmHWM: the most it has been). */
function procMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${field}:`));
  return Number(line?.split(/\s+/)[1]) / 1024;
}

/** The chats of one side's world: who writes where. */
interface Cast {
  readonly ownerPhone: string;
  readonly chats: readonly { readonly fromId: string; readonly peer: Send["peer"] }[];
}

/** The account, 500 people writing to it privately and 500 supergroups it created, each with one of them writing. */
async function createCast(world: BenchWorld, ownerPhone: string): Promise<Cast> {
  const { control } = world;
  const owner = await control.createUser({ firstName: "Olivia", phone: ownerPhone });
  const people: string[] = [];
  for (let from = 0; from < PRIVATE_CHATS; from += 50) {
    const created = await Promise.all(Array.from({ length: 50 }, (_, n) => control.createUser({ firstName: `Person ${from + n}` })));
    people.push(...created.map((person) => person.id));
  }
  const groups: string[] = [];
  for (let from = 0; from < GROUPS; from += 50) {
    const created = await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        control.createChat({ type: "supergroup", title: `Group ${from + n}`, creatorId: owner.id, members: [{ userId: people[from + n], role: "member" }] }),
      ),
    );
    groups.push(...created.map((chat) => chat.id));
  }
  return {
    ownerPhone,
    chats: [
      ...people.map((id) => ({ fromId: id, peer: { type: "user" as const, id: owner.id } })),
      ...groups.map((id, n) => ({ fromId: people[n], peer: { type: "channel" as const, id } })),
    ],
  };
}

/** Message n of the traffic: chats in turn, so every chat gets a thousandth of them. */
function nth(cast: Cast, n: number): Send {
  const chat = cast.chats[n % CHATS];
  return { fromId: chat.fromId, peer: chat.peer, text: `soak message ${n}` };
}

/** A spawned client that says how many messages it has handled. */
interface Counted {
  readonly pid: number;
  handled(): number;
  /** Resolves once `count` are handled; rejects on timeout or exit. */
  untilHandled(count: number, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** Spawns a node process and follows its lines until `ready`; `count` reads the handled total from a line (undefined: not such a line). */
async function spawnCounted(
  args: readonly string[],
  env: Record<string, string>,
  ready: (line: string) => boolean,
  count: (line: string, total: number) => number | undefined,
): Promise<Counted> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const exited = once(child, "exit");
  let handled = 0;
  let isReady = false;
  let tail: string[] = [];
  let dead: Error | undefined;
  await new Promise<void>((resolve, reject) => {
    for (const source of [child.stdout!, child.stderr!]) {
      createInterface({ input: source }).on("line", (line) => {
        tail = [...tail.slice(-20), line];
        if (!isReady && ready(line)) {
          isReady = true;
          resolve();
        }
        const total = count(line, handled);
        if (total !== undefined) handled = total;
      });
    }
    void exited.then(() => {
      dead = new Error(`${args.join(" ")} exited (${child.exitCode ?? child.signalCode}); its last lines:\n${tail.join("\n")}`);
      reject(dead);
    });
  });
  return {
    pid: child.pid!,
    handled: () => handled,
    async untilHandled(target, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      while (handled < target) {
        if (dead) throw dead;
        if (performance.now() > deadline) throw new Error(`${args.join(" ")}: ${handled} of ${target} handled after ${timeoutMs} ms`);
        await sleep(20);
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** What one side measured. */
interface Soak {
  readonly messages: number;
  readonly startMb: number;
  readonly halfMb: number;
  readonly endMb: number;
  readonly peakMb: number;
  /** Sending and handling, idle pauses left out. */
  readonly seconds: number;
}

/**
 * Sends messages [from, to) in bulk, never more than AHEAD ahead of the handled count, and waits until all
 * are handled; notes the RSS (while busy) on stderr each time another tenth of `total` is sent.
 */
async function push(world: BenchWorld, cast: Cast, client: Counted, from: number, to: number, total: number, side: string): Promise<void> {
  const tenth = Math.ceil(total / 10);
  for (let start = from; start < to; start += BATCH) {
    const end = Math.min(start + BATCH, to);
    while (end - client.handled() > AHEAD) await sleep(10);
    await world.control.sendMessages(Array.from({ length: end - start }, (_, k) => nth(cast, start + k)));
    if (Math.floor(end / tenth) > Math.floor(start / tenth) && end < total) {
      process.stderr.write(
        `  ${side}: ${end.toLocaleString("en-US")} sent, ${client.handled().toLocaleString("en-US")} handled, RSS ${procMb(client.pid, "VmRSS").toFixed(1)} MB\n`,
      );
    }
  }
  await client.untilHandled(to, DRAIN_TIMEOUT_MS);
}

/** One side in a fresh world: the cast, a saved session, the process spawned by `launch`, the traffic in two halves, RSS at the three marks. */
async function soak(
  side: string,
  messages: number,
  launch: (env: Record<string, string>, sessionName: string, store: SessionStore) => Promise<Counted>,
): Promise<Soak> {
  const world = await startBenchWorld();
  const name = `bench-soak-${side}-${process.pid}`;
  const store = new SessionStore(join(ROOT, "sessions"));
  let client: Counted | undefined;
  try {
    const cast = await createCast(world, "9996621521");
    store.save(name, await loginTestNumber(world, cast.ownerPhone));
    const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };
    for (const [key, value] of Object.entries(world.env({ LOG_FORMAT: "json", LOG_LEVEL: "info", STATUS_LOG_INTERVAL: "1" })))
      if (value !== undefined) env[key] = value;
    client = await launch(env, name, store);
    const pid = client.pid;
    await sleep(IDLE_MS);
    const startMb = procMb(pid, "VmRSS");
    const half = Math.floor(messages / 2);
    let began = performance.now();
    await push(world, cast, client, 0, half, messages, side);
    let seconds = (performance.now() - began) / 1000;
    process.stderr.write(`  ${side}: ${half.toLocaleString("en-US")} handled in ${seconds.toFixed(1)} s\n`);
    await sleep(IDLE_MS);
    const halfMb = procMb(pid, "VmRSS");
    began = performance.now();
    await push(world, cast, client, half, messages, messages, side);
    seconds += (performance.now() - began) / 1000;
    process.stderr.write(`  ${side}: ${messages.toLocaleString("en-US")} handled in ${seconds.toFixed(1)} s\n`);
    await sleep(IDLE_MS);
    const endMb = procMb(pid, "VmRSS");
    const peakMb = procMb(pid, "VmHWM");
    if (client.handled() !== messages) throw new Error(`${side}: ${client.handled()} handled, ${messages} sent`);
    process.stderr.write(`  ${side}: RSS ${startMb.toFixed(1)} → ${halfMb.toFixed(1)} → ${endMb.toFixed(1)} MB (peak ${peakMb.toFixed(1)})\n`);
    return { messages, startMb, halfMb, endMb, peakMb, seconds };
  } finally {
    await client?.stop();
    for (const suffix of [".session", ".db", ".db-wal", ".db-shm", ".lock", ".sock"]) rmSync(join(ROOT, "sessions", `${name}${suffix}`), { force: true });
    await world.stop();
  }
}

/** The production process: ready and its handled total from its JSON log (the `status` line says how many since the previous one). */
function production(env: Record<string, string>, sessionName: string): Promise<Counted> {
  return spawnCounted(
    ["dist/cli/start.js", "--session", sessionName],
    env,
    (line) => line.includes('"msg":"ready"'),
    (line, total) => {
      if (!line.includes('"msg":"status"')) return undefined;
      return total + (JSON.parse(line) as { handled: number }).handled;
    },
  );
}

/** The plain GramJS client with its count printed once a second. */
function plain(env: Record<string, string>, sessionName: string, store: SessionStore): Promise<Counted> {
  return spawnCounted(
    ["bench/plain-gramjs-child.mjs", store.pathOf(sessionName), "--count"],
    env,
    (line) => line === "ready",
    (line) => (line.startsWith("handled ") ? Number(line.slice("handled ".length)) : undefined),
  );
}

const mb = (value: number) => Math.round(value * 10) / 10;

/** One side's figures. */
function figures(label: string, soaked: Soak, targets: boolean): Metric[] {
  return [
    { name: `${label}: RSS idle after ready`, value: mb(soaked.startMb), unit: "MB" },
    { name: `${label}: RSS at half-way`, value: mb(soaked.halfMb), unit: "MB" },
    { name: `${label}: RSS at the end`, value: mb(soaked.endMb), unit: "MB" },
    {
      name: `${label}: RSS growth over the run`,
      value: mb(soaked.endMb - soaked.startMb),
      unit: "MB",
      target: targets ? { op: "<=", value: GROWTH_TARGET_MB } : undefined,
    },
    {
      name: `${label}: RSS growth over the second half`,
      value: mb(soaked.endMb - soaked.halfMb),
      unit: "MB",
      target: targets ? { op: "<=", value: SECOND_HALF_TOLERANCE_MB } : undefined,
      note: targets ? `the issue asks for none; ${SECOND_HALF_TOLERANCE_MB} MB of tolerance` : undefined,
    },
    { name: `${label}: peak RSS (VmHWM)`, value: mb(soaked.peakMb), unit: "MB" },
    { name: `${label}: messages handled/s`, value: Math.round(soaked.messages / soaked.seconds), unit: "msg/s" },
    { name: `${label}: time to handle all`, value: Math.round(soaked.seconds * 10) / 10, unit: "s" },
  ];
}

export default {
  name: "memory-soak",
  description: `RSS of node dist/cli/start.js over SOAK_MESSAGES messages (default 1,000,000) in ${CHATS} chats, next to a plain GramJS client on the same traffic`,
  async run(): Promise<Metric[]> {
    execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
    const messages = messageCount();
    const started = performance.now();
    const soaked = await soak("production", messages, production);
    const baseline = await soak("plain", messages, plain);
    return [
      { name: "messages, chats", value: messages, unit: `msgs in ${CHATS} chats`, note: `${PRIVATE_CHATS} private chats, ${GROUPS} supergroups` },
      ...figures("node dist/cli/start.js", soaked, true),
      ...figures("plain GramJS", baseline, false),
      { name: "whole benchmark", value: Math.round((performance.now() - started) / 1000), unit: "s" },
    ];
  },
} satisfies Benchmark;
