/**
 * The commands as a user runs them, in child processes against the in-process emulator over TCP: login
 * with piped standard input, start to ready and a graceful SIGTERM, restart from the saved file without
 * prompts, bot mode importing its token once, and every kind of bad input answered in one clear line.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_CREDENTIALS } from "../../../src/cli/credentials.js";
import type { Env } from "../../../src/config.js";
import { lastLine, runCli, startCli } from "../../kit/cli.js";
import { preSharedSession, startWorld, type World } from "../../kit/world.js";

let world: World;
let owner: { id: string };

/** A fresh working directory (its own sessions/), optionally holding a session file. */
function workdir(session?: { name: string; text: string }): string {
  const dir = mkdtempSync(join(world.dir, "cwd-"));
  if (session !== undefined) {
    mkdirSync(join(dir, "sessions"), { mode: 0o700 });
    writeFileSync(join(dir, "sessions", `${session.name}.session`), session.text, { mode: 0o600 });
  }
  return dir;
}

/** The emulator's variables, JSON logs. */
function env(overrides: Env = {}): Env {
  return world.env({ LOG_FORMAT: "json", ...overrides });
}

beforeAll(async () => {
  world = await startWorld();
  owner = await world.control.createUser({ firstName: "Olivia", username: "olivia_cli", phone: "9996621301", password: "cli secret", passwordHint: "cli" });
});

afterAll(async () => {
  await world?.stop();
});

describe("login, start and restart", () => {
  it("logs in from piped input, starts to ready without prompts, stops on SIGTERM, and restarts from the saved file", async () => {
    const cwd = workdir();
    const login = await runCli("login", [], { cwd, env: env(), input: "+9996621301\n22222\ncli secret\n" });
    expect(login.stderr).toContain("Two-step verification password (hint: cli):");
    expect(login.stdout).toBe(`Logged in as @olivia_cli (id ${owner.id}). Session saved to sessions/default.session; run \`npm start\`.\n`);
    expect(login.code).toBe(0);
    expect(login.stdout + login.stderr).not.toContain("cli secret");
    expect(login.stdout + login.stderr).not.toContain("22222");
    expect(statSync(join(cwd, "sessions")).mode & 0o777).toBe(0o700);
    expect(statSync(join(cwd, "sessions", "default.session")).mode & 0o777).toBe(0o600);
    const saved = readFileSync(join(cwd, "sessions", "default.session"), "utf8");

    for (const run of ["first start", "restart"]) {
      const spawned = performance.now();
      const start = startCli("start", [], { cwd, env: env() });
      const ready = JSON.parse(await start.line(/"msg":"ready"/)) as Record<string, unknown>;
      const wallMs = performance.now() - spawned;
      expect(ready, run).toMatchObject({ account: "@olivia_cli", mode: "user", sessionName: "default" });
      expect(wallMs, `${run}: spawn to ready`).toBeLessThan(10_000);
      start.child.kill("SIGTERM");
      const stopped = await start.finished;
      expect(stopped.code, stopped.stderr).toBe(0);
      expect(stopped.stderr).toContain('"msg":"stopped"');
      expect(stopped.stderr).not.toContain(saved.trim());
    }
  });

  it("asks before replacing an existing session and keeps it when the answer is no", async () => {
    const text = `${await preSharedSession(world.emu, owner.id)}\n`;
    const cwd = workdir({ name: "default", text });
    const login = await runCli("login", [], { cwd, env: env(), input: "n\n" });
    expect(login.stderr).toContain('Session "default" already exists (sessions/default.session). Replace it with a new login? [y/N]');
    expect(lastLine(login.stderr)).toBe('Kept the existing session "default"; nothing changed.');
    expect(login.code).toBe(1);
    expect(readFileSync(join(cwd, "sessions", "default.session"), "utf8")).toBe(text);
  });

  it("logs a bot in with --bot and the token on standard input, under its own session name", async () => {
    const bot = await world.control.createUser({ firstName: "Cli", username: "cli_login_bot", bot: true });
    const cwd = workdir();
    const login = await runCli("login", ["--bot"], { cwd, env: env(), input: `not a token\n${bot.botToken}\n` });
    expect(login.stderr).toContain("That is not a bot token");
    expect(login.stdout).toBe(
      `Logged in as @cli_login_bot (id ${bot.id}). Session saved to sessions/bot-${bot.id}.session; run \`npm start -- --session bot-${bot.id}\`.\n`,
    );
    expect(login.stdout + login.stderr).not.toContain(bot.botToken!);
  });

  it("runs as the bot of TELEGRAM_BOT_TOKEN, importing the token once and reusing its saved session", async () => {
    const bot = await world.control.createUser({ firstName: "Starter", username: "cli_start_bot", bot: true });
    const cwd = workdir();
    const imports = async () => (await world.control.stats()).rpc["auth.importBotAuthorization"] ?? 0;
    const before = await imports();
    for (let run = 1; run <= 2; run += 1) {
      const start = startCli("start", [], { cwd, env: env({ TELEGRAM_BOT_TOKEN: bot.botToken }) });
      expect(JSON.parse(await start.line(/"msg":"ready"/))).toMatchObject({ account: "@cli_start_bot", mode: "bot", sessionName: `bot-${bot.id}` });
      start.child.kill("SIGTERM");
      expect((await start.finished).code).toBe(0);
    }
    expect((await imports()) - before).toBe(1);
    expect(existsSync(join(cwd, "sessions", `bot-${bot.id}.session`))).toBe(true);
  });
});

describe("bad sessions", () => {
  it("reports a revoked session in one line and keeps the file aside", async () => {
    const person = await world.control.createUser({ firstName: "Rev", phone: "9996621302" });
    const cwd = workdir({ name: "default", text: await preSharedSession(world.emu, person.id) });
    await world.control.revokeSessions(person.id);
    const start = await runCli("start", [], { cwd, env: env() });
    expect(start.code).toBe(2);
    expect(lastLine(start.stderr)).toMatch(
      /^Session "default" was revoked or expired \(kept as sessions\/default\.session\.revoked-\d{8}T\d{6}Z\): run `npm run login` to sign in again\.$/,
    );
    expect(readdirSync(join(cwd, "sessions")).filter((file) => file.startsWith("default.session"))).toEqual([
      expect.stringMatching(/^default\.session\.revoked-/),
    ]);
  });

  it("reports corrupt and empty session files and keeps them aside", async () => {
    const corrupt = await runCli("start", [], { cwd: workdir({ name: "default", text: "not a session\n" }), env: env() });
    expect(corrupt.code).toBe(2);
    expect(lastLine(corrupt.stderr)).toMatch(
      /^Session "default" is corrupt \(kept as sessions\/default\.session\.corrupt-\d{8}T\d{6}Z\): run `npm run login` to sign in again\.$/,
    );
    const empty = await runCli("start", ["--session", "work"], { cwd: workdir({ name: "work", text: "" }), env: env() });
    expect(empty.code).toBe(2);
    expect(lastLine(empty.stderr)).toMatch(
      /^Session "work" is empty \(kept as sessions\/work\.session\.empty-\d{8}T\d{6}Z\): run `TELEGRAM_SESSION=work npm run login` to sign in again\.$/,
    );
  });

  it("names the saved sessions when asked for an unknown one, and refuses invalid names", async () => {
    const cwd = workdir({ name: "personal", text: await preSharedSession(world.emu, owner.id) });
    const unknown = await runCli("start", ["--session", "work"], { cwd, env: env() });
    expect(unknown.code).toBe(2);
    expect(lastLine(unknown.stderr)).toBe(
      'No saved session "work" (sessions/work.session): run `npm run login -- --session work` first. Saved sessions: personal (choose one with --session NAME).',
    );
    const invalid = await runCli("start", ["--session", "../etc/passwd"], { cwd, env: env() });
    expect(invalid.code).toBe(2);
    expect(lastLine(invalid.stderr)).toBe(`--session "../etc/passwd" is not a valid session name: use 1-64 letters, digits, '-' or '_' (no dots or slashes).`);
  });
});

describe("bad input", () => {
  it("says how to log in, and that the demo needs nothing, when no credentials are set", async () => {
    for (const name of ["start", "login"] as const) {
      const run = await runCli(name, [], { cwd: workdir(), env: {} });
      expect(run.code).toBe(2);
      expect(run.stderr.trimEnd()).toBe(NO_CREDENTIALS);
    }
  });

  it("answers unknown flags with the usage", async () => {
    const start = await runCli("start", ["--verbose"], { cwd: workdir(), env: env() });
    expect(start.code).toBe(2);
    expect(start.stderr.trimEnd()).toBe("Unknown option '--verbose'\nusage: npm start [-- --session NAME [--session NAME2 ...]]");
    const login = await runCli("login", ["--qr", "--bot"], { cwd: workdir(), env: env() });
    expect(login.stderr.trimEnd()).toBe(
      "--qr and --bot cannot be combined: a bot logs in with its token.\nusage: npm run login [-- --session NAME] [--qr | --bot | --import-session | --export-session [--format gramjs|telethon]]",
    );
  });

  it("names the variable of a missing or malformed setting, from .env as from the environment", async () => {
    // One process per kind of check; every variable's messages are covered in-process by test/runtime/config.test.ts.
    const cases: [Env, RegExp][] = [
      [{ TELEGRAM_API_ID: undefined }, /^TELEGRAM_API_ID must be a positive integer.*; it is not set$/],
      [{ TELEGRAM_API_ID: "12ab" }, /^TELEGRAM_API_ID must be a positive integer/],
      [{ TELEGRAM_API_HASH: undefined }, /^TELEGRAM_API_HASH must be the 32 hexadecimal characters.*; it is not set$/],
      [{ TELEGRAM_BOT_TOKEN: "12345" }, /^TELEGRAM_BOT_TOKEN must look like 123456789:AAF/],
      [{ TELEGRAM_SERVER: "127.0.0.1:40000" }, /^TELEGRAM_SERVER must be host:port with a port from 1 to 32767/],
      [{ TELEGRAM_SERVER_KEY: undefined }, /^TELEGRAM_SERVER_KEY must be set together with TELEGRAM_SERVER/],
      [{ TELEGRAM_SERVER_KEY: "/nonexistent/key.pem" }, /^TELEGRAM_SERVER_KEY must be the path of a readable PEM public key file/],
      [{ LOG_LEVEL: "loud" }, /^LOG_LEVEL must be one of/],
      [{ DISPATCH_CONCURRENCY: "0" }, /^DISPATCH_CONCURRENCY must be an integer from 1/],
      [{ RATE_CHAT_PER_SECOND: "-1" }, /^RATE_CHAT_PER_SECOND must be a number of 0 or more/],
    ];
    const cwd = workdir();
    const results = [];
    for (let i = 0; i < cases.length; i += 4) {
      results.push(...(await Promise.all(cases.slice(i, i + 4).map(([overrides]) => runCli("start", [], { cwd, env: env(overrides) })))));
    }
    results.forEach((run, i) => {
      expect(run.code, JSON.stringify(cases[i][0])).toBe(2);
      expect(run.stderr.trimEnd(), JSON.stringify(cases[i][0])).toMatch(cases[i][1]);
    });

    const dotenv = workdir();
    writeFileSync(join(dotenv, ".env"), "TELEGRAM_API_ID=12345\nTELEGRAM_API_HASH=short\n");
    const fromFile = await runCli("start", [], { cwd: dotenv, env: {} });
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr.trimEnd()).toMatch(/^TELEGRAM_API_HASH must be the 32 hexadecimal characters/);
  });
});

describe("npm run demo", () => {
  it("runs on its own without credentials and exits 0 with a readable transcript", async () => {
    const demo = await runCli("demo", [], { cwd: workdir(), env: {} });
    expect(demo.code, demo.stderr).toBe(0);
    const transcript = demo.stdout;
    expect(transcript).toContain("== Login: npm run login ==");
    expect(transcript).toMatch(/\[Book Club\] Olivia: \.ping\n {2}↳ edited into: Pong! \d+ ms/);
    expect(transcript).toContain("[Book Club] Alice: .ping\n  ↳ no answer: in user mode only Olivia's own commands run");
    expect(transcript).toMatch(/\[Book Club\] Bob: \/whois @olivia\n {2}↳ @toolkit_demo_bot replied: Name: Olivia/);
    expect(transcript).toContain('↳ @toolkit_demo_bot replied: Unknown command "/frobnicate". Send /help for the list.');
    expect(transcript).toContain(
      "[Book Club] Bob: /ping@some_other_bot\n  ↳ no answer: addressed to another bot, Telegram does not even send it to this one (privacy mode)",
    );
    expect(transcript).toMatch(/== Done ==\n {2}12 messages handled, 11 answered\./);
    expect(transcript).not.toContain("22222");
  });
});
