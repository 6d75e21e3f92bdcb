/**
 * CSV: one row per person (members and banned people) of every audited chat, under one header with a
 * stable column set (RFC 4180 quoting, CRLF line ends). Booleans are true/false, times ISO 8601 in
 * UTC, rights lists are joined with ";", and an empty field means none.
 */
import type { TextOutput } from "../output.js";
import { isoTime } from "../report.js";
import type { MemberRow } from "../types.js";
import type { ReportWriter } from "./writer.js";

/** The columns, in order; scripts may rely on them (new columns are only ever added at the end). */
export const CSV_COLUMNS = [
  "chat_id",
  "user_id",
  "role",
  "first_name",
  "last_name",
  "username",
  "bot",
  "deleted",
  "scam",
  "fake",
  "premium",
  "verified",
  "last_seen",
  "last_online_at",
  "joined_at",
  "inviter_id",
  "actor_id",
  "rank",
  "admin_rights",
  "banned_rights",
  "banned_until",
] as const;

/** A field as RFC 4180 wants it: quoted (quotes doubled) when it holds a comma, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const time = (seconds: number | null) => (seconds === null ? "" : isoTime(seconds * 1000));

/** One CSV line (with CRLF) for a row of a chat. */
export function csvLine(chatId: string, r: MemberRow): string {
  const fields = [
    chatId,
    r.userId,
    r.role,
    r.firstName ?? "",
    r.lastName ?? "",
    r.username ?? "",
    String(r.bot),
    String(r.deleted),
    String(r.scam),
    String(r.fake),
    String(r.premium),
    String(r.verified),
    r.lastSeen,
    time(r.lastOnlineAt),
    time(r.joinedAt),
    r.inviterId ?? "",
    r.actorId ?? "",
    r.rank ?? "",
    r.adminRights.join(";"),
    r.bannedRights.join(";"),
    time(r.bannedUntil),
  ];
  return `${fields.map(csvField).join(",")}\r\n`;
}

/** The CSV writer; failures go to stderr only (the CLI prints them), not into the table. */
export function csvWriter(out: TextOutput): ReportWriter {
  let header = false;
  const writeHeader = async () => {
    if (header) return;
    header = true;
    await out.write(`${CSV_COLUMNS.join(",")}\r\n`);
  };
  return {
    async chat(result) {
      await writeHeader();
      const chatId = result.report.chat.id;
      for (const row of result.members()) await out.write(csvLine(chatId, row));
    },
    async failure() {},
    async end() {
      await writeHeader();
      await out.flush();
    },
  };
}
