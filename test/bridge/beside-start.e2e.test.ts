/**
 * Scripts beside `npm start` (issue 12, item 5), in child processes against the strict emulator over TCP:
 * Telegram sends an authorization's updates to its last active connection only, so `npm run confirm` and
 * `npm run send` run through the npm start of their session (sessions/NAME.sock) instead of opening a second
 * connection. Confirm gets the press (bot mode) and the reply (user mode) while npm start keeps answering;
 * send is delivered through it; a second npm start refuses; with npm start stopped, send connects itself.
 */
import { existsSync, mkdtempSync, statSync } from "node:fs";
import { join } from "node:path";
import { nextMessage } from "@tg-toolkit/emulator/testing";
import type { TelegramClient } from "telegram";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Env } from "../../src/config.js";
import { type Running, runCli, startCli } from "../kit/cli.js";
import { latest, type Peer, preSharedSession, signedInClient, startWorld, type World, workingDir } from "../kit/world.js";

/** Generous waits: these tests run several processes on a shared 2-core machine. */
const WAIT_MS = 40_000;
const TEST_MS = 120_000;

let world: World;
let owner: { id: string };
let alice: { id: string };
let bot: { id: string; botToken?: string };
let phone: TelegramClient;

/** The emulator's variables with JSON logs; as the bot when asked. */
function env(asBot: boolean): Env {
  return world.env({ LOG_FORMAT: "json", ...(asBot ? { TELEGRAM_BOT_TOKEN: bot.botToken } : {}) });
}

/** Starts npm start in `cwd` and resolves once it is ready and serves its scripts. */
async function npmStart(cwd: string, asBot: boolean): Promise<Running> {
  const start = startCli("start", [], { cwd, env: env(asBot) });
  await start.line(/"msg":"ready"/, WAIT_MS);
  await start.line(/run through this process/, WAIT_MS);
  return start;
}

/** Stops npm start with SIGTERM; it exits 0 and leaves neither its lock nor its socket behind. */
async function stop(start: Running, cwd: string, sessionName: string): Promise<void> {
  start.child.kill("SIGTERM");
  const end = await start.finished;
  expect(end.code, end.stderr).toBe(0);
  expect(existsSync(join(cwd, "sessions", `${sessionName}.lock`))).toBe(false);
  expect(existsSync(join(cwd, "sessions", `${sessionName}.sock`))).toBe(false);
}

/** The calls of a method the emulator has served so far. */
async function calls(method: string): Promise<number> {
  return (await world.control.stats()).rpc[method] ?? 0;
}

beforeAll(async () => {
  world = await startWorld();
  const { control } = world;
  owner = await control.createUser({ firstName: "Olivia", username: "olivia_bs", phone: "9996621811" });
  alice = await control.createUser({ firstName: "Alice", lastName: "Ross", username: "alice_bs" });
  bot = await control.createUser({ firstName: "Ops", username: "ops_bs_bot", bot: true });
  await control.createChat({ type: "supergroup", title: "Team", username: "team_bs", creatorId: owner.id, members: [{ userId: alice.id, role: "member" }] });
  phone = await signedInClient(world.emu, alice.id, { getMe: true });
  await control.sendMessage(alice.id, { type: "user", id: bot.id }, "/start");
});

afterAll(async () => {
  await phone?.destroy();
  await world?.stop();
});

describe("bot mode, npm start running", () => {
  it("confirm gets the press through npm start, which misses nothing meanwhile; send goes through it; a second npm start refuses", {
    timeout: TEST_MS,
  }, async () => {
    const cwd = mkdtempSync(join(world.dir, "bot-"));
    const start = await npmStart(cwd, true);
    const sessionName = `bot-${bot.id}`;
    expect(statSync(join(cwd, "sessions", `${sessionName}.sock`)).mode & 0o777).toBe(0o600);
    const chat: Peer = { type: "user", id: bot.id };
    const connectsBefore = await calls("help.getConfig");

    const shown = nextMessage(phone, "Deploy beside npm start?", WAIT_MS);
    const confirm = startCli("confirm", ["@alice_bs", "Deploy beside npm start?", "--timeout", "90s"], { cwd, env: env(true) });
    await shown;
    const question = await latest(world, chat, alice.id);
    expect(question.text).toBe("Deploy beside npm start?");
    // npm start still gets the account's updates while the script waits: it answers a command.
    const pong = nextMessage(phone, "Pong!", WAIT_MS);
    await world.control.sendMessage(alice.id, chat, "/ping");
    await pong;
    expect(await world.control.pressButton(alice.id, chat, question.id, question.buttons![0][0].data!)).toMatchObject({ message: "Approved.", alert: false });
    const end = await confirm.finished;
    expect(end.code, end.stderr).toBe(0);
    expect(end.stdout).toBe("✅ Approved by Alice Ross (@alice_bs)\n");
    const recent = await world.control.messages(chat.type, chat.id, { viewerId: alice.id, limit: 10 });
    expect(recent.find((message) => message.id === question.id)?.text).toBe("Deploy beside npm start?\n\n✅ Approved by Alice Ross (@alice_bs)");

    const sent = await runCli("send", ["@alice_bs", "through npm start"], { cwd, env: env(true) });
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toMatch(/^Sent to @alice_bs: message \d+\.\n$/);
    expect((await latest(world, chat, alice.id)).text).toBe("through npm start");
    // Neither script opened a connection of its own (GramJS's first call on a connection is help.getConfig).
    expect(await calls("help.getConfig")).toBe(connectsBefore);
    expect(start.output.stderr.match(/a script of this session connected on the local socket/g)).toHaveLength(2);

    const pongAfter = nextMessage(phone, "Pong!", WAIT_MS);
    await world.control.sendMessage(alice.id, chat, "/ping");
    await pongAfter;

    const second = await runCli("start", [], { cwd, env: env(true) });
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(
      new RegExp(
        `^npm start is already running for session "${sessionName}" \\(pid ${start.child.pid}\\): stop it first, or run another session with --session NAME\\n$`,
      ),
    );
    await stop(start, cwd, sessionName);
  });
});

describe("user mode, npm start running", () => {
  it("confirm gets the reply through npm start, which misses nothing meanwhile; with npm start stopped, send connects itself", {
    timeout: TEST_MS,
  }, async () => {
    const cwd = workingDir(world, await preSharedSession(world.emu, owner.id));
    const start = await npmStart(cwd, false);
    const chat: Peer = { type: "user", id: alice.id };

    const shown = nextMessage(phone, "Ship beside npm start?\n\nReply yes or no.", WAIT_MS);
    const confirm = startCli("confirm", ["@alice_bs", "Ship beside npm start?", "--timeout", "90s"], { cwd, env: env(false) });
    await shown;
    // The owner's own command, sent while the script waits, is handled by npm start.
    await world.control.sendMessage(owner.id, chat, ".ping");
    await vi.waitFor(async () => expect((await latest(world, chat, owner.id)).text).toMatch(/^Pong!/), { timeout: WAIT_MS, interval: 100 });
    await world.control.sendMessage(alice.id, { type: "user", id: owner.id }, "yes");
    const end = await confirm.finished;
    expect(end.code, end.stderr).toBe(0);
    expect(end.stdout).toBe("✅ Approved by Alice Ross (@alice_bs)\n");
    expect(start.output.stderr).toContain("a script of this session connected on the local socket");

    // An audit still opens its own connection: it says so, and hands the updates back to npm start when it ends.
    const audit = await runCli("audit", ["@team_bs", "--format", "json"], { cwd, env: env(false) });
    expect(audit.code, audit.stderr).toBe(0);
    expect(audit.stderr).toContain(`note: npm start runs for session "default" (pid ${start.child.pid}); it may see updates late until the audit ends`);
    await world.control.sendMessage(owner.id, chat, ".ping");
    await vi.waitFor(async () => expect((await latest(world, chat, owner.id)).text).toMatch(/^Pong!/), { timeout: WAIT_MS, interval: 100 });
    await stop(start, cwd, "default");

    const connectsBefore = await calls("help.getConfig");
    const sent = await runCli("send", ["@alice_bs", "on its own connection"], { cwd, env: env(false) });
    expect(sent.code, sent.stderr).toBe(0);
    expect((await latest(world, { type: "user", id: owner.id }, alice.id)).text).toBe("on its own connection");
    expect(await calls("help.getConfig")).toBeGreaterThan(connectsBefore);
  });
});

describe("npm start begun while a script runs on its own connection", () => {
  it("catches up what the script's connection received, and the waiting confirm hands over to it and gets the reply", { timeout: TEST_MS }, async () => {
    const cwd = workingDir(world, await preSharedSession(world.emu, owner.id));
    const first = await npmStart(cwd, false);
    await first.line(/first start: recorded the update state/, WAIT_MS);
    await stop(first, cwd, "default");
    const chat: Peer = { type: "user", id: alice.id };
    /** Resolves once the owner's message `id` was edited into npm start's answer. */
    const answered = (id: string) =>
      vi.waitFor(
        async () => {
          const recent = await world.control.messages(chat.type, chat.id, { viewerId: owner.id, limit: 20 });
          expect(recent.find((message) => message.id === id)?.text, start.output.stderr).toMatch(/^Pong!/);
        },
        { timeout: WAIT_MS, interval: 100 },
      );

    const shown = nextMessage(phone, "Scale up alone?\n\nReply yes or no.", WAIT_MS);
    const confirm = startCli("confirm", ["@alice_bs", "Scale up alone?", "--timeout", "90s"], { cwd, env: env(false) });
    await shown;
    // The script's own connection is the account's last active one now: this command's update goes to it.
    const missed = await world.control.sendMessage(owner.id, chat, ".ping");
    const start = await npmStart(cwd, false);
    // npm start catches it up from its saved state, and answers it.
    await answered(missed.id);
    await start.line(/a script of this session connected on the local socket/, WAIT_MS); // confirm moved to npm start
    await world.control.sendMessage(alice.id, { type: "user", id: owner.id }, "yes");
    const end = await confirm.finished;
    expect(end.code, end.stderr).toBe(0);
    expect(end.stdout).toBe("✅ Approved by Alice Ross (@alice_bs)\n");
    // And npm start keeps getting the account's updates once the script is gone.
    await answered((await world.control.sendMessage(owner.id, chat, ".ping")).id);
    await stop(start, cwd, "default");
  });
});
