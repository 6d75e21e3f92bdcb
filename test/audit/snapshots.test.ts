import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { classifyChange, countChanges, type PersonState } from "../../src/audit/diff.js";
import type { SnapshotStore, SnapshotTotals } from "../../src/audit/snapshots.js";
import { SqliteSnapshotStore } from "../../src/audit/sqliteSnapshots.js";
import type { AuditTarget, MemberRow } from "../../src/audit/types.js";
import { openDatabase } from "../../src/store/database.js";
import { rowOf } from "./fakeTelegram.js";

const TARGET: AuditTarget = { id: "-1001", kind: "megagroup", title: "Team", username: "team", memberCount: 0, isAdmin: true };
const TOTALS: SnapshotTotals = { memberCount: 0, kickedCount: 0, complete: true, requests: 1, floodWaits: 0, notes: [] };

const row = (id: number, patch: Partial<MemberRow> = {}): MemberRow => ({ ...rowOf({ id, role: "member", first: `P${id}` }), ...patch });

function snapshot(store: SnapshotStore, rows: MemberRow[], totals: Partial<SnapshotTotals> = {}) {
  const writer = store.begin(TARGET);
  writer.add(rows);
  return writer.finish({ ...TOTALS, memberCount: rows.filter((r) => r.role !== "kicked").length, ...totals });
}

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("snapshots", () => {
  it("stores rows page by page, counts only new people, and reads them back unchanged", () => {
    const store = new SqliteSnapshotStore(openDatabase(":memory:"));
    const writer = store.begin(TARGET, 1_000);
    const rows = [
      row(1, { role: "creator", adminRights: ["change_info", "add_admins"], rank: "boss", lastSeen: "online", lastOnlineAt: 123 }),
      row(2, { role: "restricted", bannedRights: ["send_messages"], bannedUntil: 99, firstName: 'Quote "and", comma', lastName: null }),
      row(3, { role: "kicked", deleted: true, firstName: null, bannedRights: ["view_messages"] }),
    ];
    expect(writer.add(rows.slice(0, 2))).toEqual({ newMembers: 2, newKicked: 0 });
    expect(writer.add([rows[1], rows[2]])).toEqual({ newMembers: 0, newKicked: 1 });
    expect(store.latest(TARGET.id)).toBeUndefined();
    const info = writer.finish({ ...TOTALS, memberCount: 2, kickedCount: 1 }, 2_000);
    expect(info).toMatchObject({
      chatId: "-1001",
      startedAt: 1_000,
      finishedAt: 2_000,
      memberCount: 2,
      membersFound: 2,
      kickedFound: 1,
      kickedCount: 1,
      complete: true,
    });
    expect([...store.members(info.id)]).toEqual(rows);
    expect(store.latest(TARGET.id)?.id).toBe(info.id);
    expect(() => writer.add(rows)).toThrow(/already finished/);
  });

  it("keeps nothing of a discarded snapshot", () => {
    const db = openDatabase(":memory:");
    const store = new SqliteSnapshotStore(db);
    const writer = store.begin(TARGET);
    writer.add([row(1), row(2)]);
    writer.discard();
    expect(store.list(TARGET.id)).toEqual([]);
    expect(db.prepare("SELECT COUNT(*) AS n FROM audit_members").get()).toEqual({ n: 0 });
  });

  it("deletes what a run that died left half-written, but not what a live run is writing", () => {
    dir = mkdtempSync(join(tmpdir(), "audit-snapshots-"));
    const file = join(dir, "s.db");
    const firstDb = openDatabase(file);
    const first = new SqliteSnapshotStore(firstDb);
    first.begin(TARGET).add([row(1)]);
    const dead = spawnSync(process.execPath, ["-e", "process.exit(0)"]).pid;
    firstDb.prepare("UPDATE audit_snapshots SET writer = ? WHERE id = 1").run(`${hostname()}:${dead}`);
    const live = first.begin(TARGET);
    live.add([row(2)]);
    const secondDb = openDatabase(file);
    new SqliteSnapshotStore(secondDb); // opening the store deletes what dead writers left
    const ids = secondDb.prepare("SELECT id FROM audit_snapshots ORDER BY id").all();
    expect(ids).toEqual([{ id: live.id }]);
    firstDb.close();
    secondDb.close();
  });

  it("keeps the newest snapshots of a chat when pruning", () => {
    const store = new SqliteSnapshotStore(openDatabase(":memory:"));
    const ids = [1, 2, 3, 4].map(() => snapshot(store, [row(1)]).id);
    expect(store.prune(TARGET.id, 2)).toBe(2);
    expect(store.list(TARGET.id).map((s) => s.id)).toEqual(ids.slice(2));
    expect(store.latest(TARGET.id, ids[3])?.id).toBe(ids[2]);
  });

  it("sums a snapshot's totals and lists its admins", () => {
    const store = new SqliteSnapshotStore(openDatabase(":memory:"));
    const info = snapshot(store, [
      row(1, { role: "creator", username: "owner", lastSeen: "online" }),
      row(2, { role: "admin", bot: true, username: "b_bot", lastSeen: "unknown" }),
      row(3, { deleted: true, firstName: null, lastSeen: "unknown" }),
      row(4, { scam: true, premium: true, lastSeen: "week" }),
      row(5, { role: "restricted", fake: true, verified: true, lastSeen: "long_ago", username: "x" }),
      row(6, { role: "kicked", scam: true, lastSeen: "month" }),
    ]);
    expect(store.totals(info.id)).toEqual({
      members: 5,
      byRole: { creator: 1, admin: 1, member: 2, restricted: 1, kicked: 1 },
      bots: 1,
      deleted: 1,
      scam: 1,
      fake: 1,
      premium: 1,
      verified: 1,
      withoutUsername: 1,
      lastSeen: { online: 1, recently: 0, week: 1, month: 0, long_ago: 1, unknown: 2 },
    });
    expect(store.admins(info.id).map((a) => [a.userId, a.role])).toEqual([
      ["1", "creator"],
      ["2", "admin"],
    ]);
  });
});

const state = (role: PersonState["role"], patch: Partial<PersonState> = {}): PersonState => ({
  role,
  firstName: "Ann",
  lastName: null,
  username: null,
  adminRights: "",
  rank: null,
  ...patch,
});

describe("changes between snapshots", () => {
  it("classifies joins, leaves and role changes", () => {
    const kinds = (prev?: PersonState, next?: PersonState, comparable = true) => classifyChange("7", prev, next, comparable).map((c) => c.kind);
    expect(kinds(undefined, state("member"))).toEqual(["joined"]);
    expect(kinds(undefined, state("admin"))).toEqual(["joined", "promoted"]);
    expect(kinds(state("member"), undefined)).toEqual(["left"]);
    expect(kinds(state("member"), state("admin"))).toEqual(["promoted"]);
    expect(kinds(state("admin"), state("member"))).toEqual(["demoted"]);
    expect(kinds(state("admin"), state("restricted"))).toEqual(["demoted", "restricted"]);
    expect(kinds(state("member"), state("restricted"))).toEqual(["restricted"]);
    expect(kinds(state("restricted"), state("member"))).toEqual(["unrestricted"]);
    expect(kinds(state("member"), state("kicked"))).toEqual(["kicked"]);
    expect(kinds(undefined, state("kicked"))).toEqual(["kicked"]);
    expect(kinds(undefined, state("kicked"), false)).toEqual([]);
    expect(kinds(state("kicked"), undefined)).toEqual(["unbanned"]);
    expect(kinds(state("kicked"), undefined, false)).toEqual([]);
    expect(kinds(state("kicked"), state("member"), false)).toEqual(["unbanned", "joined"]);
    expect(kinds(state("admin", { adminRights: "a" }), state("admin", { adminRights: "a,b" }))).toEqual(["rights_changed"]);
    expect(kinds(state("admin"), state("admin", { rank: "mod" }))).toEqual(["rights_changed"]);
    expect(kinds(state("member"), state("member", { lastName: "Lee" }))).toEqual(["renamed"]);
    expect(kinds(state("member"), state("member", { username: "ann" }))).toEqual(["username_changed"]);
  });

  it("reports the old and new value of each change", () => {
    expect(classifyChange("7", state("member", { username: "old" }), state("member", { firstName: "Bo", username: "new" }), true)).toEqual([
      { kind: "renamed", userId: "7", name: "Bo", username: "new", from: "Ann", to: "Bo" },
      { kind: "username_changed", userId: "7", name: "Bo", username: "new", from: "old", to: "new" },
    ]);
  });

  it("finds exactly the changed people with SQL, streamed in user id order", () => {
    const store = new SqliteSnapshotStore(openDatabase(":memory:"));
    const base = Array.from({ length: 1_000 }, (_, i) => row(i + 1));
    const before = snapshot(store, [...base, row(2_000, { role: "kicked" })]);
    const after = base.filter((r) => r.userId !== "5" && r.userId !== "6");
    after[9] = { ...after[9], role: "admin", adminRights: ["ban_users"] };
    after[19] = { ...after[19], username: "renamed_user" };
    const next = snapshot(store, [...after, row(3_000), row(3_001, { role: "kicked" })]);
    const changes = [...store.changes(before, next)];
    expect(changes.map((c) => [c.kind, c.userId])).toEqual([
      ["left", "5"],
      ["left", "6"],
      ["promoted", "12"],
      ["username_changed", "22"],
      ["unbanned", "2000"],
      ["joined", "3000"],
      ["kicked", "3001"],
    ]);
    const members = [...store.members(next.id)].filter((r) => r.role === "member").map((r) => r.userId);
    expect(members.slice(0, 12)).toEqual(["1", "2", "3", "4", "7", "8", "9", "10", "11", "13", "14", "15"]);
    expect(countChanges(store.changes(before, next))).toMatchObject({
      joined: 1,
      left: 2,
      promoted: 1,
      username_changed: 1,
      unbanned: 1,
      kicked: 1,
      renamed: 0,
    });
  });

  it("does not report bans appearing when the older snapshot could not read the banned list", () => {
    const store = new SqliteSnapshotStore(openDatabase(":memory:"));
    const before = snapshot(store, [row(1)], { kickedCount: null });
    const next = snapshot(store, [row(1), row(2, { role: "kicked" })]);
    expect([...store.changes(before, next)]).toEqual([]);
  });
});
