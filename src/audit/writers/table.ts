/**
 * The terminal report: per chat, the totals, the admin list with rights, the changes since the
 * previous snapshot (the first few of each kind, then how many more), and the --fail-on outcomes.
 */
import { CHANGE_KINDS, type Change, type ChangeKind } from "../diff.js";
import type { TextOutput } from "../output.js";
import type { AuditReport } from "../report.js";
import { LAST_SEEN_BUCKETS, MEMBER_ROLES } from "../types.js";
import type { ReportWriter } from "./writer.js";

/** Changes of one kind listed before "... and N more". */
export const CHANGES_SHOWN = 20;

const number = (n: number) => n.toLocaleString("en-US");
const words = (key: string) => key.replace(/_/g, " ");

const MARK: Record<ChangeKind, string> = {
  joined: "+",
  left: "-",
  promoted: "^",
  demoted: "v",
  restricted: "!",
  unrestricted: "~",
  kicked: "x",
  unbanned: "o",
  rights_changed: "*",
  renamed: "=",
  username_changed: "@",
};

function person(change: Pick<Change, "name" | "username" | "userId">): string {
  const name = change.name ?? "Deleted account";
  return `${name}${change.username ? ` (@${change.username})` : ""} id ${change.userId}`;
}

function changeLine(change: Change): string {
  const { from, to } = change;
  const detail = from !== null && to !== null ? `: ${from} -> ${to}` : to !== null ? `: ${to}` : from !== null ? `: was ${from}` : "";
  return `    ${MARK[change.kind]} ${words(change.kind).padEnd(16)} ${person(change)}${detail}`;
}

/** The summary lines of one report (everything but the change list). */
export function summaryLines(r: AuditReport): string[] {
  const e = r.enumeration;
  const t = r.totals;
  const name = r.chat.username ? `@${r.chat.username}` : JSON.stringify(r.chat.title);
  const previous = r.snapshot.previous ? `, previous #${r.snapshot.previous.id} at ${r.snapshot.previous.takenAt}` : ", first snapshot";
  const lines = [
    `${name} · ${JSON.stringify(r.chat.title)} · ${r.chat.kind} ${r.chat.id}`,
    `  snapshot    #${r.snapshot.id} at ${r.snapshot.takenAt} (${(r.snapshot.durationMs / 1000).toFixed(1)} s)${previous}`,
    `  members     ${number(e.membersFound)} of ${number(e.memberCount)} found (${e.complete ? "complete" : `${(e.completeness * 100).toFixed(1)}%`}), ` +
      `${number(e.requests)} requests, ${number(e.floodWaits)} flood waits`,
    `  roles       ${MEMBER_ROLES.map((role) => `${role} ${number(t.byRole[role])}`).join(" · ")}${e.kickedCount === null ? " (banned list not readable)" : ""}`,
    `  accounts    bots ${number(t.bots)} · deleted ${number(t.deleted)} · scam ${number(t.scam)} · fake ${number(t.fake)} · ` +
      `premium ${number(t.premium)} · verified ${number(t.verified)} · no username ${number(t.withoutUsername)}`,
    `  last seen   ${LAST_SEEN_BUCKETS.map((bucket) => `${words(bucket)} ${number(t.lastSeen[bucket])}`).join(" · ")}`,
  ];
  for (const note of e.notes) lines.push(`  note        ${note}`);
  lines.push(`  admins (${r.admins.length})`);
  for (const a of r.admins) {
    const who = `${a.name ?? "Deleted account"}${a.username ? ` @${a.username}` : ""}${a.bot ? " [bot]" : ""}`;
    const rank = a.rank ? ` "${a.rank}"` : "";
    lines.push(`    ${a.role.padEnd(8)} ${who}${rank} id ${a.userId}: ${a.rights.length > 0 ? a.rights.join(", ") : "(no rights listed)"}`);
  }
  if (r.failOn.length > 0) {
    const outcomes = r.failOn.map(
      (f) => `${f.rule}: ${f.triggered ? "TRIGGERED" : "ok"}${f.value === null ? " (no previous snapshot)" : ` (${number(f.value)})`}`,
    );
    lines.push(`  fail-on     ${outcomes.join(" · ")}`);
  }
  return lines;
}

/** The table writer. */
export function tableWriter(out: TextOutput): ReportWriter {
  let first = true;
  const separate = async () => {
    if (!first) await out.write("\n");
    first = false;
  };
  return {
    async chat(result) {
      await separate();
      const r = result.report;
      await out.write(`${summaryLines(r).join("\n")}\n`);
      if (r.changes === null || r.snapshot.previous === null) return;
      const counts = r.changes;
      const total = CHANGE_KINDS.reduce((sum, kind) => sum + counts[kind], 0);
      const summary = CHANGE_KINDS.filter((kind) => counts[kind] > 0).map((kind) => `${words(kind)} ${number(counts[kind])}`);
      await out.write(`  changes since #${r.snapshot.previous.id}: ${total === 0 ? "none" : summary.join(" · ")}\n`);
      const shown = new Map<ChangeKind, Change[]>();
      for (const change of result.changes()) {
        const list = shown.get(change.kind) ?? [];
        if (list.length < CHANGES_SHOWN) list.push(change);
        shown.set(change.kind, list);
      }
      for (const kind of CHANGE_KINDS) {
        for (const change of shown.get(kind) ?? []) await out.write(`${changeLine(change)}\n`);
        const more = counts[kind] - (shown.get(kind)?.length ?? 0);
        if (more > 0) await out.write(`      ... and ${number(more)} more ${words(kind)}\n`);
      }
    },
    async failure(failure) {
      await separate();
      await out.write(`${failure.chat}: not audited: ${failure.message}\n`);
    },
    async end(interrupted) {
      if (interrupted) await out.write("\naudit interrupted: the chat in progress was not recorded\n");
      await out.flush();
    },
  };
}
