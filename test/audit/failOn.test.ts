import { describe, expect, it } from "vitest";
import { emptyCounts } from "../../src/audit/diff.js";
import { evaluateFailRules, FailOnRuleError, parseFailRules } from "../../src/audit/failOn.js";
import type { Totals } from "../../src/audit/summary.js";

const totals: Totals = {
  members: 1_000,
  byRole: { creator: 1, admin: 4, member: 985, restricted: 10, kicked: 7 },
  bots: 3,
  deleted: 25,
  scam: 2,
  fake: 0,
  premium: 50,
  verified: 1,
  withoutUsername: 600,
  lastSeen: { online: 10, recently: 500, week: 200, month: 100, long_ago: 187, unknown: 3 },
};

describe("--fail-on rules", () => {
  it("parses flags and thresholds, several per value", () => {
    expect(parseFailRules(["new-admin", "deleted>20, scam >= 1", "Joined<=5", "members=1000", "deleted>2%"])).toEqual([
      { text: "new-admin", kind: "new-admin" },
      { text: "deleted>20", kind: "threshold", metric: "deleted", op: ">", value: 20, percent: false },
      { text: "scam >= 1", kind: "threshold", metric: "scam", op: ">=", value: 1, percent: false },
      { text: "joined<=5", kind: "threshold", metric: "joined", op: "<=", value: 5, percent: false },
      { text: "members=1000", kind: "threshold", metric: "members", op: "=", value: 1000, percent: false },
      { text: "deleted>2%", kind: "threshold", metric: "deleted", op: ">", value: 2, percent: true },
    ]);
  });

  it("rejects what is not a rule with a line saying what is accepted", () => {
    expect(() => parseFailRules(["new-admins"])).toThrow(FailOnRuleError);
    expect(() => parseFailRules(["new-admins"])).toThrow(/"new-admins" is not a rule: use new-admin, admin-change, incomplete, or METRIC>N/);
    expect(() => parseFailRules(["delted>5"])).toThrow(/unknown metric "delted"/);
    expect(() => parseFailRules(["deleted>five"])).toThrow(/"five" is not a whole number or a percentage/);
    expect(() => parseFailRules(["deleted>1,"])).toThrow(/an empty rule/);
  });

  it("checks rules against the snapshot and the changes", () => {
    const changes = { ...emptyCounts(), promoted: 1, joined: 12, left: 3 };
    const rules = parseFailRules(["new-admin", "admin-change", "deleted>20", "deleted>2%", "deleted>3%", "joined>10", "left>5", "incomplete", "bots<1"]);
    expect(evaluateFailRules(rules, { totals, changes, complete: true })).toEqual([
      { rule: "new-admin", triggered: true, value: 1 },
      { rule: "admin-change", triggered: true, value: 1 },
      { rule: "deleted>20", triggered: true, value: 25 },
      { rule: "deleted>2%", triggered: true, value: 25 },
      { rule: "deleted>3%", triggered: false, value: 25 },
      { rule: "joined>10", triggered: true, value: 12 },
      { rule: "left>5", triggered: false, value: 3 },
      { rule: "incomplete", triggered: false, value: 1000 },
      { rule: "bots<1", triggered: false, value: 3 },
    ]);
  });

  it("never fires a change rule on a chat's first audit", () => {
    const rules = parseFailRules(["new-admin", "joined>0", "admin-change"]);
    expect(evaluateFailRules(rules, { totals, changes: null, complete: false })).toEqual([
      { rule: "new-admin", triggered: false, value: null },
      { rule: "joined>0", triggered: false, value: null },
      { rule: "admin-change", triggered: false, value: null },
    ]);
    expect(evaluateFailRules(parseFailRules(["incomplete"]), { totals, changes: null, complete: false })[0].triggered).toBe(true);
  });
});
