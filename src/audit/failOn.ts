/**
 * --fail-on rules: conditions on an audit that make `npm run audit` exit non-zero, for cron and CI.
 *
 *   new-admin          someone became an admin since the previous snapshot (promoted, or joined as one)
 *   admin-change       any admin was promoted, demoted or had rights or title changed
 *   incomplete         the audit could not find every member Telegram counts
 *   METRIC>N           also >=, <, <=, =; N a whole number, or a percentage of the members (deleted>2%)
 *
 * Metrics of the snapshot: members, admins, bots, deleted, scam, fake, premium, restricted, kicked,
 * no-username. Metrics of the changes since the previous snapshot: joined, left, promoted, demoted,
 * newly-restricted, newly-kicked, unbanned, renamed. Change rules never fire on a chat's first audit.
 */

import { UserError } from "../errors.js";
import type { ChangeCounts } from "./diff.js";
import type { Totals } from "./summary.js";

/** A --fail-on value that is not a rule; the message says what is accepted. */
export class FailOnRuleError extends UserError {
  /** Creates the error with the line to show. */
}

type Op = ">" | ">=" | "<" | "<=" | "=";

/** A parsed rule. */
export type FailRule =
  | { text: string; kind: "new-admin" | "admin-change" | "incomplete" }
  | { text: string; kind: "threshold"; metric: Metric; op: Op; value: number; percent: boolean };

/** What rules are checked against. */
export interface RuleInputs {
  totals: Totals;
  /** Changes since the previous snapshot; null on a chat's first audit. */
  changes: ChangeCounts | null;
  /** Every member Telegram counts was found. */
  complete: boolean;
}

/** The outcome of one rule for one chat. */
export interface RuleResult {
  rule: string;
  triggered: boolean;
  /** The figure compared; null when the rule could not be checked (no previous snapshot). */
  value: number | null;
}

const SNAPSHOT_METRICS = {
  members: (t: Totals) => t.members,
  admins: (t: Totals) => t.byRole.creator + t.byRole.admin,
  bots: (t: Totals) => t.bots,
  deleted: (t: Totals) => t.deleted,
  scam: (t: Totals) => t.scam,
  fake: (t: Totals) => t.fake,
  premium: (t: Totals) => t.premium,
  restricted: (t: Totals) => t.byRole.restricted,
  kicked: (t: Totals) => t.byRole.kicked,
  "no-username": (t: Totals) => t.withoutUsername,
} as const;

const CHANGE_METRICS = {
  joined: (c: ChangeCounts) => c.joined,
  left: (c: ChangeCounts) => c.left,
  promoted: (c: ChangeCounts) => c.promoted,
  demoted: (c: ChangeCounts) => c.demoted,
  "newly-restricted": (c: ChangeCounts) => c.restricted,
  "newly-kicked": (c: ChangeCounts) => c.kicked,
  unbanned: (c: ChangeCounts) => c.unbanned,
  renamed: (c: ChangeCounts) => c.renamed,
} as const;

type Metric = keyof typeof SNAPSHOT_METRICS | keyof typeof CHANGE_METRICS;

const FLAGS = ["new-admin", "admin-change", "incomplete"] as const;
const METRICS = [...Object.keys(SNAPSHOT_METRICS), ...Object.keys(CHANGE_METRICS)];
const HINT = `use ${FLAGS.join(", ")}, or METRIC>N (also >=, <, <=, =; N a number or a percentage such as 2%) with METRIC one of ${METRICS.join(", ")}`;

/** Parses --fail-on values (each may hold several rules separated by commas); throws FailOnRuleError. */
export function parseFailRules(values: readonly string[]): FailRule[] {
  const rules: FailRule[] = [];
  for (const value of values) {
    for (const part of value.split(",")) {
      const text = part.trim().toLowerCase();
      if (text === "") throw new FailOnRuleError(`--fail-on: an empty rule was given: ${HINT}`);
      rules.push(parseRule(text));
    }
  }
  return rules;
}

function parseRule(text: string): FailRule {
  if ((FLAGS as readonly string[]).includes(text)) return { text, kind: text as (typeof FLAGS)[number] };
  const match = /^([a-z-]+)\s*(>=|<=|>|<|=)\s*(.*)$/.exec(text);
  if (!match) throw new FailOnRuleError(`--fail-on ${JSON.stringify(text)} is not a rule: ${HINT}`);
  const [, metric, op, amount] = match;
  if (!METRICS.includes(metric)) throw new FailOnRuleError(`--fail-on ${JSON.stringify(text)}: unknown metric ${JSON.stringify(metric)}: ${HINT}`);
  const number = /^(\d+)(%?)$/.exec(amount.trim());
  if (!number) throw new FailOnRuleError(`--fail-on ${JSON.stringify(text)}: ${JSON.stringify(amount)} is not a whole number or a percentage such as 2%`);
  return { text, kind: "threshold", metric: metric as Metric, op: op as Op, value: Number(number[1]), percent: number[2] === "%" };
}

function compare(a: number, op: Op, b: number): boolean {
  switch (op) {
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case "=":
      return a === b;
  }
}

/** Checks every rule against one chat's audit. */
export function evaluateFailRules(rules: readonly FailRule[], inputs: RuleInputs): RuleResult[] {
  return rules.map((rule) => evaluate(rule, inputs));
}

function evaluate(rule: FailRule, { totals, changes, complete }: RuleInputs): RuleResult {
  switch (rule.kind) {
    case "incomplete":
      return { rule: rule.text, triggered: !complete, value: totals.members };
    case "new-admin":
      return changes === null
        ? { rule: rule.text, triggered: false, value: null }
        : { rule: rule.text, triggered: changes.promoted > 0, value: changes.promoted };
    case "admin-change": {
      if (changes === null) return { rule: rule.text, triggered: false, value: null };
      const value = changes.promoted + changes.demoted + changes.rights_changed;
      return { rule: rule.text, triggered: value > 0, value };
    }
    case "threshold": {
      let value: number | null;
      if (rule.metric in SNAPSHOT_METRICS) value = SNAPSHOT_METRICS[rule.metric as keyof typeof SNAPSHOT_METRICS](totals);
      else value = changes === null ? null : CHANGE_METRICS[rule.metric as keyof typeof CHANGE_METRICS](changes);
      if (value === null) return { rule: rule.text, triggered: false, value };
      const measured = rule.percent ? (totals.members === 0 ? 0 : (value / totals.members) * 100) : value;
      return { rule: rule.text, triggered: compare(measured, rule.op, rule.value), value };
    }
  }
}
