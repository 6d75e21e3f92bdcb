/**
 * `npm run audit` as a user runs it: a child process with its own working directory (sessions/ with
 * a saved session), the emulator's address in its environment, output on stdout or in --out FILE,
 * and the exit codes cron and CI read (0, 2, 3, 4, 130).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ChatRecord, createUser, setMemberRole } from "@tg-toolkit/emulator/model";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSV_COLUMNS } from "../../src/audit/writers/csv.js";
import type { Env } from "../../src/config.js";
import { openDatabase } from "../../src/store/database.js";
import { type Finished, runCli, startCli } from "../kit/cli.js";
import { preSharedSession, workingDir } from "../kit/world.js";
import { type AuditWorld, buildMegagroup, startAuditWorld } from "./harness.js";

let w: AuditWorld;
let cwd: string;
let env: Env;
let group: { chat: ChatRecord };

/** Runs `npm run audit -- ARGS` in the working directory. */
function audit(args: string[]): Promise<Finished> {
  return runCli("audit", args, { cwd, env });
}

function snapshotStates(): { state: string; n: number }[] {
  const db = openDatabase(join(cwd, "sessions", "default.db"));
  try {
    return db.prepare("SELECT state, COUNT(*) AS n FROM audit_snapshots GROUP BY state").all() as { state: string; n: number }[];
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  w = await startAuditWorld();
  w.model.limits.recentParticipantsCap = 500;
  group = buildMegagroup(w.model, w.owner, { username: "cli_group", generated: 1_200 });
  createUser(w.model, { firstName: "Just", lastName: "Aperson", username: "just_a_person" });
  cwd = workingDir(w, await preSharedSession(w.emu, w.owner.id), "audit-cli-");
  env = w.env({ LOG_LEVEL: "warn" });
});

afterAll(async () => {
  await w?.stop();
});

describe("npm run audit", () => {
  it("prints CSV on stdout, progress lines on stderr, and exits 0", async () => {
    const run = await audit(["@cli_group", "--format", "csv"]);
    expect(run.stderr).toMatch(/^audit @cli_group: listing \d[\d,]* members \(megagroup -100\d+\)$/m);
    expect(run.stderr).toMatch(/^audit @cli_group: listed [\d,]+ of [\d,]+ members with \d+ requests in [\d.]+ s$/m);
    expect(run.code).toBe(0);
    const records = parse(run.stdout, { columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0])).toEqual([...CSV_COLUMNS]);
    expect(records.filter((r) => r.role !== "kicked").length).toBeGreaterThan(1_000);
    expect(snapshotStates()).toEqual([{ state: "complete", n: 1 }]);
  });

  it("exits 3 when a --fail-on rule matches, writing the JSON report to --out", async () => {
    const newcomer = createUser(w.model, { firstName: "Newly", lastName: "Promoted" });
    setMemberRole(w.model, group.chat.id, newcomer.id, "member");
    setMemberRole(w.model, group.chat.id, newcomer.id, "admin", { actorId: w.owner.id });
    const run = await audit([
      "https://t.me/cli_group",
      "--fail-on",
      "new-admin",
      "--fail-on",
      "deleted>100000,joined>=1",
      "--format",
      "json",
      "--out",
      "report.json",
    ]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("fail-on: https://t.me/cli_group: new-admin matched (1)");
    expect(run.stderr).toContain("fail-on: https://t.me/cli_group: joined>=1 matched (1)");
    expect(run.stderr).toMatch(/--fail-on: 2 rules matched\n$/);
    expect(run.stdout).toBe("");
    const report = JSON.parse(readFileSync(join(cwd, "report.json"), "utf8")) as {
      audits: { failOn: unknown[]; changes: { items: { kind: string; userId: string }[] } }[];
    };
    expect(report.audits[0].failOn).toEqual([
      { rule: "new-admin", triggered: true, value: 1 },
      { rule: "deleted>100000", triggered: false, value: expect.any(Number) },
      { rule: "joined>=1", triggered: true, value: 1 },
    ]);
    expect(report.audits[0].changes.items).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "promoted", userId: String(newcomer.id) })]));
  });

  it("exits 4 when a chat cannot be audited, still reporting the others", async () => {
    writeFileSync(join(cwd, "chats.txt"), "# audited nightly\n@just_a_person\n@cli_group\n");
    const run = await audit(["chats.txt"]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain("@just_a_person: @just_a_person is a person, not a group or channel: give the group or channel to audit");
    expect(run.stderr).toMatch(/1 of 2 chats could not be audited\n$/);
    expect(run.stdout).toContain("@just_a_person: not audited: @just_a_person is a person");
    expect(run.stdout).toMatch(/@cli_group · "Audit cli_group" · megagroup/);
  });

  it("exits 2 with the usage for bad arguments, before connecting", async () => {
    const bogus = await audit(["@cli_group", "--fail-on", "newadmin"]);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/^--fail-on "newadmin" is not a rule: use new-admin, admin-change, incomplete, or METRIC>N/);
    const format = await audit(["@cli_group", "--format", "xml"]);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/^--format must be one of table, csv, json/);
    const none = await audit([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^name at least one group or channel to audit\nusage: npm run audit/);
    const link = await audit(["t.me/+AbCdEfGh"]);
    expect(link.code).toBe(2);
    expect(link.stderr).toMatch(/is an invite link: join the chat first/);
  });

  it("on Ctrl-C stops cleanly: exit 130, no snapshot of the run, no output file", async () => {
    const before = snapshotStates();
    w.emu.router.latencyMs = 40;
    try {
      const running = startCli("audit", ["@cli_group", "--format", "csv", "--out", "interrupted.csv"], { cwd, env });
      await running.line(/listing/);
      running.child.kill("SIGINT");
      const run = await running.finished;
      expect(run.code).toBe(130);
      expect(run.stderr).toContain("stopping: waiting for requests in flight");
      expect(run.stderr).toMatch(/audit interrupted: no snapshot was written for the chat in progress\n$/);
    } finally {
      w.emu.router.latencyMs = 0;
    }
    expect(existsSync(join(cwd, "interrupted.csv"))).toBe(false);
    expect(readdirSync(cwd).filter((f) => f.includes("interrupted"))).toEqual([]);
    expect(snapshotStates()).toEqual(before);
  });
});
