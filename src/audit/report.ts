/**
 * An audit's report: the figures and lists writers print, small enough to hold in memory. The
 * member rows and the changes, which grow with the group, are streamed from SQLite by the result.
 */
import { type Change, type ChangeCounts, displayName } from "./diff.js";
import type { RuleResult } from "./failOn.js";
import type { SnapshotInfo } from "./snapshots.js";
import type { Totals } from "./summary.js";
import type { ChatKind, MemberRow } from "./types.js";

/** An admin as the report lists them. */
export interface AdminEntry {
  userId: string;
  name: string | null;
  username: string | null;
  role: "creator" | "admin";
  rank: string | null;
  rights: string[];
  promotedBy: string | null;
  bot: boolean;
}

/** Everything about one chat's audit except the rows and changes. */
export interface AuditReport {
  chat: { id: string; kind: ChatKind; title: string; username: string | null };
  snapshot: { id: number; takenAt: string; durationMs: number; previous: { id: number; takenAt: string } | null };
  enumeration: {
    memberCount: number;
    membersFound: number;
    complete: boolean;
    /** Share of the member count found, 0 to 1. */
    completeness: number;
    /** Null when the Kicked list could not be read (the account is not an admin). */
    kickedCount: number | null;
    kickedFound: number;
    requests: number;
    floodWaits: number;
    notes: string[];
  };
  totals: Totals;
  admins: AdminEntry[];
  /** Changes since the previous snapshot, by kind; null on a chat's first audit. */
  changes: ChangeCounts | null;
  failOn: RuleResult[];
}

/** A finished audit: the report, and the snapshot's rows and changes streamed on demand. */
export interface AuditResult {
  report: AuditReport;
  /** The snapshot's rows: creator, admins, members, restricted, kicked. */
  members(): Iterable<MemberRow>;
  /** Changes since the previous snapshot, by user id (none on a first audit). */
  changes(): Iterable<Change>;
}

/** Unix milliseconds as ISO 8601 in UTC, to the second. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The report of a finished snapshot. */
export function buildReport(parts: {
  snapshot: SnapshotInfo;
  previous: SnapshotInfo | undefined;
  totals: Totals;
  admins: readonly MemberRow[];
  changes: ChangeCounts | null;
  failOn: RuleResult[];
}): AuditReport {
  const { snapshot: s, previous } = parts;
  return {
    chat: { id: s.chatId, kind: s.chatKind, title: s.chatTitle, username: s.chatUsername },
    snapshot: {
      id: s.id,
      takenAt: isoTime(s.startedAt),
      durationMs: s.finishedAt - s.startedAt,
      previous: previous ? { id: previous.id, takenAt: isoTime(previous.startedAt) } : null,
    },
    enumeration: {
      memberCount: s.memberCount,
      membersFound: s.membersFound,
      complete: s.complete,
      completeness: s.memberCount === 0 ? 1 : Math.min(1, Math.round((s.membersFound / s.memberCount) * 10_000) / 10_000),
      kickedCount: s.kickedCount,
      kickedFound: s.kickedFound,
      requests: s.requests,
      floodWaits: s.floodWaits,
      notes: s.notes,
    },
    totals: parts.totals,
    admins: parts.admins.map((a) => ({
      userId: a.userId,
      name: displayName(a.firstName, a.lastName),
      username: a.username,
      role: a.role === "creator" ? "creator" : "admin",
      rank: a.rank,
      rights: a.adminRights,
      promotedBy: a.actorId,
      bot: a.bot,
    })),
    changes: parts.changes,
    failOn: parts.failOn,
  };
}
