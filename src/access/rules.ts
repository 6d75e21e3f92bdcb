/**
 * Access rules and group gates, managed by the owner's commands and the CLI. A rule allows or denies a
 * chat or a person, for every command or for a set of them; a gate says which statuses in which group
 * pass it. AccessRules is what the policy and the commands need; SqliteAccessRules keeps them in the
 * session database, and the runtime reads an in-memory snapshot of them that is rebuilt whenever the
 * tables change, also when another process (the CLI) changed them.
 */

import { UserError } from "../errors.js";
import type { Db } from "../store/database.js";
import { DEFAULT_PASSING, isMemberStatus, MEMBER_STATUSES, type MemberStatus } from "./status.js";

/** What a rule is about: a chat (everyone in it) or a person (anywhere). */
export type Subject = "chat" | "user";

/** Whether a rule lets through or keeps out. */
export type Effect = "allow" | "deny";

/** One rule: its subject, effect and commands (null: every command and handler). */
export interface Rule {
  readonly subject: Subject;
  readonly peerId: string;
  readonly effect: Effect;
  readonly commands: readonly string[] | null;
  /** How the chat or person was named when the rule was made, for listings. */
  readonly label: string;
}

/** A group gate: members of chatId with one of the passing statuses pass. */
export interface Gate {
  readonly name: string;
  /** Marked id of the group or channel. */
  readonly chatId: string;
  /** The account's access hash of a channel or supergroup, to reach it without a lookup. */
  readonly accessHash?: string;
  readonly label: string;
  readonly passing: readonly MemberStatus[];
}

/** The chat or person a rule is made for, already checked. */
export interface RuleTarget {
  readonly subject: Subject;
  readonly peerId: string;
  readonly label: string;
}

/** The allow and deny rules of one subject. */
export interface RulePair {
  readonly allow?: Rule;
  readonly deny?: Rule;
}

/** An immutable view of every rule and gate, as the policy reads it. */
export interface RuleSet {
  /** Rules by `subject:peerId`. */
  readonly rules: ReadonlyMap<string, RulePair>;
  readonly gates: ReadonlyMap<string, Gate>;
}

/** The key of a subject in RuleSet.rules. */
export function ruleKey(subject: Subject, peerId: string): string {
  return `${subject}:${peerId}`;
}

/** An invalid rule or gate; the message is one line for the user. */
export class AccessInputError extends UserError {}

const COMMAND = /^[a-z][a-z0-9_]{0,31}$/;
const GATE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/** Checks and normalises command names ("*" or an empty list means every command). */
export function parseCommandList(words: readonly string[]): string[] | null {
  const names = words
    .flatMap((word) => word.split(","))
    .map((name) => name.trim().replace(/^[./]/, "").toLowerCase())
    .filter((name) => name !== "");
  if (names.length === 0 || names.includes("*")) return null;
  for (const name of names) {
    if (!COMMAND.test(name))
      throw new AccessInputError(`${JSON.stringify(name)} is not a command name: use 1-32 lower-case letters, digits or _, or * for every command`);
  }
  return [...new Set(names)].sort();
}

/** Checks a gate name (1-32 lower-case letters, digits, - or _, starting with a letter). */
export function checkGateName(name: string): string {
  if (!GATE_NAME.test(name))
    throw new AccessInputError(`${JSON.stringify(name)} is not a gate name: use 1-32 lower-case letters, digits, - or _, starting with a letter`);
  return name;
}

/** Reads a list of statuses such as "creator,admin,member,restricted". */
export function parseStatusList(text: string): MemberStatus[] {
  const names = text
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== "");
  if (names.length === 0) throw new AccessInputError(`a gate needs at least one passing status: ${MEMBER_STATUSES.join(", ")}`);
  for (const name of names) {
    if (!isMemberStatus(name)) throw new AccessInputError(`${JSON.stringify(name)} is not a status: use ${MEMBER_STATUSES.join(", ")}`);
  }
  return [...new Set(names as MemberStatus[])];
}

/** The default passing statuses of a gate, with restricted members let through or not. */
export function passingStatuses(allowRestricted: boolean): MemberStatus[] {
  return allowRestricted ? [...DEFAULT_PASSING, "restricted"] : [...DEFAULT_PASSING];
}

interface RuleRow {
  subject: Subject;
  peer_id: string;
  effect: Effect;
  commands: string | null;
  label: string;
}

interface GateRow {
  name: string;
  chat_id: string;
  access_hash: string | null;
  label: string;
  statuses: string;
}

/** The rules and gates, as the policy reads them and the owner's commands and the CLI change them. */
export interface AccessRules {
  /** Every rule and gate, as the policy reads them (cheap to call for every message). */
  snapshot(): RuleSet;
  /**
   * Allows a chat or person every command (commands null, which also lifts its denials) or the given
   * commands (added to what it may use, and no longer denied). Returns the rules it now has.
   */
  allow(target: RuleTarget, commands: readonly string[] | null): RulePair;
  /**
   * Denies a chat or person every command (commands null, which also drops what it was allowed) or the
   * given commands. Returns the rules it now has.
   */
  deny(target: RuleTarget, commands: readonly string[] | null): RulePair;
  /** Deletes every rule of a chat or person; false when it had none. */
  remove(subject: Subject, peerId: string): boolean;
  /** Creates or replaces a gate (its name checked by checkGateName). */
  setGate(gate: Gate): void;
  /** Deletes a gate; false when there was none of that name. */
  removeGate(name: string): boolean;
  /** Every rule (chats first, then people) and every gate, for listings. */
  list(): { rules: Rule[]; gates: Gate[] };
}

/** The rules and gates tables, with a cached snapshot for the policy. */
export class SqliteAccessRules implements AccessRules {
  private cached: RuleSet | undefined;
  private version = -1;
  private checkedThisTurn = false;
  private readonly dataVersion;
  private readonly selectRule;
  private readonly upsertRule;
  private readonly deleteRule;
  private readonly deleteSubject;

  /** Prepares the statements over a database whose access tables are migrated. */
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.dataVersion = db.prepare("PRAGMA data_version").pluck();
    this.selectRule = db.prepare("SELECT subject, peer_id, effect, commands, label FROM access_rules WHERE subject = ? AND peer_id = ? AND effect = ?");
    this.upsertRule = db.prepare(
      `INSERT INTO access_rules (subject, peer_id, effect, commands, label, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (subject, peer_id, effect) DO UPDATE SET commands = excluded.commands, label = excluded.label, updated_at = excluded.updated_at`,
    );
    this.deleteRule = db.prepare("DELETE FROM access_rules WHERE subject = ? AND peer_id = ? AND effect = ?");
    this.deleteSubject = db.prepare("DELETE FROM access_rules WHERE subject = ? AND peer_id = ?");
  }

  /**
   * Every rule and gate; rebuilt only when the tables changed since the last call. Whether another process
   * changed them is asked at most once per turn of the event loop (a burst of messages asks once).
   */
  snapshot(): RuleSet {
    if (this.cached !== undefined && this.checkedThisTurn) return this.cached;
    const version = this.dataVersion.get() as number;
    if (this.cached === undefined || version !== this.version) {
      this.cached = this.load();
      this.version = version;
    }
    this.checkedThisTurn = true;
    setImmediate(() => {
      this.checkedThisTurn = false;
    });
    return this.cached;
  }

  /**
   * Allows a chat or person every command (commands null, which also lifts its denials) or the given
   * commands (added to what it may use, and no longer denied). Returns the rules it now has.
   */
  allow(target: RuleTarget, commands: readonly string[] | null): RulePair {
    return this.change(target, "allow", commands);
  }

  /**
   * Denies a chat or person every command (commands null, which also drops what it was allowed) or the
   * given commands. Returns the rules it now has.
   */
  deny(target: RuleTarget, commands: readonly string[] | null): RulePair {
    return this.change(target, "deny", commands);
  }

  /** Deletes every rule of a chat or person; false when it had none. */
  remove(subject: Subject, peerId: string): boolean {
    const removed = this.deleteSubject.run(subject, peerId).changes > 0;
    this.cached = undefined;
    return removed;
  }

  /** Creates or replaces a gate. */
  setGate(gate: Gate): void {
    this.db
      .prepare(
        `INSERT INTO access_gates (name, chat_id, access_hash, label, statuses, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET chat_id = excluded.chat_id, access_hash = excluded.access_hash,
           label = excluded.label, statuses = excluded.statuses, updated_at = excluded.updated_at`,
      )
      .run(checkGateName(gate.name), gate.chatId, gate.accessHash ?? null, gate.label, gate.passing.join(","), this.now());
    this.cached = undefined;
  }

  /** Deletes a gate; false when there was none of that name. */
  removeGate(name: string): boolean {
    const removed = this.db.prepare("DELETE FROM access_gates WHERE name = ?").run(name).changes > 0;
    this.cached = undefined;
    return removed;
  }

  /** Every rule (chats first, then people) and every gate, for listings. */
  list(): { rules: Rule[]; gates: Gate[] } {
    const set = this.snapshot();
    const rules = [...set.rules.values()].flatMap((pair) => [pair.allow, pair.deny].filter((rule): rule is Rule => rule !== undefined));
    rules.sort((a, b) => a.subject.localeCompare(b.subject) || a.label.localeCompare(b.label) || a.effect.localeCompare(b.effect));
    return { rules, gates: [...set.gates.values()].sort((a, b) => a.name.localeCompare(b.name)) };
  }

  private change(target: RuleTarget, effect: Effect, commands: readonly string[] | null): RulePair {
    const other: Effect = effect === "allow" ? "deny" : "allow";
    this.db.transaction(() => {
      const { subject, peerId, label } = target;
      if (commands === null) {
        this.deleteRule.run(subject, peerId, other);
        this.upsertRule.run(subject, peerId, effect, null, label, this.now());
        return;
      }
      const same = this.read(subject, peerId, effect);
      if (same?.commands !== null) {
        const merged = [...new Set([...(same?.commands ?? []), ...commands])].sort();
        this.upsertRule.run(subject, peerId, effect, JSON.stringify(merged), label, this.now());
      }
      const opposite = this.read(subject, peerId, other);
      if (opposite !== undefined && opposite.commands !== null) {
        const rest = opposite.commands.filter((name) => !commands.includes(name));
        if (rest.length === 0) this.deleteRule.run(subject, peerId, other);
        else this.upsertRule.run(subject, peerId, other, JSON.stringify(rest), opposite.label, this.now());
      }
    })();
    this.cached = undefined;
    return this.snapshot().rules.get(ruleKey(target.subject, target.peerId)) ?? {};
  }

  private read(subject: Subject, peerId: string, effect: Effect): Rule | undefined {
    const row = this.selectRule.get(subject, peerId, effect) as RuleRow | undefined;
    return row === undefined ? undefined : toRule(row);
  }

  private load(): RuleSet {
    const rules = new Map<string, RulePair>();
    for (const row of this.db.prepare("SELECT subject, peer_id, effect, commands, label FROM access_rules").all() as RuleRow[]) {
      const key = ruleKey(row.subject, row.peer_id);
      rules.set(key, { ...rules.get(key), [row.effect]: toRule(row) });
    }
    const gates = new Map<string, Gate>();
    for (const row of this.db.prepare("SELECT name, chat_id, access_hash, label, statuses FROM access_gates").all() as GateRow[]) {
      const passing = row.statuses.split(",").filter(isMemberStatus);
      gates.set(row.name, { name: row.name, chatId: row.chat_id, accessHash: row.access_hash ?? undefined, label: row.label, passing });
    }
    return { rules, gates };
  }
}

function toRule(row: RuleRow): Rule {
  const commands = row.commands === null ? null : (JSON.parse(row.commands) as string[]);
  return { subject: row.subject, peerId: row.peer_id, effect: row.effect, commands, label: row.label };
}

/** One line describing a rule, e.g. "allow chat @vip: ping, whois". */
export function describeRule(rule: Rule): string {
  return `${rule.effect} ${rule.subject} ${rule.label}: ${rule.commands === null ? "every command" : rule.commands.join(", ")}`;
}

/** One line describing a gate, e.g. "gate vip: members of @vipclub (creator, admin, member)". */
export function describeGate(gate: Gate): string {
  return `gate ${gate.name}: ${gate.label} (${gate.passing.join(", ")} pass)`;
}
