/**
 * What changed between two snapshots of a chat: the kinds of change, and the pure function that turns a
 * person's rows in the two snapshots into changes. The store finds the people whose row differs
 * (SnapshotStore.changes, streamed) and calls it for each.
 */
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

/** How many changes of each kind there are among `changes`. */
export function countChanges(changes: Iterable<Change>): ChangeCounts {
  const counts = emptyCounts();
  for (const change of changes) counts[change.kind]++;
  return counts;
}
