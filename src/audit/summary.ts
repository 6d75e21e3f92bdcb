/**
 * The figures of one snapshot, computed by SQLite: people by role, bots, deleted accounts, scam and
 * fake flags, premium, no username, last-seen buckets; and the admin list with rights.
 */
import type { Db } from "../store/database.js";
import { MEMBER_COLUMNS, type MemberRecord, memberFromRecord, ROLE_ORDER_SQL } from "./snapshots.js";
import { LAST_SEEN_BUCKETS, type LastSeen, MEMBER_ROLES, type MemberRole, type MemberRow } from "./types.js";

/** Totals over the people in the chat (every role but kicked); `byRole` also counts the kicked. */
export interface Totals {
  members: number;
  byRole: Record<MemberRole, number>;
  bots: number;
  deleted: number;
  scam: number;
  fake: number;
  premium: number;
  verified: number;
  /** People (not bots, not deleted accounts) without a username. */
  withoutUsername: number;
  lastSeen: Record<LastSeen, number>;
}

/** Totals of a snapshot. */
export function snapshotTotals(db: Db, snapshotId: number): Totals {
  const byRole = Object.fromEntries(MEMBER_ROLES.map((role) => [role, 0])) as Record<MemberRole, number>;
  for (const r of db.prepare("SELECT role, COUNT(*) AS n FROM audit_members WHERE snapshot_id = ? GROUP BY role").all(snapshotId) as {
    role: MemberRole;
    n: number;
  }[]) {
    byRole[r.role] = r.n;
  }
  const flags = db
    .prepare(`SELECT COUNT(*) AS members, COALESCE(SUM(bot), 0) AS bots, COALESCE(SUM(deleted), 0) AS deleted, COALESCE(SUM(scam), 0) AS scam,
        COALESCE(SUM(fake), 0) AS fake, COALESCE(SUM(premium), 0) AS premium, COALESCE(SUM(verified), 0) AS verified,
        COALESCE(SUM(username IS NULL AND bot = 0 AND deleted = 0), 0) AS withoutUsername
      FROM audit_members WHERE snapshot_id = ? AND role != 'kicked'`)
    .get(snapshotId) as Omit<Totals, "byRole" | "lastSeen">;
  const lastSeen = Object.fromEntries(LAST_SEEN_BUCKETS.map((bucket) => [bucket, 0])) as Record<LastSeen, number>;
  const buckets = db
    .prepare("SELECT last_seen, COUNT(*) AS n FROM audit_members WHERE snapshot_id = ? AND role != 'kicked' GROUP BY last_seen")
    .all(snapshotId) as {
    last_seen: LastSeen;
    n: number;
  }[];
  for (const r of buckets) lastSeen[r.last_seen] = r.n;
  return { ...flags, byRole, lastSeen };
}

/** The creator and admins of a snapshot, creator first, then by user id. */
export function snapshotAdmins(db: Db, snapshotId: number): MemberRow[] {
  const records = db
    .prepare(
      `SELECT ${MEMBER_COLUMNS} FROM audit_members WHERE snapshot_id = ? AND role IN ('creator', 'admin') ORDER BY ${ROLE_ORDER_SQL}, audit_members.user_id`,
    )
    .all(snapshotId) as MemberRecord[];
  return records.map(memberFromRecord);
}
