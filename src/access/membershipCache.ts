/**
 * The membership cache: MembershipCache is what the membership service needs; SqliteMembershipCache keeps
 * one row per (chat, person) with the status and when it expires in the session database. Answers that
 * someone is in the chat live longer than answers that they are not, so a person who joins is let in soon
 * while members are not asked about again and again.
 */
import type { Db } from "../store/database.js";
import { isMemberStatus, isPresent, type MemberStatus } from "./status.js";

/** How long cached answers stay valid, in milliseconds. */
export interface CacheLifetimes {
  /** For people in the chat (creator, admin, member, restricted). */
  readonly presentMs: number;
  /** For people not in it (left, kicked, none). */
  readonly absentMs: number;
}

/** Where a cached status came from, for logs and the CLI. */
export type StatusSource = "rpc" | "list" | "update";

/** One status to store. */
export interface StatusEntry {
  readonly userId: string;
  readonly status: MemberStatus;
}

/** A status read back from the cache. */
export interface CachedStatus {
  readonly status: MemberStatus;
  readonly source: StatusSource;
  readonly checkedAt: number;
  readonly expiresAt: number;
}

interface Row {
  status: string;
  source: StatusSource;
  checked_at: number;
  expires_at: number;
}

/** Cached membership answers of people in chats; expired answers read as missing. */
export interface MembershipCache {
  /** The unexpired status of a person in a chat, or undefined. */
  get(chatId: string, userId: string): MemberStatus | undefined;
  /** True while a complete member list of the chat (a basic group's) is cached: whoever is not in it is not a member. */
  hasList(chatId: string): boolean;
  /** Stores one answer with the lifetime its status calls for. */
  put(chatId: string, userId: string, status: MemberStatus, source: StatusSource): void;
  /** Stores many answers of one chat at once. */
  putMany(chatId: string, entries: readonly StatusEntry[], source: StatusSource): void;
  /** Replaces everything known about a chat by a complete member list (a basic group's participants). */
  replaceChat(chatId: string, entries: readonly StatusEntry[], source: StatusSource): void;
  /** Forgets one person's answer, or a whole chat's when no user is given. */
  forget(chatId: string, userId?: string): void;
  /** Deletes expired answers; returns how many. */
  prune(): number;
}

/** Reads and writes cached membership answers in the session database; expired rows read as missing. */
export class SqliteMembershipCache implements MembershipCache {
  private readonly select;
  private readonly upsert;
  private readonly deleteOne;
  private readonly deleteChat;
  private readonly deleteExpired;
  private readonly selectList;

  /** Prepares the statements over a database whose access tables are migrated. */
  constructor(
    private readonly db: Db,
    readonly lifetimes: CacheLifetimes,
    private readonly now: () => number = Date.now,
  ) {
    this.select = db.prepare("SELECT status, source, checked_at, expires_at FROM access_membership WHERE chat_id = ? AND user_id = ?");
    this.upsert = db.prepare(
      `INSERT INTO access_membership (chat_id, user_id, status, source, checked_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (chat_id, user_id) DO UPDATE SET status = excluded.status, source = excluded.source,
         checked_at = excluded.checked_at, expires_at = excluded.expires_at`,
    );
    this.deleteOne = db.prepare("DELETE FROM access_membership WHERE chat_id = ? AND user_id = ?");
    this.deleteChat = db.prepare("DELETE FROM access_membership WHERE chat_id = ?");
    this.deleteExpired = db.prepare("DELETE FROM access_membership WHERE expires_at <= ?");
    this.selectList = db.prepare("SELECT 1 FROM access_membership WHERE chat_id = ? AND source = 'list' AND expires_at > ? LIMIT 1");
  }

  /** The unexpired status of a person in a chat, or undefined. */
  get(chatId: string, userId: string): MemberStatus | undefined {
    return this.entry(chatId, userId)?.status;
  }

  /** The unexpired cache row of a person in a chat, with its source and times. */
  entry(chatId: string, userId: string): CachedStatus | undefined {
    const row = this.select.get(chatId, userId) as Row | undefined;
    if (row === undefined || row.expires_at <= this.now() || !isMemberStatus(row.status)) return undefined;
    return { status: row.status, source: row.source, checkedAt: row.checked_at, expiresAt: row.expires_at };
  }

  /** True while a complete member list of the chat (a basic group's) is cached: whoever is not in it is not a member. */
  hasList(chatId: string): boolean {
    return this.selectList.get(chatId, this.now()) !== undefined;
  }

  /** Stores one answer with the lifetime its status calls for. */
  put(chatId: string, userId: string, status: MemberStatus, source: StatusSource): void {
    const now = this.now();
    this.upsert.run(chatId, userId, status, source, now, now + this.lifetimeOf(status));
  }

  /** Stores many answers of one chat in one transaction. */
  putMany(chatId: string, entries: readonly StatusEntry[], source: StatusSource): void {
    this.db.transaction(() => {
      for (const { userId, status } of entries) this.put(chatId, userId, status, source);
    })();
  }

  /** Replaces everything known about a chat by a complete member list (a basic group's participants). */
  replaceChat(chatId: string, entries: readonly StatusEntry[], source: StatusSource): void {
    this.db.transaction(() => {
      this.deleteChat.run(chatId);
      for (const { userId, status } of entries) this.put(chatId, userId, status, source);
    })();
  }

  /** Forgets one person's answer, or a whole chat's when no user is given. */
  forget(chatId: string, userId?: string): void {
    if (userId === undefined) this.deleteChat.run(chatId);
    else this.deleteOne.run(chatId, userId);
  }

  /** Deletes expired rows; returns how many. */
  prune(): number {
    return this.deleteExpired.run(this.now()).changes;
  }

  private lifetimeOf(status: MemberStatus): number {
    return isPresent(status) ? this.lifetimes.presentMs : this.lifetimes.absentMs;
  }
}
