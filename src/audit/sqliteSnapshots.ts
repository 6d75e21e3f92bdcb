/**
 * Audit snapshots in the session's SQLite database, the SnapshotStore of snapshots.ts: a snapshot's rows
 * are streamed in page by page (a transaction a page) and finish() marks it complete in one statement.
 * The figures of a snapshot are computed by SQLite. For the changes between two snapshots SQLite joins
 * them on their primary key and returns only the people whose row differs (or who are in one snapshot
 * only), streamed; classifyChange (diff.ts) turns each such pair into changes. Neither snapshot is ever
 * loaded whole into memory.
 */
import { hostname } from "node:os";
import { type Db, type Migration, migrate } from "../store/database.js";
import { type Change, classifyChange, type PersonState } from "./diff.js";
import type { SnapshotInfo, SnapshotStore, SnapshotTotals, SnapshotWriter } from "./snapshots.js";
import type { Totals } from "./summary.js";
import { type AuditTarget, type ChatKind, IN_CHAT_ROLES, LAST_SEEN_BUCKETS, type LastSeen, MEMBER_ROLES, type MemberRole, type MemberRow } from "./types.js";

/** The audit feature's tables. */
const AUDIT_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    up: `
      CREATE TABLE audit_snapshots (
        id INTEGER PRIMARY KEY,
        chat_id TEXT NOT NULL,
        chat_kind TEXT NOT NULL,
        chat_title TEXT NOT NULL,
        chat_username TEXT,
        state TEXT NOT NULL CHECK (state IN ('writing', 'complete')),
        writer TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        member_count INTEGER NOT NULL DEFAULT 0,
        members_found INTEGER NOT NULL DEFAULT 0,
        kicked_count INTEGER,
        kicked_found INTEGER NOT NULL DEFAULT 0,
        complete INTEGER NOT NULL DEFAULT 0,
        requests INTEGER NOT NULL DEFAULT 0,
        flood_waits INTEGER NOT NULL DEFAULT 0,
        notes TEXT NOT NULL DEFAULT '[]'
      );
      CREATE INDEX audit_snapshots_by_chat ON audit_snapshots (chat_id, state, id);
      CREATE TABLE audit_members (
        snapshot_id INTEGER NOT NULL REFERENCES audit_snapshots (id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL,
        role TEXT NOT NULL,
        first_name TEXT,
        last_name TEXT,
        username TEXT,
        bot INTEGER NOT NULL,
        deleted INTEGER NOT NULL,
        scam INTEGER NOT NULL,
        fake INTEGER NOT NULL,
        premium INTEGER NOT NULL,
        verified INTEGER NOT NULL,
        last_seen TEXT NOT NULL,
        last_online_at INTEGER,
        joined_at INTEGER,
        inviter_id TEXT,
        actor_id TEXT,
        rank TEXT,
        admin_rights TEXT NOT NULL,
        banned_rights TEXT NOT NULL,
        banned_until INTEGER,
        PRIMARY KEY (snapshot_id, user_id)
      ) WITHOUT ROWID;
    `,
  },
];

/** Columns of audit_members as read back (a MemberRecord), ids as text. */
const MEMBER_COLUMNS = `CAST(user_id AS TEXT) AS user_id, role, first_name, last_name, username, bot, deleted, scam, fake, premium,
  verified, last_seen, last_online_at, joined_at, inviter_id, actor_id, rank, admin_rights, banned_rights, banned_until`;

/** Roles in report order, for ORDER BY. */
const ROLE_ORDER_SQL = "CASE role WHEN 'creator' THEN 0 WHEN 'admin' THEN 1 WHEN 'member' THEN 2 WHEN 'restricted' THEN 3 ELSE 4 END";

const IN_CHAT_SQL = `role IN (${IN_CHAT_ROLES.map((r) => `'${r}'`).join(", ")})`;

/** An audit_members row as SQLite gives it back. */
interface MemberRecord {
  user_id: string;
  role: string;
  first_name: string | null;
  last_name: string | null;
  username: string | null;
  bot: number;
  deleted: number;
  scam: number;
  fake: number;
  premium: number;
  verified: number;
  last_seen: string;
  last_online_at: number | null;
  joined_at: number | null;
  inviter_id: string | null;
  actor_id: string | null;
  rank: string | null;
  admin_rights: string;
  banned_rights: string;
  banned_until: number | null;
}

/** A stored row as the MemberRow it was written from. */
function memberFromRecord(r: MemberRecord): MemberRow {
  return {
    userId: r.user_id,
    role: r.role as MemberRole,
    firstName: r.first_name,
    lastName: r.last_name,
    username: r.username,
    bot: r.bot === 1,
    deleted: r.deleted === 1,
    scam: r.scam === 1,
    fake: r.fake === 1,
    premium: r.premium === 1,
    verified: r.verified === 1,
    lastSeen: r.last_seen as LastSeen,
    lastOnlineAt: r.last_online_at,
    joinedAt: r.joined_at,
    inviterId: r.inviter_id,
    actorId: r.actor_id,
    rank: r.rank,
    adminRights: r.admin_rights === "" ? [] : r.admin_rights.split(","),
    bannedRights: r.banned_rights === "" ? [] : r.banned_rights.split(","),
    bannedUntil: r.banned_until,
  };
}

interface SnapshotRecord {
  id: number;
  chat_id: string;
  chat_kind: string;
  chat_title: string;
  chat_username: string | null;
  started_at: number;
  finished_at: number;
  member_count: number;
  members_found: number;
  kicked_count: number | null;
  kicked_found: number;
  complete: number;
  requests: number;
  flood_waits: number;
  notes: string;
}

function snapshotFromRecord(r: SnapshotRecord): SnapshotInfo {
  return {
    id: r.id,
    chatId: r.chat_id,
    chatKind: r.chat_kind as ChatKind,
    chatTitle: r.chat_title,
    chatUsername: r.chat_username,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    memberCount: r.member_count,
    membersFound: r.members_found,
    kickedCount: r.kicked_count,
    kickedFound: r.kicked_found,
    complete: r.complete === 1,
    requests: r.requests,
    floodWaits: r.flood_waits,
    notes: JSON.parse(r.notes) as string[],
  };
}

/** This process, as recorded on snapshots it writes: "host:pid". */
function writerId(): string {
  return `${hostname()}:${process.pid}`;
}

/** True unless `writer` names a process of this host that is gone. */
function writerAlive(writer: string): boolean {
  const [host, pid] = [writer.slice(0, writer.lastIndexOf(":")), Number(writer.slice(writer.lastIndexOf(":") + 1))];
  if (host !== hostname()) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

interface PairRecord {
  user_id: string;
  p_role: MemberRole | null;
  p_first: string | null;
  p_last: string | null;
  p_username: string | null;
  p_rights: string | null;
  p_rank: string | null;
  n_role: MemberRole | null;
  n_first: string | null;
  n_last: string | null;
  n_username: string | null;
  n_rights: string | null;
  n_rank: string | null;
}

const PAIRS_SQL = `
  SELECT CAST(n.user_id AS TEXT) AS user_id,
    p.role AS p_role, p.first_name AS p_first, p.last_name AS p_last, p.username AS p_username, p.admin_rights AS p_rights, p.rank AS p_rank,
    n.role AS n_role, n.first_name AS n_first, n.last_name AS n_last, n.username AS n_username, n.admin_rights AS n_rights, n.rank AS n_rank,
    n.user_id AS sort_key
  FROM audit_members AS n
  LEFT JOIN audit_members AS p ON p.snapshot_id = @prev AND p.user_id = n.user_id
  WHERE n.snapshot_id = @next AND (p.user_id IS NULL OR p.role IS NOT n.role OR p.first_name IS NOT n.first_name
    OR p.last_name IS NOT n.last_name OR p.username IS NOT n.username OR p.admin_rights IS NOT n.admin_rights OR p.rank IS NOT n.rank)
  UNION ALL
  SELECT CAST(p.user_id AS TEXT),
    p.role, p.first_name, p.last_name, p.username, p.admin_rights, p.rank,
    NULL, NULL, NULL, NULL, NULL, NULL,
    p.user_id
  FROM audit_members AS p
  WHERE p.snapshot_id = @prev AND NOT EXISTS (SELECT 1 FROM audit_members AS n WHERE n.snapshot_id = @next AND n.user_id = p.user_id)
  ORDER BY sort_key`;

function side(
  role: MemberRole | null,
  first: string | null,
  last: string | null,
  username: string | null,
  rights: string | null,
  rank: string | null,
): PersonState | undefined {
  return role === null ? undefined : { role, firstName: first, lastName: last, username, adminRights: rights ?? "", rank };
}

/** The snapshots of one session database. */
export class SqliteSnapshotStore implements SnapshotStore {
  /** Migrates the audit tables and deletes what runs that died left half-written. */
  constructor(private readonly db: Db) {
    migrate(db, "audit", AUDIT_MIGRATIONS);
    const orphans = db.prepare("SELECT id, writer FROM audit_snapshots WHERE state = 'writing'").all() as { id: number; writer: string }[];
    const remove = db.prepare("DELETE FROM audit_snapshots WHERE id = ?");
    for (const orphan of orphans) if (!writerAlive(orphan.writer)) remove.run(orphan.id);
  }

  /** Starts this run's snapshot of a chat; rows go in with add(), and it counts once finish() ran. */
  begin(target: AuditTarget, startedAt: number = Date.now()): SqliteSnapshotWriter {
    const { lastInsertRowid } = this.db
      .prepare("INSERT INTO audit_snapshots (chat_id, chat_kind, chat_title, chat_username, state, writer, started_at) VALUES (?, ?, ?, ?, 'writing', ?, ?)")
      .run(target.id, target.kind, target.title, target.username, writerId(), startedAt);
    return new SqliteSnapshotWriter(this.db, Number(lastInsertRowid));
  }

  /** A complete snapshot by id. */
  get(id: number): SnapshotInfo | undefined {
    const row = this.db.prepare("SELECT * FROM audit_snapshots WHERE id = ? AND state = 'complete'").get(id) as SnapshotRecord | undefined;
    return row && snapshotFromRecord(row);
  }

  /** The newest complete snapshot of a chat taken before snapshot `beforeId` (or the newest of all). */
  latest(chatId: string, beforeId?: number): SnapshotInfo | undefined {
    const row = this.db
      .prepare("SELECT * FROM audit_snapshots WHERE chat_id = ? AND state = 'complete' AND id < ? ORDER BY id DESC LIMIT 1")
      .get(chatId, beforeId ?? Number.MAX_SAFE_INTEGER) as SnapshotRecord | undefined;
    return row && snapshotFromRecord(row);
  }

  /** Complete snapshots of a chat, oldest first. */
  list(chatId: string): SnapshotInfo[] {
    const rows = this.db.prepare("SELECT * FROM audit_snapshots WHERE chat_id = ? AND state = 'complete' ORDER BY id").all(chatId) as SnapshotRecord[];
    return rows.map(snapshotFromRecord);
  }

  /** A snapshot's rows, streamed from SQLite: creator, admins, members, restricted, kicked; by user id within a role. */
  *members(snapshotId: number): Generator<MemberRow> {
    const statement = this.db.prepare(`SELECT ${MEMBER_COLUMNS} FROM audit_members WHERE snapshot_id = ? ORDER BY ${ROLE_ORDER_SQL}, audit_members.user_id`);
    for (const record of statement.iterate(snapshotId) as IterableIterator<MemberRecord>) yield memberFromRecord(record);
  }

  /** Totals of a snapshot. */
  totals(snapshotId: number): Totals {
    const byRole = Object.fromEntries(MEMBER_ROLES.map((role) => [role, 0])) as Record<MemberRole, number>;
    for (const r of this.db.prepare("SELECT role, COUNT(*) AS n FROM audit_members WHERE snapshot_id = ? GROUP BY role").all(snapshotId) as {
      role: MemberRole;
      n: number;
    }[]) {
      byRole[r.role] = r.n;
    }
    const flags = this.db
      .prepare(`SELECT COUNT(*) AS members, COALESCE(SUM(bot), 0) AS bots, COALESCE(SUM(deleted), 0) AS deleted, COALESCE(SUM(scam), 0) AS scam,
          COALESCE(SUM(fake), 0) AS fake, COALESCE(SUM(premium), 0) AS premium, COALESCE(SUM(verified), 0) AS verified,
          COALESCE(SUM(username IS NULL AND bot = 0 AND deleted = 0), 0) AS withoutUsername
        FROM audit_members WHERE snapshot_id = ? AND role != 'kicked'`)
      .get(snapshotId) as Omit<Totals, "byRole" | "lastSeen">;
    const lastSeen = Object.fromEntries(LAST_SEEN_BUCKETS.map((bucket) => [bucket, 0])) as Record<LastSeen, number>;
    const buckets = this.db
      .prepare("SELECT last_seen, COUNT(*) AS n FROM audit_members WHERE snapshot_id = ? AND role != 'kicked' GROUP BY last_seen")
      .all(snapshotId) as {
      last_seen: LastSeen;
      n: number;
    }[];
    for (const r of buckets) lastSeen[r.last_seen] = r.n;
    return { ...flags, byRole, lastSeen };
  }

  /** The creator and admins of a snapshot, creator first, then by user id. */
  admins(snapshotId: number): MemberRow[] {
    const records = this.db
      .prepare(
        `SELECT ${MEMBER_COLUMNS} FROM audit_members WHERE snapshot_id = ? AND role IN ('creator', 'admin') ORDER BY ${ROLE_ORDER_SQL}, audit_members.user_id`,
      )
      .all(snapshotId) as MemberRecord[];
    return records.map(memberFromRecord);
  }

  /** Every change from snapshot `prev` to snapshot `next` of the same chat, streamed, by user id. */
  *changes(prev: SnapshotInfo, next: SnapshotInfo): Generator<Change> {
    const kickedComparable = prev.kickedCount !== null && next.kickedCount !== null;
    const pairs = this.db.prepare(PAIRS_SQL).iterate({ prev: prev.id, next: next.id }) as IterableIterator<PairRecord>;
    for (const r of pairs) {
      const before = side(r.p_role, r.p_first, r.p_last, r.p_username, r.p_rights, r.p_rank);
      const after = side(r.n_role, r.n_first, r.n_last, r.n_username, r.n_rights, r.n_rank);
      yield* classifyChange(r.user_id, before, after, kickedComparable);
    }
  }

  /** Deletes all but the newest `keep` complete snapshots of a chat; returns how many went. */
  prune(chatId: string, keep: number): number {
    const { changes } = this.db
      .prepare(
        "DELETE FROM audit_snapshots WHERE chat_id = ? AND state = 'complete' AND id NOT IN (SELECT id FROM audit_snapshots WHERE chat_id = ? AND state = 'complete' ORDER BY id DESC LIMIT ?)",
      )
      .run(chatId, chatId, keep);
    return changes;
  }
}

/** Writes one snapshot: rows page by page, then finish() or discard(). */
export class SqliteSnapshotWriter implements SnapshotWriter {
  private readonly insert;
  private readonly addRows;
  private closed = false;

  /** Wraps the snapshot row `id`, which begin() created in state "writing". */
  constructor(
    private readonly db: Db,
    readonly id: number,
  ) {
    this.insert = db.prepare(`INSERT OR IGNORE INTO audit_members (snapshot_id, user_id, role, first_name, last_name, username, bot, deleted,
      scam, fake, premium, verified, last_seen, last_online_at, joined_at, inviter_id, actor_id, rank, admin_rights, banned_rights, banned_until)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.addRows = db.transaction((rows: readonly MemberRow[]) => {
      let newMembers = 0;
      let newKicked = 0;
      for (const r of rows) {
        const { changes } = this.insert.run(
          this.id,
          BigInt(r.userId),
          r.role,
          r.firstName,
          r.lastName,
          r.username,
          +r.bot,
          +r.deleted,
          +r.scam,
          +r.fake,
          +r.premium,
          +r.verified,
          r.lastSeen,
          r.lastOnlineAt,
          r.joinedAt,
          r.inviterId,
          r.actorId,
          r.rank,
          r.adminRights.join(","),
          r.bannedRights.join(","),
          r.bannedUntil,
        );
        if (changes === 0) continue;
        if (r.role === "kicked") newKicked++;
        else newMembers++;
      }
      return { newMembers, newKicked };
    });
  }

  /** Adds a page of rows in one transaction (a person already in the snapshot keeps their first row). */
  add(rows: readonly MemberRow[]): { newMembers: number; newKicked: number } {
    if (this.closed) throw new Error(`snapshot ${this.id} is already finished or discarded`);
    return this.addRows(rows);
  }

  /** Marks the snapshot complete with the enumeration's totals; from now on readers see it. */
  finish(totals: SnapshotTotals, finishedAt: number = Date.now()): SnapshotInfo {
    this.closed = true;
    const found = this.db
      .prepare(`SELECT COALESCE(SUM(${IN_CHAT_SQL}), 0) AS members, COALESCE(SUM(role = 'kicked'), 0) AS kicked FROM audit_members WHERE snapshot_id = ?`)
      .get(this.id) as { members: number; kicked: number };
    this.db
      .prepare(`UPDATE audit_snapshots SET state = 'complete', finished_at = ?, member_count = ?, members_found = ?, kicked_count = ?, kicked_found = ?,
        complete = ?, requests = ?, flood_waits = ?, notes = ? WHERE id = ?`)
      .run(
        finishedAt,
        totals.memberCount,
        found.members,
        totals.kickedCount,
        found.kicked,
        +totals.complete,
        totals.requests,
        totals.floodWaits,
        JSON.stringify(totals.notes),
        this.id,
      );
    const row = this.db.prepare("SELECT * FROM audit_snapshots WHERE id = ?").get(this.id) as SnapshotRecord;
    return snapshotFromRecord(row);
  }

  /** Deletes the snapshot and every row written so far. */
  discard(): void {
    this.closed = true;
    this.db.prepare("DELETE FROM audit_snapshots WHERE id = ?").run(this.id);
  }
}
