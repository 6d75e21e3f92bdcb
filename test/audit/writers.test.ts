import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { parse } from "csv-parse/sync";
import { afterEach, describe, expect, it } from "vitest";
import { type Change, emptyCounts } from "../../src/audit/diff.js";
import { AtomicFile, TextOutput } from "../../src/audit/output.js";
import type { AuditReport, AuditResult } from "../../src/audit/report.js";
import type { MemberRow } from "../../src/audit/types.js";
import { CSV_COLUMNS, csvField } from "../../src/audit/writers/csv.js";
import { createWriter, type Format } from "../../src/audit/writers/index.js";
import { rowOf } from "./fakeTelegram.js";

const ROWS: MemberRow[] = [
  {
    ...rowOf({ id: 1, role: "creator", first: "Olivia", last: "Owner", username: "olivia" }),
    adminRights: ["change_info", "add_admins"],
    rank: "boss",
    premium: true,
  },
  { ...rowOf({ id: 2, role: "member", first: 'Ann "the, great"', last: "Line\nbreak" }), lastSeen: "online", lastOnlineAt: 1_800_000_000 },
  { ...rowOf({ id: 3, role: "restricted", first: "Дмитрий" }), bannedRights: ["send_messages", "send_media"], bannedUntil: 1_800_086_400, actorId: "1" },
  { ...rowOf({ id: 4, role: "kicked", deleted: true }), firstName: null, joinedAt: null, lastSeen: "unknown" },
];

const CHANGES: Change[] = [
  { kind: "joined", userId: "2", name: "Ann", username: null, from: null, to: "member" },
  { kind: "promoted", userId: "5", name: "Bo", username: "bo", from: "member", to: "admin" },
  { kind: "joined", userId: "6", name: null, username: null, from: null, to: "member" },
];

function report(patch: Partial<AuditReport> = {}): AuditReport {
  return {
    chat: { id: "-1001", kind: "megagroup", title: "Team", username: "team" },
    snapshot: { id: 2, takenAt: "2027-01-15T08:00:00Z", durationMs: 1234, previous: { id: 1, takenAt: "2027-01-14T08:00:00Z" } },
    enumeration: {
      memberCount: 3,
      membersFound: 3,
      complete: true,
      completeness: 1,
      kickedCount: 1,
      kickedFound: 1,
      requests: 3,
      floodWaits: 0,
      notes: ["a note"],
    },
    totals: {
      members: 3,
      byRole: { creator: 1, admin: 0, member: 1, restricted: 1, kicked: 1 },
      bots: 0,
      deleted: 0,
      scam: 0,
      fake: 0,
      premium: 1,
      verified: 0,
      withoutUsername: 2,
      lastSeen: { online: 1, recently: 2, week: 0, month: 0, long_ago: 0, unknown: 0 },
    },
    admins: [
      {
        userId: "1",
        name: "Olivia Owner",
        username: "olivia",
        role: "creator",
        rank: "boss",
        rights: ["change_info", "add_admins"],
        promotedBy: null,
        bot: false,
      },
    ],
    changes: { ...emptyCounts(), joined: 2, promoted: 1 },
    failOn: [{ rule: "new-admin", triggered: true, value: 1 }],
    ...patch,
  };
}

const result = (r: AuditReport = report()): AuditResult => ({ report: r, members: () => ROWS, changes: () => CHANGES });

function collector() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join("") };
}

async function render(format: Format, results: AuditResult[], failures = 0, interrupted = false): Promise<string> {
  const sink = collector();
  const writer = createWriter(format, new TextOutput(sink.stream));
  for (const r of results) await writer.chat(r);
  for (let i = 0; i < failures; i++) await writer.failure({ chat: "@secret", problem: "private", message: "@secret is private" });
  await writer.end(interrupted);
  return sink.text();
}

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("report writers", () => {
  it("writes CSV with a stable header and fields a CSV parser reads back exactly", async () => {
    const text = await render("csv", [result(), result(report({ chat: { id: "-1002", kind: "channel", title: "News", username: null } }))]);
    const records = parse(text, { columns: true }) as Record<string, string>[];
    expect(text.split("\r\n")[0]).toBe(CSV_COLUMNS.join(","));
    expect(records).toHaveLength(8);
    expect(records[1]).toMatchObject({
      chat_id: "-1001",
      user_id: "2",
      first_name: 'Ann "the, great"',
      last_name: "Line\nbreak",
      last_seen: "online",
      last_online_at: "2027-01-15T08:00:00Z",
    });
    expect(records[0]).toMatchObject({
      role: "creator",
      admin_rights: "change_info;add_admins",
      rank: "boss",
      premium: "true",
      bot: "false",
      banned_until: "",
    });
    expect(records[2]).toMatchObject({ first_name: "Дмитрий", banned_rights: "send_messages;send_media", banned_until: "2027-01-16T08:00:00Z", actor_id: "1" });
    expect(records[3]).toMatchObject({ role: "kicked", deleted: "true", first_name: "", joined_at: "" });
    expect(records[4].chat_id).toBe("-1002");
    expect(csvField("plain")).toBe("plain");
    expect(csvField('a"b')).toBe('"a""b"');
  });

  it("writes a header even when nothing was audited", async () => {
    expect(await render("csv", [], 1)).toBe(`${CSV_COLUMNS.join(",")}\r\n`);
  });

  it("writes one JSON document with reports, change lists, members, failures and whether it was interrupted", async () => {
    const doc = JSON.parse(await render("json", [result(), result(report({ changes: null }))], 1, true)) as Record<string, unknown> & {
      audits: Record<string, unknown>[];
    };
    expect(doc).toMatchObject({ version: 1, failures: [{ chat: "@secret", problem: "private", message: "@secret is private" }], interrupted: true });
    expect(doc.audits).toHaveLength(2);
    const [first, second] = doc.audits;
    expect(first).toMatchObject({
      chat: report().chat,
      enumeration: report().enumeration,
      totals: report().totals,
      admins: report().admins,
      failOn: report().failOn,
    });
    expect(first.changes).toEqual({ counts: report().changes, items: CHANGES });
    expect(first.members).toEqual(
      ROWS.map((r) => ({
        ...r,
        lastOnlineAt: r.lastOnlineAt === null ? null : new Date(r.lastOnlineAt * 1000).toISOString().replace(".000", ""),
        joinedAt: r.joinedAt === null ? null : new Date(r.joinedAt * 1000).toISOString().replace(".000", ""),
        bannedUntil: r.bannedUntil === null ? null : new Date(r.bannedUntil * 1000).toISOString().replace(".000", ""),
      })),
    );
    expect(second.changes).toBeNull();
    expect(JSON.parse(await render("json", []))).toMatchObject({ audits: [], failures: [], interrupted: false });
  });

  it("writes the table: totals, admins with rights, changes and fail-on outcomes", async () => {
    const text = await render("table", [result()], 1);
    expect(text).toContain('@team · "Team" · megagroup -1001');
    expect(text).toContain("members     3 of 3 found (complete), 3 requests, 0 flood waits");
    expect(text).toContain("roles       creator 1 · admin 0 · member 1 · restricted 1 · kicked 1");
    expect(text).toContain('creator  Olivia Owner @olivia "boss" id 1: change_info, add_admins');
    expect(text).toContain("changes since #1: joined 2 · promoted 1");
    expect(text).toContain("+ joined           Ann id 2: member\n");
    expect(text).toContain("^ promoted         Bo (@bo) id 5: member -> admin");
    expect(text).toContain("+ joined           Deleted account id 6: member\n");
    expect(text).toContain("fail-on     new-admin: TRIGGERED (1)");
    expect(text).toContain("note        a note");
    expect(text).toContain("@secret: not audited: @secret is private");
  });
});

describe("report outputs", () => {
  it("waits for a full stream to drain", async () => {
    let drained = false;
    const written: string[] = [];
    const stream = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, done) {
        written.push(chunk.toString());
        setTimeout(() => {
          drained = true;
          done();
        }, 5);
      },
    });
    const out = new TextOutput(stream);
    await out.write("x".repeat(70_000));
    expect(drained).toBe(true);
    await out.write("tail");
    await out.flush();
    expect(written.join("")).toBe(`${"x".repeat(70_000)}tail`);
  });

  it("puts a file in place only when committed, and leaves the old one on abort", async () => {
    dir = mkdtempSync(join(tmpdir(), "audit-out-"));
    const path = join(dir, "report.csv");
    writeFileSync(path, "old");
    const aborted = await AtomicFile.open(path);
    await aborted.output.write("new, half");
    await aborted.abort();
    expect(readFileSync(path, "utf8")).toBe("old");
    expect(readdirSync(dir)).toEqual(["report.csv"]);
    const committed = await AtomicFile.open(path);
    await committed.output.write("new");
    await committed.commit();
    expect(readFileSync(path, "utf8")).toBe("new");
    expect(readdirSync(dir)).toEqual(["report.csv"]);
    await expect(AtomicFile.open(join(dir, "missing", "x.csv"))).rejects.toThrow(/ENOENT/);
    expect(existsSync(join(dir, "missing"))).toBe(false);
  });
});
