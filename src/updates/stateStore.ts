/**
 * The update state in the session's SQLite database: the account's pts / qts / seq / date, each channel's
 * pts (and access hash, to ask for its difference after a restart), each chat's newest handled message id
 * (where history recovery starts), and the ledger of handled messages that makes handling exactly-once.
 * Recording a handled message and the state it allows to save happen in one transaction.
 */
import { type Db, migrate } from "../store/database.js";

/** The account's common update state. */
export interface CommonState {
  readonly pts: number;
  readonly qts: number;
  readonly seq: number;
  readonly date: number;
}

/** What is saved about a channel (marked id, e.g. -1001234): its pts once known, its access hash once seen. */
export interface ChannelState {
  readonly chatId: string;
  readonly pts?: number;
  readonly accessHash?: string;
}

/** A handled message: its chat (marked id), id and kind ("new" for a new message; others in updates/eventKeys.ts). */
export interface HandledKey {
  readonly chatId: string;
  readonly messageId: number;
  readonly kind: string;
}

/** Everything saved, as loaded at start. */
export interface SavedState {
  /** Undefined for a session that never ran: the first start records the current state. */
  readonly common?: CommonState;
  readonly channels: readonly ChannelState[];
  /** Newest handled (or, at the first start, newest existing) message id by chat. */
  readonly cursors: ReadonlyMap<string, number>;
}

/** One transaction's worth of changes. */
export interface StateChange {
  /** Messages whose handlers finished: recorded in the ledger, and their chats' cursors moved. */
  readonly handled?: readonly HandledKey[];
  readonly common?: CommonState;
  readonly channels?: readonly { readonly chatId: string; readonly pts: number }[];
  /** Cursors to raise (never lowered). */
  readonly cursors?: readonly { readonly chatId: string; readonly messageId: number }[];
}

/** How many handled messages the ledger keeps by default (the oldest go first). */
export const DEFAULT_LEDGER_LIMIT = 100_000;

const MIGRATIONS = [
  {
    version: 1,
    up: `
      CREATE TABLE updates_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        pts INTEGER NOT NULL,
        qts INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        date INTEGER NOT NULL
      );
      CREATE TABLE updates_channels (
        chat_id TEXT PRIMARY KEY,
        pts INTEGER,
        access_hash TEXT
      );
      CREATE TABLE updates_cursors (
        chat_id TEXT PRIMARY KEY,
        max_id INTEGER NOT NULL
      );
      CREATE TABLE updates_account (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        account TEXT NOT NULL
      );
      CREATE TABLE updates_handled (
        seq INTEGER PRIMARY KEY,
        chat_id TEXT NOT NULL,
        message_id INTEGER NOT NULL,
        kind TEXT NOT NULL,
        handled_at INTEGER NOT NULL,
        UNIQUE (chat_id, message_id, kind)
      );
    `,
  },
];

/** The update state store over a session database (creates its tables on first use). */
export class UpdateStateStore {
  private readonly ledgerLimit: number;
  private readonly statements;
  private readonly apply: (change: StateChange) => void;
  private readonly claimFor: (account: string) => boolean;
  private sincePrune = 0;
  /** Each chat's cursor as far as read or raised here: a message past it cannot be in the ledger (no query needed). */
  private readonly cursors = new Map<string, number>();

  /** Opens the store; `ledgerLimit` bounds the handled-message ledger. */
  constructor(
    private readonly db: Db,
    options: { readonly ledgerLimit?: number } = {},
  ) {
    migrate(db, "updates", MIGRATIONS);
    this.ledgerLimit = options.ledgerLimit ?? DEFAULT_LEDGER_LIMIT;
    this.statements = {
      common: db.prepare("SELECT pts, qts, seq, date FROM updates_state WHERE id = 1"),
      channels: db.prepare("SELECT chat_id AS chatId, pts, access_hash AS accessHash FROM updates_channels"),
      cursors: db.prepare("SELECT chat_id AS chatId, max_id AS maxId FROM updates_cursors"),
      cursor: db.prepare("SELECT max_id FROM updates_cursors WHERE chat_id = ?").pluck(),
      chatOfHandled: db
        .prepare("SELECT substr(kind, 6) FROM updates_handled WHERE chat_id = 'common' AND message_id = ? AND kind LIKE 'chat:%' ORDER BY seq DESC LIMIT 1")
        .pluck(),
      isHandled: db.prepare("SELECT 1 FROM updates_handled WHERE chat_id = ? AND message_id = ? AND kind = ?").pluck(),
      handled: db.prepare("INSERT OR IGNORE INTO updates_handled (chat_id, message_id, kind, handled_at) VALUES (?, ?, ?, ?)"),
      saveCommon: db.prepare(
        "INSERT INTO updates_state (id, pts, qts, seq, date) VALUES (1, @pts, @qts, @seq, @date) " +
          "ON CONFLICT(id) DO UPDATE SET pts = excluded.pts, qts = excluded.qts, seq = excluded.seq, date = excluded.date",
      ),
      saveChannel: db.prepare("INSERT INTO updates_channels (chat_id, pts) VALUES (?, ?) ON CONFLICT(chat_id) DO UPDATE SET pts = excluded.pts"),
      saveAccess: db.prepare(
        "INSERT INTO updates_channels (chat_id, pts, access_hash) VALUES (?, NULL, ?) ON CONFLICT(chat_id) DO UPDATE SET access_hash = excluded.access_hash",
      ),
      forgetChannel: db.prepare("DELETE FROM updates_channels WHERE chat_id = ?"),
      raiseCursor: db.prepare(
        "INSERT INTO updates_cursors (chat_id, max_id) VALUES (?, ?) ON CONFLICT(chat_id) DO UPDATE SET max_id = max(max_id, excluded.max_id)",
      ),
      prune: db.prepare("DELETE FROM updates_handled WHERE seq <= (SELECT max(seq) FROM updates_handled) - ?"),
      account: db.prepare("SELECT account FROM updates_account WHERE id = 1").pluck(),
    };
    this.claimFor = db.transaction((account: string): boolean => {
      const owner = this.statements.account.get() as string | undefined;
      if (owner === account) return false;
      if (owner !== undefined) {
        for (const table of ["updates_state", "updates_channels", "updates_cursors", "updates_handled", "updates_account"]) db.exec(`DELETE FROM ${table}`);
      }
      db.prepare("INSERT INTO updates_account (id, account) VALUES (1, ?)").run(account);
      return owner !== undefined;
    });
    this.apply = db.transaction((change: StateChange) => {
      const now = Math.floor(Date.now() / 1000);
      for (const handled of change.handled ?? []) {
        this.statements.handled.run(handled.chatId, handled.messageId, handled.kind, now);
        // Only new messages move a chat's cursor: the other kinds' ids are not the chat's newest message.
        if (handled.kind === "new") this.statements.raiseCursor.run(handled.chatId, handled.messageId);
      }
      for (const cursor of change.cursors ?? []) this.statements.raiseCursor.run(cursor.chatId, cursor.messageId);
      if (change.common !== undefined) this.statements.saveCommon.run(change.common);
      for (const channel of change.channels ?? []) this.statements.saveChannel.run(channel.chatId, channel.pts);
    });
  }

  /**
   * Makes the saved state the account's (marked id; the first claim takes what is there): a state saved
   * for another account (the session was logged in again as someone else) is dropped whole. True when it was.
   */
  claim(account: string): boolean {
    this.cursors.clear();
    return this.claimFor(account);
  }

  /** Everything saved so far. */
  load(): SavedState {
    const common = this.statements.common.get() as CommonState | undefined;
    const channels = (this.statements.channels.all() as { chatId: string; pts: number | null; accessHash: string | null }[]).map((row) => ({
      chatId: row.chatId,
      pts: row.pts ?? undefined,
      accessHash: row.accessHash ?? undefined,
    }));
    const cursors = new Map((this.statements.cursors.all() as { chatId: string; maxId: number }[]).map((row) => [row.chatId, row.maxId]));
    return { common, channels, cursors };
  }

  /** The newest handled message id of a chat, if any. */
  cursor(chatId: string): number | undefined {
    if (!this.db.open) return undefined;
    let cursor = this.cursors.get(chatId);
    if (cursor === undefined) {
      cursor = (this.statements.cursor.get(chatId) as number | undefined) ?? 0;
      this.cursors.set(chatId, cursor);
    }
    return cursor === 0 ? undefined : cursor;
  }

  /** Whether a message was recorded as handled (within the ledger's retention). */
  isHandled(key: HandledKey): boolean {
    if (!this.db.open) return false;
    if (key.kind === "new" && key.messageId > (this.cursor(key.chatId) ?? 0)) return false;
    return this.statements.isHandled.get(key.chatId, key.messageId, key.kind) !== undefined;
  }

  /**
   * The chat of a message of the common box (private chats, basic groups) recorded as handled, if still in
   * the ledger: the ledger records it beside the message as ("common", id, "chat:" and the chat).
   */
  chatOfHandled(messageId: number): string | undefined {
    if (!this.db.open) return undefined;
    return (this.statements.chatOfHandled.get(messageId) as string | undefined) ?? undefined;
  }

  /** Saves changes in one transaction; ignored once the database is closed (the runtime stopped). */
  commit(change: StateChange): void {
    if (!this.db.open) return;
    this.apply(change);
    for (const { chatId, messageId } of [...(change.handled ?? []).filter((key) => key.kind === "new"), ...(change.cursors ?? [])]) {
      if (messageId > (this.cursor(chatId) ?? 0)) this.cursors.set(chatId, messageId);
    }
    this.sincePrune += change.handled?.length ?? 0;
    if (this.sincePrune >= 1000) {
      this.sincePrune = 0;
      this.statements.prune.run(this.ledgerLimit);
    }
  }

  /** Remembers a channel's access hash (to ask for its difference after a restart). */
  saveAccessHash(chatId: string, accessHash: string): void {
    if (this.db.open) this.statements.saveAccess.run(chatId, accessHash);
  }

  /** Forgets a channel the account is no longer in. */
  forgetChannel(chatId: string): void {
    if (this.db.open) this.statements.forgetChannel.run(chatId);
  }
}
