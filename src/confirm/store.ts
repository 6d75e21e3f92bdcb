/**
 * Confirmations (`npm run confirm`): the question, where it was asked, until when, and how it ended. The
 * confirm script writes them; the runtime reads them to answer presses of buttons whose script has
 * finished or died ("already approved", "expired"). ConfirmationStore is what both need;
 * SqliteConfirmationStore keeps them in the session database, which both processes open.
 */
import { randomBytes } from "node:crypto";
import type { Statement } from "better-sqlite3";
import { callbackData } from "../handlers/keyboard.js";
import { type Db, migrate } from "../store/database.js";

/** The buttons' data: "cf:<confirmation id>:<1 approve | 0 deny>". */
export const confirmButton = callbackData("cf", { id: "string", approve: "bool" });

/** How a confirmation stands. */
export type ConfirmationStatus = "pending" | "approved" | "denied" | "timeout" | "cancelled";

/** One confirmation. */
export interface Confirmation {
  readonly id: string;
  readonly chatId: string;
  readonly messageId: number;
  readonly question: string;
  readonly status: ConfirmationStatus;
  /** Who answered, as shown ("Alice (@alice)"), once answered. */
  readonly answeredBy?: string;
  /** Unix milliseconds when the question times out. */
  readonly expiresAt: number;
}

interface Row {
  id: string;
  chat_id: string;
  message_id: number;
  question: string;
  status: ConfirmationStatus;
  answered_by: string | null;
  expires_at: number;
}

/** A fresh confirmation id (11 characters, URL-safe). */
export function newConfirmationId(): string {
  return randomBytes(8).toString("base64url");
}

/** Creates the confirmations table. */
export function migrateConfirmations(db: Db): void {
  migrate(db, "confirmations", [
    {
      version: 1,
      up: `CREATE TABLE confirmations (
        id TEXT PRIMARY KEY,
        chat_id TEXT NOT NULL,
        message_id INTEGER NOT NULL,
        question TEXT NOT NULL,
        status TEXT NOT NULL,
        answered_by TEXT,
        expires_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      )`,
    },
  ]);
}

/** Confirmations older than this are deleted when a new one is recorded. */
const KEEP_MS = 30 * 86_400_000;

/** Where confirmations are kept for every process of the session. */
export interface ConfirmationStore {
  /** Records a question just asked (and forgets confirmations settled long ago). */
  record(confirmation: Pick<Confirmation, "id" | "chatId" | "messageId" | "question" | "expiresAt">): void;
  /** Settles a pending confirmation; false when it was no longer pending. */
  finish(id: string, status: Exclude<ConfirmationStatus, "pending">, answeredBy?: string): boolean;
  /** A confirmation by id. */
  get(id: string): Confirmation | undefined;
}

/** The confirmations table. */
export class SqliteConfirmationStore implements ConfirmationStore {
  private readonly insert: Statement<unknown[]>;
  private readonly finishStatement: Statement<unknown[]>;
  private readonly find: Statement<unknown[]>;
  private readonly prune: Statement<unknown[]>;

  /** Migrates the table and prepares its statements. */
  constructor(
    db: Db,
    private readonly now: () => number = Date.now,
  ) {
    migrateConfirmations(db);
    this.insert = db.prepare(
      "INSERT INTO confirmations (id, chat_id, message_id, question, status, expires_at, updated_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)",
    );
    this.finishStatement = db.prepare("UPDATE confirmations SET status = ?, answered_by = ?, updated_at = ? WHERE id = ? AND status = 'pending'");
    this.find = db.prepare("SELECT id, chat_id, message_id, question, status, answered_by, expires_at FROM confirmations WHERE id = ?");
    this.prune = db.prepare("DELETE FROM confirmations WHERE updated_at < ?");
  }

  /** Records a question just asked. */
  record(confirmation: Pick<Confirmation, "id" | "chatId" | "messageId" | "question" | "expiresAt">): void {
    const now = this.now();
    this.prune.run(now - KEEP_MS);
    this.insert.run(confirmation.id, confirmation.chatId, confirmation.messageId, confirmation.question, confirmation.expiresAt, now);
  }

  /** Settles a pending confirmation; false when it was no longer pending. */
  finish(id: string, status: Exclude<ConfirmationStatus, "pending">, answeredBy?: string): boolean {
    return this.finishStatement.run(status, answeredBy ?? null, this.now(), id).changes === 1;
  }

  /** A confirmation by id. */
  get(id: string): Confirmation | undefined {
    const row = this.find.get(id) as Row | undefined;
    if (row === undefined) return undefined;
    return {
      id: row.id,
      chatId: row.chat_id,
      messageId: row.message_id,
      question: row.question,
      status: row.status,
      answeredBy: row.answered_by ?? undefined,
      expiresAt: row.expires_at,
    };
  }
}
