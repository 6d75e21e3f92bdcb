/**
 * Audit snapshots: one per chat per run, its rows streamed in page by page. A snapshot is "writing"
 * until its writer's finish() marks it complete; readers only ever see complete ones, and an
 * interrupted run's rows are deleted (at once on Ctrl-C, or by the next run when the process died).
 * SnapshotStore is what the audit needs, the figures of a snapshot and the changes between two
 * included; SqliteSnapshotStore (sqliteSnapshots.ts) keeps them in the session database.
 */
import type { Change } from "./diff.js";
import type { Totals } from "./summary.js";
import type { AuditTarget, ChatKind, MemberRow } from "./types.js";

/** A complete snapshot's description. */
export interface SnapshotInfo {
  id: number;
  chatId: string;
  chatKind: ChatKind;
  chatTitle: string;
  chatUsername: string | null;
  /** Unix milliseconds. */
  startedAt: number;
  finishedAt: number;
  /** Members Telegram reported. */
  memberCount: number;
  membersFound: number;
  /** Banned people Telegram reported in the Kicked list; null when it was not read (no admin rights). */
  kickedCount: number | null;
  kickedFound: number;
  /** Every member Telegram counts was found. */
  complete: boolean;
  requests: number;
  floodWaits: number;
  /** Remarks on how complete the enumeration was. */
  notes: string[];
}

/** What finish() records about the enumeration. */
export interface SnapshotTotals {
  memberCount: number;
  kickedCount: number | null;
  complete: boolean;
  requests: number;
  floodWaits: number;
  notes: string[];
}

/** Where audits keep their snapshots, and what they read back from them. */
export interface SnapshotStore {
  /** Starts this run's snapshot of a chat; rows go in with add(), and it counts once finish() ran. */
  begin(target: AuditTarget, startedAt?: number): SnapshotWriter;
  /** A complete snapshot by id. */
  get(id: number): SnapshotInfo | undefined;
  /** The newest complete snapshot of a chat taken before snapshot `beforeId` (or the newest of all). */
  latest(chatId: string, beforeId?: number): SnapshotInfo | undefined;
  /** A snapshot's rows, streamed: creator, admins, members, restricted, kicked; by user id within a role. */
  members(snapshotId: number): Iterable<MemberRow>;
  /** The totals of a snapshot. */
  totals(snapshotId: number): Totals;
  /** The creator and admins of a snapshot, creator first, then by user id. */
  admins(snapshotId: number): MemberRow[];
  /** Every change from snapshot `prev` to snapshot `next` of the same chat, streamed, by user id. */
  changes(prev: SnapshotInfo, next: SnapshotInfo): Iterable<Change>;
  /** Deletes all but the newest `keep` complete snapshots of a chat; returns how many went. */
  prune(chatId: string, keep: number): number;
}

/** Writes one snapshot: rows page by page, then finish() or discard(). */
export interface SnapshotWriter {
  readonly id: number;
  /** Adds a page of rows at once (a person already in the snapshot keeps their first row); counts the new ones. */
  add(rows: readonly MemberRow[]): { newMembers: number; newKicked: number };
  /** Marks the snapshot complete with the enumeration's totals; from now on readers see it. */
  finish(totals: SnapshotTotals, finishedAt?: number): SnapshotInfo;
  /** Deletes the snapshot and every row written so far. */
  discard(): void;
}
