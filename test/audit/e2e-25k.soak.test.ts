/**
 * The acceptance scale: a 25,000-person megagroup with people in every role and status, Telegram's
 * real 10,000-member Recent window, enumerated completely and checked row by row against the model;
 * then a second run after joins, leaves, promotions and kicks reports exactly those. About 20 s.
 */

import { type ChatRecord, createUser, participantIndex, setMemberRole, type UserRecord } from "@tg-toolkit/emulator/model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditChat } from "../../src/audit/audit.js";
import type { ChangeKind } from "../../src/audit/diff.js";
import type { AuditResult } from "../../src/audit/report.js";
import { SqliteSnapshotStore } from "../../src/audit/sqliteSnapshots.js";
import type { MemberRow } from "../../src/audit/types.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import { parsePeerInput } from "../../src/telegram/peers.js";
import { type AuditWorld, buildMegagroup, expectedRows, modelMemberCount, pick, startAuditWorld } from "./harness.js";

let w: AuditWorld;
let db: Db;
let store: SqliteSnapshotStore;
let chat: ChatRecord;
let people: Record<string, UserRecord>;

/** Audits @audit_25k and checks every row against the model (last-seen buckets read before and after). */
async function auditChecked(): Promise<AuditResult> {
  const before = expectedRows(w.model, chat, Math.floor(Date.now() / 1000));
  const result = await auditChat(w.client, store, parsePeerInput("@audit_25k"));
  const after = expectedRows(w.model, chat, Math.floor(Date.now() / 1000));
  const rows: MemberRow[] = [...result.members()];
  expect(rows).toHaveLength(before.length);
  const wrong = rows.filter((row, i) => JSON.stringify(row) !== JSON.stringify(before[i]) && JSON.stringify(row) !== JSON.stringify(after[i]));
  expect(wrong.slice(0, 3)).toEqual([]);
  return result;
}

beforeAll(async () => {
  w = await startAuditWorld();
  const start = w.model.now();
  w.model.now = () => start;
  db = openDatabase(":memory:");
  store = new SqliteSnapshotStore(db);
  ({ chat, people } = buildMegagroup(w.model, w.owner, { username: "audit_25k", generated: 25_000 }));
});

afterAll(async () => {
  db?.close();
  await w?.stop();
});

describe("a 25,000-person megagroup", () => {
  it("is enumerated completely beyond the 10,000 Recent window, every row as the model has it", { timeout: 120_000 }, async () => {
    const result = await auditChecked();
    const index = participantIndex(w.model, chat);
    expect(w.model.limits.recentParticipantsCap).toBe(10_000);
    expect(index.recent.length).toBeGreaterThan(20_000);
    expect(result.report.enumeration).toMatchObject({
      memberCount: modelMemberCount(w.model, chat),
      membersFound: modelMemberCount(w.model, chat),
      complete: true,
      kickedCount: index.kicked.length,
      kickedFound: index.kicked.length,
    });
    const t = result.report.totals;
    for (const role of ["creator", "admin", "member", "restricted", "kicked"] as const) expect(t.byRole[role]).toBeGreaterThan(0);
    for (const bucket of ["online", "recently", "week", "month", "long_ago", "unknown"] as const) expect(t.lastSeen[bucket]).toBeGreaterThan(0);
    for (const flag of ["bots", "deleted", "scam", "fake", "premium", "verified", "withoutUsername"] as const) expect(t[flag]).toBeGreaterThan(0);
  });

  it("reports exactly the joins, leaves, promotions and kicks of the second run", { timeout: 120_000 }, async () => {
    const world = w.model;
    const used = new Set<number>([w.owner.id, ...Object.values(people).map((p) => p.id)]);
    const plain = (p: { role: string }, u: UserRecord) => p.role === "member" && !u.deleted && !u.bot;
    const old = pick(world, chat, 30, plain, used);
    const changes: Partial<Record<ChangeKind, number[]>> = {
      left: old.slice(0, 10),
      promoted: old.slice(10, 15),
      kicked: old.slice(15, 30),
      joined: Array.from({ length: 20 }, (_, i) => createUser(world, { firstName: `Late${i}`, username: `late_joiner_${i}` }).id),
    };
    for (const id of changes.left!) setMemberRole(world, chat.id, id, "left");
    for (const id of changes.promoted!) setMemberRole(world, chat.id, id, "admin", { actorId: w.owner.id });
    for (const id of changes.kicked!) setMemberRole(world, chat.id, id, "kicked", { actorId: w.owner.id });
    for (const id of changes.joined!) setMemberRole(world, chat.id, id, "member");

    const result = await auditChecked();
    expect(result.report.enumeration.complete).toBe(true);
    expect(result.report.changes).toEqual({
      joined: 20,
      left: 10,
      promoted: 5,
      demoted: 0,
      restricted: 0,
      unrestricted: 0,
      kicked: 15,
      unbanned: 0,
      rights_changed: 0,
      renamed: 0,
      username_changed: 0,
    });
    for (const [kind, ids] of Object.entries(changes)) {
      const reported = [...result.changes()].filter((c) => c.kind === kind).map((c) => Number(c.userId));
      expect(reported.sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    }
  });
});
