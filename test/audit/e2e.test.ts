/**
 * Audits end to end against an in-process emulator over TCP, at a small scale (Telegram's Recent
 * window lowered to 1,000 so a 3,000-person group goes past it quickly): complete enumeration checked
 * row by row against the model, the exact changes of a second run, CSV and JSON parsed back, basic
 * groups, clear errors for chats that cannot be audited, a flood wait, and Ctrl-C keeping nothing.
 * test/audit/e2e-25k.soak.test.ts runs the acceptance scale (25,000 people, the real 10,000 window).
 */
import { Writable } from "node:stream";
import { type ChatRecord, createChat, createUser, participantIndex, postMessage, setMemberRole, type UserRecord } from "@tg-toolkit/emulator/model";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuditOptions, auditChat } from "../../src/audit/audit.js";
import type { Change } from "../../src/audit/diff.js";
import { AuditError, AuditInterrupted } from "../../src/audit/errors.js";
import { parseFailRules } from "../../src/audit/failOn.js";
import { TextOutput } from "../../src/audit/output.js";
import type { AuditResult } from "../../src/audit/report.js";
import { SqliteSnapshotStore } from "../../src/audit/sqliteSnapshots.js";
import type { MemberRow } from "../../src/audit/types.js";
import { csvWriter } from "../../src/audit/writers/csv.js";
import { jsonWriter } from "../../src/audit/writers/json.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import { PeerError, parsePeerInput } from "../../src/telegram/peers.js";
import { type AuditWorld, buildMegagroup, expectedRows, modelMemberCount, pick, rename, startAuditWorld } from "./harness.js";

const WINDOW = 1_000;

let w: AuditWorld;
let db: Db;
let store: SqliteSnapshotStore;
let group: { chat: ChatRecord; people: Record<string, UserRecord> };
let first: AuditResult;

const audit = (chat: string, options: AuditOptions = {}) => auditChat(w.client, store, parsePeerInput(chat), { listingWindow: WINDOW, ...options });

/** Rows that differ from the model's, read at two moments (last-seen buckets move with the clock). */
function mismatches(actual: MemberRow[], before: MemberRow[], after: MemberRow[]): unknown[] {
  const same = (a: MemberRow, b: MemberRow | undefined) => JSON.stringify(a) === JSON.stringify(b);
  const wrong: unknown[] = [];
  for (let i = 0; i < Math.max(actual.length, before.length); i++) {
    if (!same(actual[i], before[i]) && !same(actual[i], after[i])) wrong.push({ actual: actual[i], expected: before[i] });
  }
  return wrong.slice(0, 5);
}

/** Audits and checks every row against the model. */
async function auditAndCheck(chat: ChatRecord, name: string, options: AuditOptions = {}): Promise<AuditResult> {
  const before = expectedRows(w.model, chat, Math.floor(Date.now() / 1000));
  const result = await audit(name, options);
  const after = expectedRows(w.model, chat, Math.floor(Date.now() / 1000));
  expect(mismatches([...result.members()], before, after)).toEqual([]);
  return result;
}

async function written(write: (out: TextOutput) => Promise<void>): Promise<string> {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  await write(new TextOutput(stream));
  return chunks.join("");
}

const fromIso = (text: string | null) => (text === null || text === "" ? null : Date.parse(text) / 1000);

beforeAll(async () => {
  w = await startAuditWorld();
  const start = w.model.now();
  w.model.now = () => start;
  w.model.limits.recentParticipantsCap = WINDOW;
  db = openDatabase(":memory:");
  store = new SqliteSnapshotStore(db);
  group = buildMegagroup(w.model, w.owner, { username: "audit_small", generated: 3_000 });
});

afterAll(async () => {
  db?.close();
  await w?.stop();
});

describe("auditing a megagroup", () => {
  it("enumerates every member beyond the Recent window, and every banned person, exactly as the model has them", async () => {
    const { chat } = group;
    first = await auditAndCheck(chat, "@audit_small");
    const e = first.report.enumeration;
    const index = participantIndex(w.model, chat);
    expect(e).toMatchObject({
      memberCount: modelMemberCount(w.model, chat),
      membersFound: modelMemberCount(w.model, chat),
      complete: true,
      kickedCount: index.kicked.length,
      kickedFound: index.kicked.length,
    });
    expect(e.memberCount).toBeGreaterThan(WINDOW * 2);
    expect(e.notes[0]).toMatch(/recent-members list stopped before the member count/);
    const t = first.report.totals;
    for (const key of ["bots", "deleted", "scam", "fake", "premium", "verified"] as const) expect(t[key]).toBeGreaterThan(0);
    for (const role of ["creator", "admin", "member", "restricted", "kicked"] as const) expect(t.byRole[role]).toBeGreaterThan(0);
    for (const bucket of ["online", "recently", "week", "month", "long_ago", "unknown"] as const) expect(t.lastSeen[bucket]).toBeGreaterThan(0);
    const mod = first.report.admins.find((a) => a.userId === String(group.people.mod.id));
    expect(mod).toMatchObject({ role: "admin", rank: "moderator", rights: ["delete_messages", "ban_users", "pin_messages"], promotedBy: String(w.owner.id) });
    expect(first.report.changes).toBeNull();
  });

  it("reports exactly the joins, leaves, promotions, kicks, restrictions and renames since the last run", async () => {
    const { chat, people } = group;
    const world = w.model;
    const used = new Set<number>([w.owner.id, ...Object.values(people).map((p) => p.id)]);
    const plain = (p: { role: string }, u: UserRecord) => p.role === "member" && !u.deleted && !u.bot;
    const oldest = pick(world, chat, 8, plain, used);
    const [renamed, reusernamed] = oldest.slice(6);
    rename(world, world.users.get(renamed)!, { firstName: "Zebediah" });
    rename(world, world.users.get(reusernamed)!, { username: "fresh_name_123" });
    const leaving = oldest.slice(0, 3);
    const promoted = oldest.slice(3, 5);
    const kicked = [oldest[5], people.offline.id];
    const restricted = pick(world, chat, 2, plain, used);
    const joiners = [1, 2, 3, 4].map((i) => createUser(world, { firstName: `Newcomer${i}`, lastName: "Joiner" }).id);
    for (const id of leaving) setMemberRole(world, chat.id, id, "left");
    for (const id of promoted) setMemberRole(world, chat.id, id, "admin", { actorId: w.owner.id });
    for (const id of kicked) setMemberRole(world, chat.id, id, "kicked", { actorId: w.owner.id });
    for (const id of restricted) setMemberRole(world, chat.id, id, "restricted", { actorId: w.owner.id });
    for (const id of joiners) setMemberRole(world, chat.id, id, "member");
    setMemberRole(world, chat.id, people.banned.id, "left", { actorId: w.owner.id });

    const second = await auditAndCheck(chat, "@audit_small", { failRules: parseFailRules(["new-admin", "left>5", "joined>=4"]) });
    expect(second.report.snapshot.previous?.id).toBe(first.report.snapshot.id);
    const ids = (kind: Change["kind"]) =>
      [...second.changes()]
        .filter((c) => c.kind === kind)
        .map((c) => Number(c.userId))
        .sort((a, b) => a - b);
    const sorted = (list: number[]) => [...list].sort((a, b) => a - b);
    expect(ids("joined")).toEqual(sorted(joiners));
    expect(ids("left")).toEqual(sorted(leaving));
    expect(ids("promoted")).toEqual(sorted(promoted));
    expect(ids("kicked")).toEqual(sorted(kicked));
    expect(ids("restricted")).toEqual(sorted(restricted));
    expect(ids("unbanned")).toEqual([people.banned.id]);
    expect(ids("renamed")).toEqual([renamed]);
    expect(ids("username_changed")).toEqual([reusernamed]);
    expect(second.report.changes).toEqual({
      joined: 4,
      left: 3,
      promoted: 2,
      demoted: 0,
      restricted: 2,
      unrestricted: 0,
      kicked: 2,
      unbanned: 1,
      rights_changed: 0,
      renamed: 1,
      username_changed: 1,
    });
    expect(second.report.failOn).toEqual([
      { rule: "new-admin", triggered: true, value: 2 },
      { rule: "left>5", triggered: false, value: 3 },
      { rule: "joined>=4", triggered: true, value: 4 },
    ]);
    first = second;
  });

  it("writes CSV and JSON that parse back to the snapshot's rows", async () => {
    const rows = [...first.members()];
    const csv = await written(async (out) => {
      const writer = csvWriter(out);
      await writer.chat(first);
      await writer.end(false);
    });
    const records = parse(csv, { columns: true }) as Record<string, string>[];
    const flag = (v: string) => v === "true";
    const text = (v: string) => (v === "" ? null : v);
    const list = (v: string) => (v === "" ? [] : v.split(";"));
    const fromCsv = records.map(
      (r): MemberRow => ({
        userId: r.user_id,
        role: r.role as MemberRow["role"],
        firstName: text(r.first_name),
        lastName: text(r.last_name),
        username: text(r.username),
        bot: flag(r.bot),
        deleted: flag(r.deleted),
        scam: flag(r.scam),
        fake: flag(r.fake),
        premium: flag(r.premium),
        verified: flag(r.verified),
        lastSeen: r.last_seen as MemberRow["lastSeen"],
        lastOnlineAt: fromIso(r.last_online_at),
        joinedAt: fromIso(r.joined_at),
        inviterId: text(r.inviter_id),
        actorId: text(r.actor_id),
        rank: text(r.rank),
        adminRights: list(r.admin_rights),
        bannedRights: list(r.banned_rights),
        bannedUntil: fromIso(r.banned_until),
      }),
    );
    expect(records.every((r) => r.chat_id === first.report.chat.id)).toBe(true);
    expect(fromCsv).toEqual(rows);

    const json = JSON.parse(
      await written(async (out) => {
        const writer = jsonWriter(out);
        await writer.chat(first);
        await writer.end(false);
      }),
    ) as { audits: { members: Record<string, unknown>[]; changes: { counts: unknown; items: Change[] } }[] };
    const fromJson = json.audits[0].members.map((m) => ({
      ...m,
      lastOnlineAt: fromIso(m.lastOnlineAt as string | null),
      joinedAt: fromIso(m.joinedAt as string | null),
      bannedUntil: fromIso(m.bannedUntil as string | null),
    }));
    expect(fromJson).toEqual(rows);
    expect(json.audits[0].changes).toEqual({ counts: first.report.changes, items: [...first.changes()] });
  });

  it("waits out a FLOOD_WAIT, halving the requests in flight, and still finishes", async () => {
    w.emu.router.addFault({ method: "channels.getParticipants", error: "FLOOD_WAIT_1", code: 420, count: 1 });
    const waits: { seconds: number; from: number; to: number }[] = [];
    const result = await audit("@audit_small", { progress: { start() {}, update() {}, end() {}, floodWait: (e) => void waits.push(e) } });
    expect(waits).toEqual([expect.objectContaining({ seconds: 1 })]);
    expect(waits[0].to).toBe(Math.max(1, Math.floor(waits[0].from / 2)));
    expect(result.report.enumeration).toMatchObject({ floodWaits: 1, complete: true });
    expect(result.report.changes?.joined).toBe(0);
  });

  it("keeps nothing of a run stopped by Ctrl-C", async () => {
    const before = store.list(`-100${group.chat.id}`).length;
    const controller = new AbortController();
    const run = audit("@audit_small", { signal: controller.signal, progress: { start() {}, floodWait() {}, end() {}, update: () => controller.abort() } });
    await expect(run).rejects.toBeInstanceOf(AuditInterrupted);
    expect(store.list(`-100${group.chat.id}`)).toHaveLength(before);
    expect(db.prepare("SELECT COUNT(*) AS n FROM audit_snapshots WHERE state = 'writing'").get()).toEqual({ n: 0 });
  });
});

describe("chats that are not audited as asked", () => {
  it("says how many subscribers of a broadcast channel Telegram shows (its newest 200), without searching names in vain", async () => {
    const channel = createChat(w.model, { type: "channel", title: "Broadcast", username: "audit_broadcast", creatorId: w.owner.id });
    for (let i = 0; i < 1_000; i++) setMemberRole(w.model, channel.id, createUser(w.model, { firstName: `Listener${i}` }).id, "member");
    const calls = w.emu.router.stats.get("channels.getParticipants") ?? 0;
    const result = await audit("@audit_broadcast");
    const newest = participantIndex(w.model, channel)
      .recent.slice(0, 200)
      .map((p) => String(p.userId));
    const found = [...result.members()].map((row) => row.userId);
    expect(found).toHaveLength(201);
    expect(found).toEqual(expect.arrayContaining([...newest, String(w.owner.id)]));
    expect(result.report.enumeration).toMatchObject({ memberCount: 1_001, membersFound: 201, complete: false });
    expect(result.report.enumeration.notes[0]).toBe(
      "Telegram shows 201 of 1,001 subscribers of a broadcast channel: it lists only the newest (about 200) and the admins, even to the channel's owner, so the others cannot be audited",
    );
    // Recent's pages, the admin, bot, restricted and kicked lists: no name searches.
    expect((w.emu.router.stats.get("channels.getParticipants") ?? 0) - calls).toBeLessThan(15);
  });

  it("audits a basic group from its participant list in one call", async () => {
    const alice = createUser(w.model, { firstName: "Alice", lastName: "Group" });
    const bot = createUser(w.model, { firstName: "Group", username: "group_helper_bot", bot: true });
    const chat = createChat(w.model, {
      type: "group",
      title: "Family",
      creatorId: w.owner.id,
      members: [
        { userId: alice.id, role: "admin" },
        { userId: bot.id, role: "member" },
      ],
    });
    postMessage(w.model, alice.id, { type: "chat", id: chat.id }, { text: "hello family" });
    const calls = w.emu.router.stats.get("channels.getParticipants") ?? 0;
    const result = await auditAndCheck(chat, `-${chat.id}`);
    expect(w.emu.router.stats.get("channels.getParticipants") ?? 0).toBe(calls);
    expect(result.report.chat).toEqual({ id: `-${chat.id}`, kind: "group", title: "Family", username: null });
    expect(result.report.enumeration).toMatchObject({ memberCount: 3, membersFound: 3, complete: true, kickedCount: null });
    expect(result.report.totals.byRole).toMatchObject({ creator: 1, admin: 1, member: 1 });
  });

  it("says clearly when a name is a person, or a chat the account may not list or cannot see", async () => {
    const world = w.model;
    const other = createUser(world, { firstName: "Other", username: "other_owner" });
    createChat(world, { type: "channel", title: "News", username: "audit_news", creatorId: other.id, members: [{ userId: w.owner.id, role: "member" }] });
    createChat(world, {
      type: "supergroup",
      title: "Quiet",
      username: "audit_quiet",
      creatorId: other.id,
      participantsHidden: true,
      members: [{ userId: w.owner.id, role: "member" }],
    });
    createChat(world, {
      type: "supergroup",
      title: "Banned",
      username: "audit_banned",
      creatorId: other.id,
      members: [{ userId: w.owner.id, role: "kicked" }],
    });
    const secret = createChat(world, { type: "supergroup", title: "Secret", creatorId: other.id });
    const failure = async (chat: string) => (await audit(chat).catch((e: unknown) => e)) as Error;

    expect(await failure("@other_owner")).toMatchObject({
      name: "AuditError",
      problem: "not-a-group",
      message: "@other_owner is a person, not a group or channel: give the group or channel to audit",
    });
    expect(await failure("@audit_news")).toMatchObject({
      problem: "no-rights",
      message: "@audit_news is a channel: only its admins can see who subscribes, and this account is not one of them",
    });
    expect(await failure("@audit_quiet")).toMatchObject({
      problem: "no-rights",
      message: "@audit_quiet hides its member list: only its admins can see who is in it, and this account is not one of them",
    });
    expect(await failure("https://t.me/audit_banned")).toMatchObject({
      problem: "private",
      message: "@audit_banned is private and this account is not in it (or was banned from it): join it first",
    });
    const unknown = await failure(`https://t.me/c/${secret.id}/1`);
    expect(unknown).toBeInstanceOf(PeerError);
    expect(unknown.message).toMatch(/^this account has no chat or contact with id -100\d+/);
    for (const error of [await failure("@audit_news"), await failure("@audit_quiet")]) expect(error).toBeInstanceOf(AuditError);
    expect(db.prepare("SELECT COUNT(*) AS n FROM audit_snapshots WHERE chat_title IN ('News', 'Quiet', 'Banned')").get()).toEqual({ n: 0 });
  });

  it("stops promptly with a clear error when the account loses its admin rights in the middle", async () => {
    const world = w.model;
    const channel = createChat(world, {
      type: "channel",
      title: "Demoted",
      username: "audit_demoted",
      creatorId: group.people.mod.id,
      members: [{ userId: w.owner.id, role: "admin" }],
    });
    for (let i = 0; i < 1_500; i++) setMemberRole(world, channel.id, createUser(world, { firstName: `Reader${i}` }).id, "member");
    const started = performance.now();
    let demoted = false;
    const demote = () => {
      if (demoted) return;
      demoted = true;
      setMemberRole(world, channel.id, w.owner.id, "member", { actorId: group.people.mod.id });
    };
    const error = await audit("@audit_demoted", {
      concurrency: { initial: 2, max: 2 },
      progress: { start() {}, floodWait() {}, end() {}, update: demote },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: "AuditError",
      problem: "no-rights",
      message: "@audit_demoted: only admins can see this member list, and this account is not an admin there",
    });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(store.list(`-100${channel.id}`)).toEqual([]);
  });
});
