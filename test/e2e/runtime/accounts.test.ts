/**
 * Several accounts in one process, end to end against the emulator over TCP: two accounts run side by
 * side, each with its own session database, its log lines carrying its session name, one METRICS_PORT
 * for both (/healthz listing each, /metrics labelled by session); revoking one account's session sets it
 * aside and the other keeps handling messages. Then `npm start -- --session a --session b` as a user runs
 * it: a session revoked before the start is set aside in one line while the other runs, and the exit codes.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Accounts, startAccounts } from "../../../src/app/accounts.js";
import ping from "../../../src/plugins/ping.js";
import type { Runtime } from "../../../src/runtime/index.js";
import { SessionStore } from "../../../src/telegram/sessionStore.js";
import { runCli, startCli } from "../../kit/cli.js";
import { captureLog } from "../../kit/log.js";
import { handled, latest, preSharedSession, startWorld, type World, workingDir } from "../../kit/world.js";
import { parsePrometheusText, sampleValue } from "../../metrics/promText.js";

let world: World;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world?.stop();
});

/** The owner sends .ping to their Saved Messages from another device; resolves with what the runtime edited it into. */
async function pingRoundTrip(runtime: Runtime, ownerId: string): Promise<string> {
  const saved = { type: "user" as const, id: ownerId };
  const done = handled(runtime, (message) => message.text === ".ping" && message.out);
  await world.control.sendMessage(ownerId, saved, ".ping");
  await done;
  return (await latest(world, saved, ownerId)).text;
}

/** Polls /healthz (as a monitor does) until it answers `status`. */
async function healthOnce(base: string, status: number): Promise<{ status: number; body: Record<string, unknown> }> {
  const deadline = performance.now() + 5000;
  for (;;) {
    const response = await fetch(`${base}/healthz`);
    const answer = { status: response.status, body: (await response.json()) as Record<string, unknown> };
    if (answer.status === status || performance.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("two accounts in one process", () => {
  let accounts: Accounts;
  let store: SessionStore;
  const people: { id: string }[] = [];

  beforeAll(async () => {
    people.push(await world.control.createUser({ firstName: "Anna" }), await world.control.createUser({ firstName: "Boris" }));
    store = world.store();
    store.save("anna", await preSharedSession(world.emu, people[0].id));
    store.save("boris", await preSharedSession(world.emu, people[1].id));
  });

  afterAll(async () => {
    await accounts?.stop();
  });

  it("runs both, each on its own database, logging its session name, behind one METRICS_PORT", async () => {
    const logs = captureLog({ level: "info" });
    accounts = await startAccounts({
      config: world.config({ METRICS_PORT: "0" }),
      store,
      sessionNames: ["anna", "boris"],
      log: logs.log,
      plugins: [ping],
      sessionCheckMs: 300,
    });
    const [anna, boris] = ["anna", "boris"].map((name) => accounts.running().find((runtime) => runtime.sessionName === name)!);
    expect(anna.me.id).toBe(people[0].id);
    expect(boris.me.id).toBe(people[1].id);
    expect(existsSync(join(store.dir, "anna.db")) && existsSync(join(store.dir, "boris.db"))).toBe(true);
    expect(
      logs
        .entries()
        .filter((entry) => entry.msg === "ready")
        .map((entry) => entry.sessionName),
    ).toEqual(expect.arrayContaining(["anna", "boris"]));

    expect(await pingRoundTrip(anna, people[0].id)).toMatch(/^Pong! \d+ ms$/);
    expect(await pingRoundTrip(boris, people[1].id)).toMatch(/^Pong! \d+ ms$/);
    const base = JSON.parse(readFileSync(join(store.dir, "anna.metrics.json"), "utf8")).url as string;
    expect(JSON.parse(readFileSync(join(store.dir, "boris.metrics.json"), "utf8")).url).toBe(base);
    const healthy = await healthOnce(base, 200);
    expect(healthy.status).toBe(200);
    expect(healthy.body).toMatchObject({
      state: "ready",
      accounts: [expect.objectContaining({ state: "ready" }), expect.objectContaining({ state: "ready" })],
    });
    expect((healthy.body.accounts as { session: string }[]).map((account) => account.session).sort()).toEqual(["anna", "boris"]);
    const metrics = parsePrometheusText(await (await fetch(`${base}/metrics`)).text());
    expect(sampleValue(metrics, "tg_messages_handled_total", { session: "anna" })).toBe(1);
    expect(sampleValue(metrics, "tg_messages_handled_total", { session: "boris" })).toBe(1);
    expect(sampleValue(metrics, "tg_connected", { session: "boris" })).toBe(1);
  });

  it("sets aside the account whose session is revoked; the other keeps handling messages", async () => {
    const [anna, boris] = ["anna", "boris"].map((name) => accounts.running().find((runtime) => runtime.sessionName === name)!);
    await world.control.revokeSessions(people[1].id);
    expect((await boris.stopped).reason).toBe("revoked");
    expect(accounts.running()).toEqual([anna]);
    expect(await pingRoundTrip(anna, people[0].id)).toMatch(/^Pong! \d+ ms$/);
    const base = JSON.parse(readFileSync(join(store.dir, "anna.metrics.json"), "utf8")).url as string;
    const health = await healthOnce(base, 200);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      state: "ready",
      accounts: [expect.objectContaining({ session: "anna", state: "ready" })],
      setAside: [{ session: "boris", reason: expect.stringMatching(/^Session "boris" was revoked or expired/) }],
    });
    expect(await accounts.stop()).toEqual([
      { sessionName: "anna", ended: "stopped" },
      { sessionName: "boris", ended: "set-aside", reason: expect.stringMatching(/^Session "boris" was revoked/) },
    ]);
  });
});

describe("npm start -- --session a --session b", () => {
  it("sets aside a session revoked before the start in one line, runs the other, and exits 1 on SIGTERM", async () => {
    const [kept, revoked] = [await world.control.createUser({ firstName: "Kept" }), await world.control.createUser({ firstName: "Gone" })];
    const cwd = workingDir(world, await preSharedSession(world.emu, kept.id));
    const sessions = new SessionStore(join(cwd, "sessions"));
    sessions.save("kept", await preSharedSession(world.emu, kept.id));
    sessions.save("gone", await preSharedSession(world.emu, revoked.id));
    await world.control.revokeSessions(revoked.id);
    const env = world.env({ LOG_FORMAT: "json", METRICS_PORT: "0" });
    const start = startCli("start", ["--session", "kept", "--session", "gone"], { cwd, env });
    const ready = JSON.parse(await start.line(/"msg":"ready"/)) as Record<string, unknown>;
    expect(ready).toMatchObject({ sessionName: "kept" });
    const aside = JSON.parse(await start.line(/"sessionName":"gone"/)) as Record<string, unknown>;
    expect(aside.msg).toMatch(
      /^Session "gone" was revoked or expired \(kept as sessions\/gone\.session\.revoked-\d{8}T\d{6}Z\).*\(the other accounts keep running\)$/,
    );
    await start.line(/"msg":"metrics: \/healthz and \/metrics listening"/);
    const status = await runCli("status", ["--session", "kept", "--json"], { cwd, env });
    expect(JSON.parse(status.stdout)).toMatchObject({ session: "kept", state: expect.stringMatching(/^(ready|catching-up)$/) });
    const gone = await runCli("status", ["--session", "gone"], { cwd, env: world.env() });
    expect(gone.code).toBe(3);
    expect(gone.stderr).toMatch(/^No running instance of session "gone" found/);
    start.child.kill("SIGTERM");
    const ended = await start.finished;
    expect(ended.code).toBe(1);
    expect(ended.stderr).toContain('"msg":"stopped"');
    expect(ended.stderr.trimEnd().split("\n").at(-1)).toBe("Stopped; set aside while the others ran: gone (see the line logged for each).");
  });

  it("stops every account gracefully on SIGINT and exits 0", async () => {
    const [one, two] = [await world.control.createUser({ firstName: "One" }), await world.control.createUser({ firstName: "Two" })];
    const cwd = workingDir(world, await preSharedSession(world.emu, one.id));
    const sessions = new SessionStore(join(cwd, "sessions"));
    sessions.save("two", await preSharedSession(world.emu, two.id));
    const start = startCli("start", [], { cwd, env: world.env({ LOG_FORMAT: "json", SESSIONS: "default, two" }) });
    await start.line(/"msg":"ready".*"sessionName":"two"|"sessionName":"two".*"msg":"ready"/);
    await start.line(/"msg":"ready".*"sessionName":"default"|"sessionName":"default".*"msg":"ready"/);
    start.child.kill("SIGINT");
    const ended = await start.finished;
    expect(ended.code).toBe(0);
    const stopped = ended.stderr
      .split("\n")
      .filter((line) => line.includes('"msg":"stopped"'))
      .map((line) => (JSON.parse(line) as { sessionName: string }).sessionName);
    expect(stopped.sort()).toEqual(["default", "two"]);
  });

  it("exits 2 when every account is set aside, and refuses a session named twice", async () => {
    const person = await world.control.createUser({ firstName: "Both" });
    const cwd = workingDir(world, await preSharedSession(world.emu, person.id));
    const sessions = new SessionStore(join(cwd, "sessions"));
    sessions.save("one", await preSharedSession(world.emu, person.id));
    sessions.save("two", await preSharedSession(world.emu, person.id));
    await world.control.revokeSessions(person.id);
    const start = startCli("start", [], { cwd, env: world.env({ LOG_FORMAT: "json", SESSIONS: "one,two" }) });
    const ended = await start.finished;
    expect(ended.code).toBe(2);
    expect(ended.stderr.trimEnd().split("\n").at(-1)).toBe("None of the 2 accounts could start (one, two): see the line logged for each.");
    const twice = await startCli("start", ["--session", "one", "--session", "one"], { cwd, env: world.env() }).finished;
    expect(twice.code).toBe(2);
    expect(twice.stderr).toBe('--session names session "one" twice: one process runs each session once.\n');
  });
});
