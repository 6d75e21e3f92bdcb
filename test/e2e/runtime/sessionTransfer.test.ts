/**
 * `npm run login -- --import-session` and `--export-session` as a user runs them, in child processes
 * against the in-process emulator over TCP: a session string Telethon itself wrote (Debian's
 * python3-telethon) is imported from standard input, checked with Telegram and saved; the saved session is
 * exported in Telethon's layout, which Telethon reads back; mistakes are one line, and the string never
 * shows in what the command prints besides the export itself.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../../src/config.js";
import { EXPORT_WARNING } from "../../../src/telegram/login/sessionTransfer.js";
import { parseSessionString } from "../../../src/telegram/sessionString.js";
import { lastLine, runCli } from "../../kit/cli.js";
import { preSharedSession, startWorld, type World } from "../../kit/world.js";

let world: World;
let owner: { id: string };

/** The first Python that imports telethon (as the emulator's Telethon test finds it). */
function telethonPython(): string {
  for (const python of [process.env.TELETHON_PYTHON, "python3", "/usr/bin/python3"]) {
    if (python && spawnSync(python, ["-c", "import telethon"]).status === 0) return python;
  }
  throw new Error("no Python with telethon: install Debian's python3-telethon");
}

/** Runs a Python snippet with telethon; its stdout, trimmed. */
function python(code: string, input = ""): string {
  const run = spawnSync(telethonPython(), ["-c", code], { input, encoding: "utf8" });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout.trim();
}

/** Telethon's own StringSession.save() for a DC, address, port and auth key. */
function telethonSession(dcId: number, address: string, port: number, key: Buffer): string {
  return python(
    "import sys\nfrom telethon.sessions import StringSession\nfrom telethon.crypto import AuthKey\n" +
      "dc, ip, port, key = sys.stdin.read().split()\ns = StringSession(); s.set_dc(int(dc), ip, int(port)); s.auth_key = AuthKey(bytes.fromhex(key)); print(s.save())",
    `${dcId} ${address} ${port} ${key.toString("hex")}`,
  );
}

function env(overrides: Env = {}): Env {
  return world.env({ LOG_FORMAT: "json", ...overrides });
}

beforeAll(async () => {
  world = await startWorld();
  owner = await world.control.createUser({ firstName: "Olivia", username: "olivia_st", phone: "9996621311" });
});

afterAll(async () => {
  await world?.stop();
});

describe("importing and exporting session strings", () => {
  it("imports a Telethon session string from standard input, then exports it for Telethon", async () => {
    const gramjs = parseSessionString(await preSharedSession(world.emu, owner.id))!;
    const telethon = telethonSession(gramjs.dcId, gramjs.address, gramjs.port, gramjs.authKey);
    expect(telethon).toMatch(/[-_]/); // URL-safe base64, which GramJS's own check refused
    const cwd = mkdtempSync(join(world.dir, "import-"));
    const imported = await runCli("login", ["--import-session", "--session", "moved"], { cwd, env: env(), input: `${telethon}\n` });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toBe(
      `Imported the session of @olivia_st (id ${owner.id}). Saved to sessions/moved.session; run \`npm start -- --session moved\`.\n`,
    );
    expect(imported.stdout + imported.stderr).not.toContain(telethon.slice(1, 40));
    const saved = parseSessionString(readFileSync(join(cwd, "sessions", "moved.session"), "utf8"))!;
    expect(saved).toMatchObject({ format: "gramjs", authKey: gramjs.authKey });

    const exported = await runCli("login", ["--export-session", "--session", "moved", "--format", "telethon"], { cwd, env: env() });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr.trim()).toBe(EXPORT_WARNING);
    const text = exported.stdout.trim();
    expect(
      python(
        "import sys\nfrom telethon.sessions import StringSession\ns = StringSession(sys.stdin.read().strip())\nprint(s.dc_id, s.server_address, s.port, s.auth_key.key.hex())",
        text,
      ),
    ).toBe(`${gramjs.dcId} ${saved.address} ${saved.port} ${gramjs.authKey.toString("hex")}`);
    const asGramjs = await runCli("login", ["--export-session", "--session", "moved"], { cwd, env: env() });
    expect(asGramjs.code, asGramjs.stderr).toBe(0);
    expect(parseSessionString(asGramjs.stdout)).toMatchObject({ format: "gramjs", authKey: gramjs.authKey });
  }, 60_000);

  it("answers mistakes in one line: not a session, a session Telegram does not accept, a string on the command line, a bad format", async () => {
    const cwd = mkdtempSync(join(world.dir, "bad-"));
    const unsigned = parseSessionString(await preSharedSession(world.emu))!;
    const stranger = telethonSession(unsigned.dcId, unsigned.address, unsigned.port, unsigned.authKey);
    const [garbage, refused, onArgv, format, missing] = await Promise.all([
      runCli("login", ["--import-session"], { cwd, env: env(), input: "hello\n" }),
      runCli("login", ["--import-session"], { cwd, env: env(), input: `${stranger}\n` }),
      runCli("login", ["--import-session", stranger], { cwd, env: env() }),
      runCli("login", ["--export-session", "--format", "pyrogram"], { cwd, env: env() }),
      runCli("login", ["--export-session", "--session", "nothing"], { cwd, env: env() }),
    ]);
    expect(garbage.code).toBe(2);
    expect(lastLine(garbage.stderr)).toBe(
      "That is not a session string: give the text GramJS's StringSession.save() or Telethon's StringSession.save() printed (it starts with 1), on standard input.",
    );
    expect(refused.code).toBe(2);
    expect(lastLine(refused.stderr)).toBe(
      "Telegram does not accept that session (it was logged out, revoked or never signed in): log in with `npm run login` instead.",
    );
    expect(onArgv.code).toBe(2);
    expect(onArgv.stderr).toMatch(/^Unexpected argument/);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/^--format "pyrogram" is not a session format: use gramjs or telethon\./);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe("");
    expect(lastLine(missing.stderr)).toMatch(/^No saved session "nothing"/);
  }, 60_000);
});
