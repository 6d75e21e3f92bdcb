/**
 * One chat's audit from start to end: resolve and check the chat, enumerate its members into this
 * run's snapshot (kept only when complete, discarded on any error or Ctrl-C), compare it with the
 * previous snapshot, and build the report with the --fail-on outcomes.
 */
import type { TelegramClient } from "telegram";
import type { PeerInput } from "../telegram/peers.js";
import { AdaptiveConcurrency, type ConcurrencyOptions } from "./concurrency.js";
import { type ChangeCounts, countChanges } from "./diff.js";
import { AuditInterrupted } from "./errors.js";
import { evaluateFailRules, type FailRule } from "./failOn.js";
import { runPlan } from "./fetcher.js";
import { EnumerationPlan, type PlanStatus } from "./plan.js";
import { type AuditProgress, silentProgress } from "./progress.js";
import { type AuditResult, buildReport } from "./report.js";
import type { SnapshotStore, SnapshotTotals } from "./snapshots.js";
import { channelSource, resolveAuditChat } from "./telegramSource.js";
import { type AuditTarget, chatName } from "./types.js";

export interface AuditOptions {
  /** Aborting stops the audit: pages in flight settle, the snapshot is discarded, AuditInterrupted is thrown. */
  signal?: AbortSignal;
  progress?: AuditProgress;
  failRules?: readonly FailRule[];
  concurrency?: ConcurrencyOptions;
  /** Flood waits up to this many seconds are waited out; longer ones stop the audit (default 300). */
  maxFloodWaitSeconds?: number;
  /** Keep this many snapshots per chat, deleting older ones (default: keep all). */
  keepSnapshots?: number;
  /** Where Telegram is expected to stop a listing (default 10,000). */
  listingWindow?: number;
}

/**
 * How many subscribers of a broadcast channel Telegram let the audit see: it lists only the newest 200 or
 * so, even to the channel's owner (Telethon #3781, #1508), whatever is searched.
 */
export function broadcastNote(status: Pick<PlanStatus, "membersFound" | "memberCount">): string {
  const count = (n: number) => n.toLocaleString("en-US");
  return (
    `Telegram shows ${count(status.membersFound)} of ${count(status.memberCount)} subscribers of a broadcast channel: ` +
    "it lists only the newest (about 200) and the admins, even to the channel's owner, so the others cannot be audited"
  );
}

/** Remarks on how complete an enumeration was, for the report. */
export function enumerationNotes(target: AuditTarget, status: PlanStatus): string[] {
  const notes: string[] = [];
  if (target.kind === "channel" && !status.complete) {
    notes.push(broadcastNote(status));
  } else {
    if (status.recentTruncated) {
      notes.push(
        `Telegram's recent-members list stopped before the member count; the rest was searched through the admin, bot${target.isAdmin ? ", restricted" : ""} lists and ${status.queries.search} name searches`,
      );
    }
    if (!status.complete && !status.recentTruncated) {
      notes.push(
        `${status.memberCount - status.membersFound} of ${status.memberCount} members were not found: people joined or left while the list was read; run the audit again for an exact list`,
      );
    } else if (!status.complete) {
      const missing = status.memberCount - status.membersFound;
      notes.push(
        `${missing} of ${status.memberCount} members were not found: Telegram lists members only by recency (about 10,000) and by name search, ` +
          "and people no search matches (deleted accounts have no name) cannot be listed" +
          (status.searchExhausted ? "; the search limit was reached" : ""),
      );
    }
  }
  if (!target.isAdmin && target.kind !== "group") notes.push("banned people are not listed: that list needs admin rights, which this account does not have");
  return notes;
}

/** Enumerates a chat into a new snapshot and returns its id; the snapshot is discarded on any failure. */
async function enumerate(client: TelegramClient, store: SnapshotStore, input: PeerInput, options: AuditOptions, progress: AuditProgress): Promise<number> {
  const resolved = await resolveAuditChat(client, input);
  if (options.signal?.aborted) throw new AuditInterrupted();
  const { target } = resolved;
  const writer = store.begin(target);
  progress.start(target);
  let outcome: { found: number; memberCount: number; requests: number } | undefined;
  try {
    let totals: SnapshotTotals;
    if ("rows" in resolved) {
      writer.add(resolved.rows);
      totals = { memberCount: resolved.rows.length, kickedCount: null, complete: true, requests: 1, floodWaits: 0, notes: [] };
    } else {
      const plan = new EnumerationPlan({
        memberCount: target.memberCount,
        canListBanned: target.isAdmin,
        listingWindow: options.listingWindow,
        nameSearches: target.kind !== "channel",
      });
      const run = await runPlan(plan, channelSource(client, resolved.channel, chatName(target)), (rows) => writer.add(rows), {
        concurrency: new AdaptiveConcurrency(options.concurrency),
        signal: options.signal,
        maxFloodWaitSeconds: options.maxFloodWaitSeconds ?? 300,
        onProgress: (p) => progress.update(p),
        onFloodWait: (effect) => progress.floodWait(effect),
      });
      const status = plan.status();
      totals = {
        memberCount: status.memberCount,
        kickedCount: status.kickedCount,
        complete: status.complete,
        requests: run.requests + 1,
        floodWaits: run.floodWaits,
        notes: enumerationNotes(target, status),
      };
    }
    const info = writer.finish(totals);
    outcome = { found: info.membersFound, memberCount: info.memberCount, requests: info.requests };
    return info.id;
  } catch (error) {
    writer.discard();
    throw error;
  } finally {
    progress.end(outcome);
  }
}

/**
 * Audits one chat with a connected client: throws AuditError (rights, private chat, not a group),
 * PeerError (unknown chat) or AuditInterrupted; on success the snapshot is stored and compared with
 * the chat's previous one.
 */
export async function auditChat(client: TelegramClient, store: SnapshotStore, input: PeerInput, options: AuditOptions = {}): Promise<AuditResult> {
  const snapshotId = await enumerate(client, store, input, options, options.progress ?? silentProgress);
  const snapshot = store.get(snapshotId)!;
  const previous = store.latest(snapshot.chatId, snapshot.id);
  const changes: ChangeCounts | null = previous ? countChanges(store.changes(previous, snapshot)) : null;
  const totals = store.totals(snapshot.id);
  const failOn = evaluateFailRules(options.failRules ?? [], { totals, changes, complete: snapshot.complete });
  if (options.keepSnapshots !== undefined) store.prune(snapshot.chatId, Math.max(2, options.keepSnapshots));
  const report = buildReport({ snapshot, previous, totals, admins: store.admins(snapshot.id), changes, failOn });
  return {
    report,
    members: () => store.members(snapshot.id),
    changes: () => (previous ? store.changes(previous, snapshot) : []),
  };
}
