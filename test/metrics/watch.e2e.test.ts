/**
 * Watching `npm start`'s runtime end to end against the emulator over TCP, with METRICS_PORT set:
 * /healthz turns 503 within 2 s of the emulator dropping every connection and 200 once caught up again,
 * /metrics is valid Prometheus text whose counters match the traffic sent, the instance file lets
 * `npm run status` find the running instance, and it is gone once the runtime stops.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUserbot } from "../../src/app/userbot.js";
import { definePlugin, onMessage } from "../../src/handlers/plugin.js";
import { instanceFilePath, readInstanceFile } from "../../src/metrics/instanceFile.js";
import type { Runtime } from "../../src/runtime/index.js";
import { SessionStore } from "../../src/telegram/sessionStore.js";
import { runCli } from "../kit/cli.js";
import { captureLog, type LogCapture } from "../kit/log.js";
import { Watch } from "../kit/watch.js";
import { type Peer, preSharedSession, startWorld, type World, workingDir } from "../kit/world.js";
import { parsePrometheusText, sampleValue } from "./promText.js";

let world: World;
let owner: { id: string };
let alice: { id: string };
let club: Peer;
let cwd: string;
let runtime: Runtime;
let base: string;
const watch = new Watch();
let handledCount = 0;
let logs: LogCapture;

/** A plugin that handles every message, throws on "boom" and replies to "flood". */
const probe = definePlugin({
  name: "probe",
  handlers: [
    onMessage(
      () => true,
      async (ctx) => {
        if (ctx.message.text === "boom") throw new Error("boom on purpose");
        if (ctx.message.text === "flood") await ctx.reply("after a flood wait");
      },
    ),
  ],
});

async function health(): Promise<{ status: number; body: { state: string; connected: boolean; caughtUp: boolean; handled: number } }> {
  const response = await fetch(`${base}/healthz`);
  return { status: response.status, body: (await response.json()) as { state: string; connected: boolean; caughtUp: boolean; handled: number } };
}

/** Polls /healthz until its status is `status`; resolves with the milliseconds it took. */
async function healthTurns(status: number, withinMs: number): Promise<number> {
  const begun = performance.now();
  for (;;) {
    if ((await health()).status === status) return performance.now() - begun;
    if (performance.now() - begun > withinMs) throw new Error(`/healthz did not answer ${status} within ${withinMs} ms: ${JSON.stringify(await health())}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  world = await startWorld();
  owner = await world.control.createUser({ firstName: "Olivia", phone: "9996621401" });
  alice = await world.control.createUser({ firstName: "Alice" });
  club = {
    type: "channel",
    id: (await world.control.createChat({ type: "supergroup", title: "Club", creatorId: owner.id, members: [{ userId: alice.id, role: "member" }] })).id,
  };
  cwd = workingDir(world, await preSharedSession(world.emu, owner.id));
  const store = new SessionStore(join(cwd, "sessions"));
  logs = captureLog({ level: "info" });
  runtime = await startUserbot({
    config: world.config({ METRICS_PORT: "0", STATUS_LOG_INTERVAL: "1" }),
    store,
    sessionName: "default",
    plugins: [probe],
    log: logs.log,
  });
  runtime.onHandled(() => {
    handledCount += 1;
    watch.changed();
  });
  await runtime.caughtUp;
  base = readInstanceFile(instanceFilePath(store.dir, "default"))!.url;
});

afterAll(async () => {
  await runtime?.stop();
  await world?.stop();
});

describe("metrics and health (METRICS_PORT)", () => {
  it("writes the instance file, readable by its owner only, pointing at 127.0.0.1", () => {
    const file = instanceFilePath(join(cwd, "sessions"), "default");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readInstanceFile(file)).toMatchObject({ pid: process.pid, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
  });

  it("answers /healthz 200 with the state when connected and caught up", async () => {
    await healthTurns(200, 5000);
    expect((await health()).body).toMatchObject({ state: "ready", connected: true, caughtUp: true });
  });

  it("serves /metrics as Prometheus text whose counters match the traffic sent", async () => {
    const before = parsePrometheusText(await (await fetch(`${base}/metrics`)).text());
    const privateChat: Peer = { type: "user", id: owner.id };
    const texts = { private: ["p1", "p2", "p3"], club: ["c1", "c2", "boom"] };
    const target = handledCount + 6;
    for (const text of texts.private) await world.control.sendMessage(alice.id, privateChat, text);
    for (const text of texts.club) await world.control.sendMessage(alice.id, club, text);
    await watch.until(
      () => handledCount >= target,
      () => `${handledCount} of ${target} messages handled`,
    );

    const response = await fetch(`${base}/metrics`);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const after = parsePrometheusText(await response.text());
    const delta = (name: string, labels: Record<string, string> = {}) => sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(delta("tg_messages_handled_total")).toBe(6);
    expect(delta("tg_updates_received_total", { kind: "UpdateNewMessage" })).toBe(3);
    expect(delta("tg_updates_received_total", { kind: "UpdateNewChannelMessage" })).toBe(3);
    expect(delta("tg_handler_errors_total")).toBe(1);
    expect(delta("tg_handler_duration_seconds_count")).toBe(6);
    expect(sampleValue(after, "tg_queue_depth")).toBe(0);
    expect(sampleValue(after, "tg_rpc_duration_seconds_count", { method: "updates.GetState" })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(after, "process_resident_memory_bytes")).toBeGreaterThan(10 * 1024 * 1024);
    expect(sampleValue(after, "tg_connected")).toBe(1);
  });

  it("counts flood waits and RPC latency by method", async () => {
    const before = parsePrometheusText(await (await fetch(`${base}/metrics`)).text());
    await world.control.addFault({ method: "messages.sendMessage", error: "FLOOD_WAIT_1", count: 1 });
    const target = handledCount + 1;
    await world.control.sendMessage(alice.id, { type: "user", id: owner.id }, "flood");
    await watch.until(
      () => handledCount >= target,
      () => `${handledCount} of ${target} messages handled`,
    );
    const after = parsePrometheusText(await (await fetch(`${base}/metrics`)).text());
    const delta = (name: string, labels: Record<string, string>) => sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(delta("tg_flood_waits_total", { method: "messages.SendMessage" })).toBe(1);
    expect(delta("tg_flood_wait_seconds_total", { method: "messages.SendMessage" })).toBe(1);
    expect(delta("tg_rpc_duration_seconds_count", { method: "messages.SendMessage", outcome: "error" })).toBe(1);
    expect(delta("tg_rpc_duration_seconds_count", { method: "messages.SendMessage", outcome: "ok" })).toBe(1);
  });

  it("turns 503 within 2 s of a dropped connection and 200 once caught up, counting the reconnection", async () => {
    const reconnectsBefore = sampleValue(parsePrometheusText(await (await fetch(`${base}/metrics`)).text()), "tg_reconnects_total");
    await world.control.setLatency(1500); // the catch-up after reconnecting takes a while: the 503 lasts long enough to be seen
    try {
      await world.control.disconnect();
      const ms = await healthTurns(503, 2000);
      expect(ms).toBeLessThan(2000);
      expect(["disconnected", "catching-up"]).toContain((await health()).body.state);
    } finally {
      await world.control.setLatency(0);
    }
    await healthTurns(200, 15_000);
    expect((await health()).body).toMatchObject({ state: "ready", connected: true, caughtUp: true });
    const after = parsePrometheusText(await (await fetch(`${base}/metrics`)).text());
    expect(sampleValue(after, "tg_reconnects_total") - reconnectsBefore).toBe(1);
  });

  it("logs a status line every STATUS_LOG_INTERVAL seconds: handled since the last, queued, lag", async () => {
    const since = Date.now(); // the lines logged while the connection was down say so; wait for one from now on
    const status = await logs.untilEntry((entry) => entry.msg === "status" && typeof entry.handled === "number" && Number(entry.time) >= since, 3000);
    expect(status).toMatchObject({ queued: 0, running: 0, lagSeconds: 0, connected: true, caughtUp: true });
  });

  it("npm run status finds the instance through the instance file and prints its state", async () => {
    const human = await runCli("status", [], { cwd });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^session default: ready \(pid \d+, up /);
    expect(human.stdout).toContain("connected yes, caught up yes");
    const json = await runCli("status", ["--session", "default", "--json"], { cwd });
    expect(JSON.parse(json.stdout)).toMatchObject({ state: "ready", session: "default", handled: handledCount });
  });

  it("npm run status of a session not running says so in one line, exit 3", async () => {
    const other = await runCli("status", ["--session", "other"], { cwd });
    expect(other.code).toBe(3);
    expect(other.stderr.trim().split("\n")).toHaveLength(1);
    expect(other.stderr).toContain('No running instance of session "other"');
  });

  it("removes the instance file and closes the server when the runtime stops", async () => {
    await runtime.stop();
    expect(existsSync(instanceFilePath(join(cwd, "sessions"), "default"))).toBe(false);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
