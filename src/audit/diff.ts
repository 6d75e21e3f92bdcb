/**
 * What changed between two snapshots of a chat. SQLite joins the two snapshots on their primary key
 * and returns only the people whose row differs (or who are in one snapshot only), streamed; a pure
 * function turns each such pair into changes. Neither snapshot is ever loaded whole into memory.
 */
import type { Db } from "../store/database.js";
import type { SnapshotInfo } from "./snapshots.js";
import type { MemberRole } from "./types.js";

/** Kinds of change, in report order. */
export const CHANGE_KINDS = [
  "joined",
  "left",
  "promoted",
  "demoted",
  "restricted",
  "unrestricted",
  "kicked",
  "unbanned",
  "rights_changed",
  "renamed",
  "username_changed",
] as const;

/** What happened to one person between two snapshots. */
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** One change. `from` / `to` are roles for role changes, names, usernames or rights otherwise. */
export interface Change {
  kind: ChangeKind;
  userId: string;
  /** "First Last" as last seen; null for deleted accounts. */
  name: string | null;
  username: string | null;
  from: string | null;
  to: string | null;
}

/** How many changes of each kind. */
export type ChangeCounts = Record<ChangeKind, number>;

/** The fields of one side of a pair that changes are read from. */
export interface PersonState {
  role: MemberRole;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  adminRights: string;
  rank: string | null;
}

const isAdmin = (role: MemberRole | undefined) => role === "creator" || role === "admin";
const inChat = (role: MemberRole | undefined) => role !== undefined && role !== "kicked";

/** "First Last", or null when there is no name (deleted accounts). */
export function displayName(first: string | null, last: string | null): string | null {
  const name = [first, last].filter(Boolean).join(" ");
  return name === "" ? null : name;
}

/**
 * The changes between a person's row in the older snapshot (`prev`) and the newer one (`next`);
 * undefined means absent. `kickedComparable` says both snapshots read the Kicked list: only then
 * can a ban appearing or disappearing be told from a list the account could not see.
 */
export function classifyChange(userId: string, prev: PersonState | undefined, next: PersonState | undefined, kickedComparable: boolean): Change[] {
  const now = next ?? prev;
  if (now === undefined) return [];
  const name = displayName(now.firstName, now.lastName);
  const username = now.username;
  const changes: Change[] = [];
  const add = (kind: ChangeKind, from: string | null, to: string | null) => changes.push({ kind, userId, name, username, from, to });
  const before = prev?.role;
  const after = next?.role;

  if (before === "kicked" && after !== "kicked" && (after !== undefined || kickedComparable)) add("unbanned", "kicked", after ?? null);
  if (!inChat(before) && inChat(after)) add("joined", before ?? null, after!);
  if (inChat(before) && after === undefined) add("left", before!, null);
  if (after === "kicked" && before !== "kicked" && (before !== undefined || kickedComparable)) add("kicked", before ?? null, "kicked");
  if (inChat(after)) {
    if (isAdmin(after) && !isAdmin(before)) add("promoted", before ?? null, after!);
    if (isAdmin(before) && !isAdmin(after)) add("demoted", before!, after!);
    if (after === "restricted" && before !== "restricted") add("restricted", before ?? null, after);
    if (before === "restricted" && after === "member") add("unrestricted", before, after);
  }
  if (prev && next) {
    if (isAdmin(before) && isAdmin(after) && (prev.adminRights !== next.adminRights || prev.rank !== next.rank)) {
      add("rights_changed", rightsText(prev), rightsText(next));
    }
    const oldName = displayName(prev.firstName, prev.lastName);
    if (oldName !== name) add("renamed", oldName, name);
    if (prev.username !== next.username) add("username_changed", prev.username, next.username);
  }
  return changes;
}

function rightsText(state: PersonState): string {
  return state.rank ? `${state.adminRights} (rank: ${state.rank})` : state.adminRights;
}

/** Zero of every kind. */
export function emptyCounts(): ChangeCounts {
  return Object.fromEntries(CHANGE_KINDS.map((kind) => [kind, 0])) as ChangeCounts;
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

/** Every change from snapshot `prev` to snapshot `next` of the same chat, streamed, by user id. */
export function* diffSnapshots(db: Db, prev: SnapshotInfo, next: SnapshotInfo): Generator<Change> {
  const kickedComparable = prev.kickedCount !== null && next.kickedCount !== null;
  const pairs = db.prepare(PAIRS_SQL).iterate({ prev: prev.id, next: next.id }) as IterableIterator<PairRecord>;
  for (const r of pairs) {
    const before = side(r.p_role, r.p_first, r.p_last, r.p_username, r.p_rights, r.p_rank);
    const after = side(r.n_role, r.n_first, r.n_last, r.n_username, r.n_rights, r.n_rank);
    yield* classifyChange(r.user_id, before, after, kickedComparable);
  }
}

/** How many changes of each kind there are from `prev` to `next`. */
export function countChanges(db: Db, prev: SnapshotInfo, next: SnapshotInfo): ChangeCounts {
  const counts = emptyCounts();
  for (const change of diffSnapshots(db, prev, next)) counts[change.kind]++;
  return counts;
}
