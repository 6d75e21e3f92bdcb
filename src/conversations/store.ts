/**
 * Saved conversations: one per person and chat with the flow, its current step, its data, when the step
 * times out, and whether its question was sent (so a restart between saving a step and asking it asks
 * again). FlowStore is what the conversation manager needs; SqliteFlowStore keeps them in the session
 * database, one row each with the data as JSON.
 */
import { type Db, migrate } from "../store/database.js";

/** One running flow. */
export interface FlowState {
  readonly chatId: string;
  readonly userId: string;
  readonly flow: string;
  readonly step: string;
  readonly data: unknown;
  /** Unix milliseconds after which the step has timed out. */
  readonly expiresAt: number;
  readonly questionSent: boolean;
}

interface Row {
  chat_id: string;
  user_id: string;
  flow: string;
  step: string;
  data: string;
  expires_at: number;
  question_sent: number;
}

/** Creates the conversations table. */
export function migrateConversations(db: Db): void {
  migrate(db, "conversations", [
    {
      version: 1,
      up: `CREATE TABLE conversations (
        chat_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        flow TEXT NOT NULL,
        step TEXT NOT NULL,
        data TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        question_sent INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (chat_id, user_id)
      )`,
    },
  ]);
}

function prepare(db: Db) {
  return {
    all: db.prepare("SELECT chat_id, user_id, flow, step, data, expires_at, question_sent FROM conversations"),
    save: db.prepare(
      `INSERT INTO conversations (chat_id, user_id, flow, step, data, expires_at, question_sent, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (chat_id, user_id) DO UPDATE SET flow = excluded.flow, step = excluded.step, data = excluded.data,
           expires_at = excluded.expires_at, question_sent = excluded.question_sent, updated_at = excluded.updated_at`,
    ),
    remove: db.prepare("DELETE FROM conversations WHERE chat_id = ? AND user_id = ?"),
  };
}

/** Where running flows are kept across restarts. */
export interface FlowStore {
  /** Every saved conversation. */
  all(): FlowState[];
  /** Saves (inserts or replaces) the conversation of state.chatId and state.userId. */
  save(state: FlowState): void;
  /** Forgets a conversation. */
  remove(chatId: string, userId: string): void;
}

/** The conversations table. */
export class SqliteFlowStore implements FlowStore {
  private readonly statements: ReturnType<typeof prepare>;

  /** Migrates the table and prepares its statements. */
  constructor(
    db: Db,
    private readonly now: () => number = Date.now,
  ) {
    migrateConversations(db);
    this.statements = prepare(db);
  }

  /** Every saved conversation. */
  all(): FlowState[] {
    return (this.statements.all.all() as Row[]).map((row) => ({
      chatId: row.chat_id,
      userId: row.user_id,
      flow: row.flow,
      step: row.step,
      data: JSON.parse(row.data) as unknown,
      expiresAt: row.expires_at,
      questionSent: row.question_sent === 1,
    }));
  }

  /** Saves (inserts or replaces) a conversation. */
  save(state: FlowState): void {
    const { chatId, userId, flow, step, data, expiresAt, questionSent } = state;
    this.statements.save.run(chatId, userId, flow, step, JSON.stringify(data), expiresAt, questionSent ? 1 : 0, this.now());
  }

  /** Forgets a conversation. */
  remove(chatId: string, userId: string): void {
    this.statements.remove.run(chatId, userId);
  }
}
