/**
 * Login and session edge cases as a user meets them, in child processes against the in-process emulator
 * over TCP: an account Telegram asks to set up a login email first (auth.sentCodeTypeSetUpEmailRequired),
 * and a session Telegram ended for being used from two places at once (AUTH_KEY_DUPLICATED). Each is one
 * line saying what happened and what to do.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../../src/config.js";
import { SET_UP_EMAIL_REQUIRED } from "../../../src/telegram/login/code.js";
import { lastLine, runCli } from "../../kit/cli.js";
import { preSharedSession, startWorld, type World } from "../../kit/world.js";

let world: World;

function env(overrides: Env = {}): Env {
  return world.env({ LOG_FORMAT: "json", ...overrides });
}

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world?.stop();
});

describe("login edge cases", () => {
  it("explains in one line that Telegram wants a login email set up first, and saves nothing", async () => {
    await world.control.createUser({ firstName: "Emma", phone: "9996621321", loginEmailRequired: true });
    const cwd = mkdtempSync(join(world.dir, "email-"));
    const login = await runCli("login", [], { cwd, env: env(), input: "+9996621321\n" });
    expect(login.code).toBe(2);
    expect(lastLine(login.stderr)).toBe(SET_UP_EMAIL_REQUIRED);
    expect(login.stderr).not.toContain("Login code:");
    expect(readdirSync(cwd)).not.toContain("sessions");
  });

  it("explains AUTH_KEY_DUPLICATED in one line and keeps the session file aside", async () => {
    const person = await world.control.createUser({ firstName: "Dup", phone: "9996621322" });
    const cwd = mkdtempSync(join(world.dir, "dup-"));
    mkdirSync(join(cwd, "sessions"), { mode: 0o700 });
    writeFileSync(join(cwd, "sessions", "default.session"), await preSharedSession(world.emu, person.id), { mode: 0o600 });
    await world.control.addFault({ method: "users.getUsers", error: "AUTH_KEY_DUPLICATED", count: 1 });
    const start = await runCli("start", [], { cwd, env: env() });
    expect(start.code).toBe(2);
    expect(lastLine(start.stderr)).toMatch(
      /^Telegram ended session "default" \(kept as sessions\/default\.session\.duplicated-\d{8}T\d{6}Z\) because it was used from two places at once \(AUTH_KEY_DUPLICATED\): run `npm run login` to sign in again, and use each session from one program at a time\.$/,
    );
    expect(readdirSync(join(cwd, "sessions")).filter((file) => file.startsWith("default.session"))).toEqual([
      expect.stringMatching(/^default\.session\.duplicated-/),
    ]);
  });
});
