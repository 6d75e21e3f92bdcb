/**
 * The exactly-once ledger: a new message (or an edit, a deletion, a participant change, keyed by kind as
 * eventKeys.ts says) is handed on unless it is queued or running, or recorded as handled (or, caught up, older than the age limit). Once its handlers finished it is recorded, in one
 * transaction with the box states this lets the manager save and with whatever else finished in the same
 * turn of the event loop (at once after stop): a crash makes the next start fetch again only what was not
 * recorded. It counts as in flight until then, so a repeat arriving meanwhile is still a duplicate. The
 * account's own sent messages are recorded at once.
 */
import type { BoxChanges } from "./boxes.js";
import { COMMON_CHAT } from "./eventKeys.js";
import type { HandledKey, UpdateStateStore } from "./stateStore.js";

/** Counters of the ledger. */
export interface LedgerStats {
  /** Messages handed on. */
  readonly received: number;
  /** Messages not handed on again: queued, running or recorded as handled already. */
  readonly duplicates: number;
  /** Caught-up messages older than the age limit, not handed on. */
  readonly tooOld: number;
}

/** What the ledger needs. */
export interface LedgerOptions {
  readonly store: UpdateStateStore;
  /** Caught-up messages older than this many seconds are not handed on (0: no limit). */
  readonly maxAgeSeconds: number;
  /** Unix seconds now. */
  readonly now: () => number;
  /** The box states to save with the next record (boxes.ts's takeChanges). */
  readonly boxChanges: () => BoxChanges;
}

/** The handled-message ledger of one account; see the module comment. */
export class Ledger {
  private readonly inFlight = new Set<string>();
  /** Chats of the common box's new messages in flight, by id (deletions there name only ids). */
  private readonly commonChats = new Map<number, string>();
  private finished: HandledKey[] = [];
  private saving = false;
  private stopped = false;
  private counts = { received: 0, duplicates: 0, tooOld: 0 };

  /** Creates the ledger over the store. */
  constructor(private readonly options: LedgerOptions) {}

  /**
   * Whether a new message is to be handed on (it is then in flight until recorded): not a duplicate, not
   * too old. `common`: a message of the account's common box (private chats, basic groups), whose chat
   * the ledger remembers by id for deletions, which name only ids.
   */
  admit(chatId: string, messageId: number, date: number, catchUp: boolean, common = false): boolean {
    return this.admitKeys([{ chatId, messageId, kind: "new" }], date, catchUp, common).length > 0;
  }

  /**
   * The keys of an event (eventKeys.ts) not handed on yet, now in flight until recorded: none when every
   * one is queued, running or recorded (a duplicate), or when the event was caught up and is older than
   * the age limit (`date` undefined: no age known).
   */
  admitKeys(keys: readonly HandledKey[], date: number | undefined, catchUp: boolean, common = false): HandledKey[] {
    const fresh = keys.filter((key) => !this.inFlight.has(keyOf(key)) && !this.options.store.isHandled(key));
    if (fresh.length === 0) {
      this.counts.duplicates += 1;
      return [];
    }
    if (catchUp && date !== undefined && this.options.maxAgeSeconds > 0 && date < this.options.now() - this.options.maxAgeSeconds) {
      this.counts.tooOld += 1;
      return [];
    }
    for (const key of fresh) {
      this.inFlight.add(keyOf(key));
      if (common && key.kind === "new") this.commonChats.set(key.messageId, key.chatId);
    }
    this.counts.received += 1;
    return fresh;
  }

  /** The handlers of an admitted message finished: it is recorded with the next save (at once after stop). */
  handled(chatId: string, messageId: number): void {
    this.handledKeys([{ chatId, messageId, kind: "new" }]);
  }

  /** The handlers of an admitted event finished: its keys are recorded with the next save (at once after stop). */
  handledKeys(keys: readonly HandledKey[]): void {
    this.finished.push(...keys, ...keys.flatMap((key) => this.chatKeys(key)));
    this.saveSoon();
    if (this.stopped) this.save();
  }

  /** A common-box message's chat, recorded beside it (marked ids alone cannot tell a basic group from a channel). */
  private chatKeys(key: HandledKey): HandledKey[] {
    if (key.kind !== "new" || this.commonChats.get(key.messageId) !== key.chatId) return [];
    return [{ chatId: COMMON_CHAT, messageId: key.messageId, kind: `chat:${key.chatId}` }];
  }

  /** The chat (marked id) of a message of the common box, when it is in flight or recorded as handled. */
  chatOf(messageId: number): string | undefined {
    return this.commonChats.get(messageId) ?? this.options.store.chatOfHandled(messageId);
  }

  /** Records one of the account's own sent messages as handled at once: it is never handed on, even if a difference repeats it. */
  recordOwn(chatId: string, messageId: number, common = false): void {
    const chat = common ? [{ chatId: COMMON_CHAT, messageId, kind: `chat:${chatId}` }] : [];
    this.options.store.commit({ handled: [{ chatId, messageId, kind: "new" }, ...chat] });
  }

  /** Records the account's own edits and deletions (call results) as handled at once. */
  recordOwnKeys(keys: readonly HandledKey[]): void {
    this.options.store.commit({ handled: keys });
  }

  /** Saves soon: on the next turn of the event loop, in one transaction with everything that changed meanwhile. */
  saveSoon(): void {
    if (this.saving) return;
    this.saving = true;
    setImmediate(() => this.save());
  }

  /** Records the finished messages and the box states that changed since the last save, in one transaction. */
  save(): void {
    this.saving = false;
    const finished = this.finished;
    this.finished = [];
    const handled: HandledKey[] = finished;
    const boxes = this.options.boxChanges();
    if (boxes.common !== undefined || boxes.channels.length > 0 || handled.length > 0) {
      this.options.store.commit({ common: boxes.common, channels: boxes.channels, handled });
    }
    for (const key of finished) {
      this.inFlight.delete(keyOf(key));
      if (key.kind === "new" && this.commonChats.get(key.messageId) === key.chatId) this.commonChats.delete(key.messageId);
    }
  }

  /** Saves what is pending now; from then on every finished message is recorded at once (until the database closes). */
  stop(): void {
    this.stopped = true;
    this.save();
  }

  /** Counters so far. */
  stats(): LedgerStats {
    return { ...this.counts };
  }
}

function keyOf(key: HandledKey): string {
  return `${key.chatId}:${key.messageId}:${key.kind}`;
}
