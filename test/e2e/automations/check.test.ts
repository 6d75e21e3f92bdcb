/**
 * `npm run automations -- check` and `npm start` with automations.yaml, as a user runs them (child
 * processes): what each rule will do, and a malformed file answered in one line with its line number and
 * exit code 2, before anything connects.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../kit/cli.js";

function workdir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "automations-cli-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const GOOD = `schedule:
  - name: standup
    cron: "0 9 * * 1-5"
    timeZone: Europe/Berlin
    to: me
    text: Stand-up
    missed: once
plugins:
  ping: { reply: pong }
`;

describe("npm run automations -- check", () => {
  it("prints what each rule will do", async () => {
    const run = await runCli("automations", ["check"], { cwd: workdir({ "automations.yaml": GOOD }) });
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split("\n")).toEqual([
      'schedule standup: send "Stand-up" to me at cron "0 9 * * 1-5" (Europe/Berlin); runs missed while stopped: once',
      "plugins.ping: settings for plugin ping (ctx.settings)",
    ]);
  });

  it("reads AUTOMATIONS_FILE, and lists every problem with exit code 2", async () => {
    const cwd = workdir({ "mine.yaml": "schedule:\n  - cron: '99 * * * *'\n    text: hi\n    colour: red\n" });
    const run = await runCli("automations", ["check"], { cwd, env: { AUTOMATIONS_FILE: "mine.yaml" } });
    expect(run.code).toBe(2);
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe("mine.yaml:4: schedule[0].colour: unknown key (see automations.example.yaml for the keys)");
    expect(lines[1]).toMatch(/^mine\.yaml:2: schedule\[0\]\.cron: "99 \* \* \* \*" is not valid/);
    expect(lines[2]).toBe("mine.yaml:2: schedule[0].to: missing target: give to (a chat, or me)");
    expect(lines[3]).toBe(`3 problems in ${join(cwd, "mine.yaml")}`);
  });

  it("answers a wrong verb with the usage", async () => {
    const run = await runCli("automations", ["lint"], { cwd: workdir({}) });
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd()).toBe("usage: npm run automations -- check");
  });
});

describe("npm start with a malformed automations.yaml", () => {
  it("stops with one line naming the line and key, exit code 2", async () => {
    const cwd = workdir({ "automations.yaml": "alerts:\n  - regex: '(open'\nschedule:\n  - every: 1m\n" });
    const run = await runCli("start", [], { cwd, env: { TELEGRAM_API_ID: "12345", TELEGRAM_API_HASH: "0123456789abcdef0123456789abcdef" } });
    expect(run.code).toBe(2);
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^automations\.yaml:2: alerts\[0\]\.regex: not a valid regular expression: .* \(and 2 more: npm run automations -- check lists them\)$/,
    );
  });
});
