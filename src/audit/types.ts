/**
 * The data an audit deals in: one row per person a chat knows (member or banned), and the chat being
 * audited. Rows are plain values (ids as decimal strings, dates as Unix seconds) so they go to SQLite,
 * CSV and JSON unchanged.
 */

/** A person's standing in the chat. "kicked" people are banned (not members); the others are in it. */
export type MemberRole = "creator" | "admin" | "member" | "restricted" | "kicked";

/** Every role, in the order reports list them. */
export const MEMBER_ROLES: readonly MemberRole[] = ["creator", "admin", "member", "restricted", "kicked"];

/** Roles of people who are in the chat and count in its member count. */
export const IN_CHAT_ROLES: readonly MemberRole[] = ["creator", "admin", "member", "restricted"];

/**
 * When a person was last seen: "online" now; "recently" (up to 3 days), "week", "month" as Telegram
 * words them or as their last-online time falls; "long_ago" beyond a month or hidden for good;
 * "unknown" for bots and deleted accounts, which have no status.
 */
export type LastSeen = "online" | "recently" | "week" | "month" | "long_ago" | "unknown";

/** Every last-seen bucket, most recent first. */
export const LAST_SEEN_BUCKETS: readonly LastSeen[] = ["online", "recently", "week", "month", "long_ago", "unknown"];

/** A basic group, a megagroup (supergroup) or a broadcast channel. */
export type ChatKind = "group" | "megagroup" | "channel";

/** One person as an audit records them. */
export interface MemberRow {
  userId: string;
  role: MemberRole;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  bot: boolean;
  deleted: boolean;
  scam: boolean;
  fake: boolean;
  premium: boolean;
  verified: boolean;
  lastSeen: LastSeen;
  /** Unix seconds of the last time online (offline status) or until when online; null when hidden. */
  lastOnlineAt: number | null;
  /** Unix seconds the person joined (or was banned, for kicked people); null when Telegram gives none. */
  joinedAt: number | null;
  inviterId: string | null;
  /** Who promoted (admins) or restricted / banned (restricted, kicked) them. */
  actorId: string | null;
  /** Admin title. */
  rank: string | null;
  /** Admin rights held, as Telegram's snake_case flag names (change_info, ban_users, ...). */
  adminRights: string[];
  /** What a restriction or ban forbids, as snake_case flag names (send_messages, view_messages, ...). */
  bannedRights: string[];
  /** Unix seconds a restriction or ban ends; null when it is forever or there is none. */
  bannedUntil: number | null;
}

/** The chat an audit runs on, as resolved and checked before enumeration. */
export interface AuditTarget {
  /** Marked id: -id for basic groups, -100id for megagroups and channels. */
  id: string;
  kind: ChatKind;
  title: string;
  username: string | null;
  /** Members Telegram reports (participants_count). */
  memberCount: number;
  /** Whether the account holds admin rights (lists of banned and restricted people need them). */
  isAdmin: boolean;
}

/** The name to show for a chat: @username, else its title in quotes. */
export function chatName(target: Pick<AuditTarget, "username" | "title">): string {
  return target.username ? `@${target.username}` : JSON.stringify(target.title);
}
