/**
 * Auditing a 100,000-member megagroup, side by side in one run against one emulator with 20 ms latency
 * per request: the toolkit's audit (pipelined pages, snapshot in SQLite, report) against plain GramJS
 * `client.getParticipants(chat, { limit: Infinity })`. Each side runs in its own child process so its
 * peak RSS is its own; RPCs are counted by the emulator. The megagroup's Recent list is opened past
 * Telegram's 10,000 (recentParticipantsCap raised) so that Recent alone suffices and both sides can list
 * everyone. A megagroup, not a broadcast channel: Telegram lists only about 200 of a channel's
 * subscribers, even to its owner (Telethon #3781), so a 100,000-subscriber channel audit cannot happen.
 * Then the diff of two 100,000-member snapshots.
 *
 * Targets (issue 6): wall time <= 0.3x GramJS, RPCs <= 1.05 x ceil(members/200), peak RSS under half
 * of GramJS's, diff under 1 s.
 */
import { fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { Emulator } from "@tg-toolkit/emulator";
import { createChat, createUser, memberCount, seedMembers } from "@tg-toolkit/emulator/model";
import { preSharedSession, startWorld } from "../test/kit/world.js";
import type { ChildConfig, ChildResult } from "./audit-child.js";
import type { Benchmark, Metric } from "./types.js";

const MEMBERS = 100_000;
const LATENCY_MS = 20;
const CHILD = fileURLToPath(new URL("./audit-child.ts", import.meta.url));

/** Runs one side in a child process; `onGo` runs between the child's "ready" and its start. */
async function side(mode: "ours" | "gramjs" | "diff", config: ChildConfig | undefined, onGo: () => void = () => {}): Promise<ChildResult> {
  const child = fork(CHILD, [mode], { execArgv: ["--import", "tsx"], env: { ...process.env, BENCH_AUDIT: JSON.stringify(config ?? {}) }, stdio: "inherit" });
  let result: ChildResult | undefined;
  let failure: string | undefined;
  child.on("message", (message: { ready?: true; result?: ChildResult; error?: string }) => {
    if (message.ready) {
      onGo();
      child.send("go");
    }
    if (message.result) result = message.result;
    if (message.error) failure = message.error;
  });
  await once(child, "exit");
  if (!result) throw new Error(`audit bench child "${mode}" failed: ${failure ?? "no result"}`);
  return result;
}

/**
 * RPCs the emulator served (in total and channels.getParticipants) while `run` ran, and the CPU time
 * the emulator (this process) spent serving them: no client can finish faster than that.
 */
async function counted<T>(emu: Emulator, run: (start: () => void) => Promise<T>): Promise<{ value: T; total: number; pages: number; emulatorCpuS: number }> {
  const total = () => [...emu.router.stats.values()].reduce((a, b) => a + b, 0);
  const pages = () => emu.router.stats.get("channels.getParticipants") ?? 0;
  let before = { total: 0, pages: 0, cpu: process.cpuUsage() };
  const value = await run(() => {
    before = { total: total(), pages: pages(), cpu: process.cpuUsage() };
  });
  const cpu = process.cpuUsage(before.cpu);
  return { value, total: total() - before.total, pages: pages() - before.pages, emulatorCpuS: (cpu.user + cpu.system) / 1e6 };
}

export default {
  name: "audit",
  description: `audit a ${MEMBERS.toLocaleString("en-US")}-member megagroup vs plain GramJS getParticipants, ${LATENCY_MS} ms latency`,
  async run(): Promise<Metric[]> {
    const world = await startWorld({ emulator: { latencyMs: LATENCY_MS } });
    const { emu } = world;
    try {
      const model = emu.model;
      model.limits.recentParticipantsCap = 1_000_000;
      const owner = createUser(model, { firstName: "Bench", lastName: "Owner", username: "bench_owner" });
      const chat = createChat(model, { type: "supergroup", title: "Bench group", username: "bench_audit", creatorId: owner.id });
      seedMembers(model, chat.id, MEMBERS);
      const members = memberCount(model, chat);
      const config = (session: string): ChildConfig => ({ host: emu.host, port: emu.port, rsaPublicKey: emu.rsaPublicKey, session, chat: "@bench_audit" });

      const ours = await counted(emu, async (start) => side("ours", config(await preSharedSession(emu, owner.id)), start));
      const plain = await counted(emu, async (start) => side("gramjs", config(await preSharedSession(emu, owner.id)), start));
      const diff = await side("diff", undefined);
      const pagesNeeded = Math.ceil(members / 200);
      return [
        { name: "members in the megagroup", value: members, unit: "" },
        { name: "ours: wall time", value: round(ours.value.ms / 1000), unit: "s" },
        { name: "GramJS: wall time", value: round(plain.value.ms / 1000), unit: "s" },
        { name: "wall time ours / GramJS", value: round(ours.value.ms / plain.value.ms, 3), unit: "x", target: { op: "<=", value: 0.3 } },
        { name: "emulator CPU while ours ran", value: round(ours.emulatorCpuS), unit: "s", note: "serving the pages: the floor of any client's wall time" },
        { name: "emulator CPU while GramJS ran", value: round(plain.emulatorCpuS), unit: "s" },
        { name: "ours: members listed", value: ours.value.rows, unit: "", note: `plus ${ours.value.detail?.kicked ?? 0} banned` },
        {
          name: "GramJS: members listed",
          value: plain.value.rows,
          unit: "",
          note: "GramJS skips restricted members (channelParticipantBanned has no user_id)",
        },
        {
          name: "ours: RPCs",
          value: ours.total,
          unit: "",
          target: { op: "<=", value: Math.floor(1.05 * pagesNeeded) },
          note: `${ours.pages} getParticipants; ceil(members/200) = ${pagesNeeded}`,
        },
        { name: "GramJS: RPCs", value: plain.total, unit: "", note: `${plain.pages} getParticipants` },
        { name: "ours: peak RSS", value: ours.value.peakRssMb, unit: "MB" },
        { name: "GramJS: peak RSS", value: plain.value.peakRssMb, unit: "MB" },
        { name: "peak RSS ours / GramJS", value: round(ours.value.peakRssMb / plain.value.peakRssMb, 3), unit: "x", target: { op: "<=", value: 0.5 } },
        {
          name: "diff of two 100,000-member snapshots",
          value: round(diff.ms / 1000, 3),
          unit: "s",
          target: { op: "<=", value: 1 },
          note: `${diff.rows} changes`,
        },
        { name: "writing one 100,000-member snapshot", value: round((diff.detail?.snapshotWriteMs ?? 0) / 1000, 3), unit: "s" },
      ];
    } finally {
      await world.stop();
    }
  },
} satisfies Benchmark;

function round(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}
