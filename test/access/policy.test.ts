import { describe, expect, it } from "vitest";
import { evaluate, finishGate, isGateCheck, type PolicySettings, type Verdict } from "../../src/access/policy.js";
import { type Gate, type Rule, type RulePair, type RuleSet, ruleKey } from "../../src/access/rules.js";
import { command, type Handler, onMessage } from "../../src/handlers/plugin.js";
import { makeMessage } from "../kit/fakes.js";

const GATE: Gate = { name: "vip", chatId: "-100500", accessHash: "77", label: "@vipclub", passing: ["creator", "admin", "member"] };

/** A rule set from rules (and the vip gate). */
function ruleSet(...rules: Rule[]): RuleSet {
  const map = new Map<string, RulePair>();
  for (const rule of rules) {
    const key = ruleKey(rule.subject, rule.peerId);
    map.set(key, { ...map.get(key), [rule.effect]: rule });
  }
  return { rules: map, gates: new Map([[GATE.name, GATE]]) };
}

const rule = (subject: Rule["subject"], peerId: string, effect: Rule["effect"], commands: string[] | null = null): Rule => ({
  subject,
  peerId,
  effect,
  commands,
  label: peerId,
});
const ping = command("ping", () => {});
const whois = command("whois", () => {});
const secret = command({ name: "secret", needs: { gate: "vip" } }, () => {});
const admin = command({ name: "admin", needs: { access: "owner" } }, () => {});
const passive = onMessage(
  () => true,
  () => {},
  { name: "watch" },
);
const open: PolicySettings = { owners: new Set(["42"]), defaultAccess: "open" };
const closed: PolicySettings = { owners: new Set(), defaultAccess: "closed" };

const bot = (overrides = {}) => makeMessage({ mode: "bot", selfId: "9", chatId: "-100777", chatType: "supergroup", senderId: "1", ...overrides });

/** The final verdict of rules alone (fails on a gate check). */
function verdict(handler: Handler, message = bot(), rules = ruleSet(), settings = open): Verdict {
  const outcome = evaluate({ message, handler }, rules, settings);
  if (isGateCheck(outcome)) throw new Error("expected a verdict, got a gate check");
  return outcome;
}

describe("access policy", () => {
  it("lets the account itself and configured owners do everything, owner-only handlers included", () => {
    expect(verdict(admin, bot({ senderId: "42" }))).toMatchObject({ allow: true, reason: "owner" });
    expect(verdict(admin, makeMessage({ out: true, senderId: "1000" }))).toMatchObject({ allow: true, reason: "owner" });
    expect(verdict(admin, bot({ senderId: "42" }), ruleSet(rule("user", "42", "deny")))).toMatchObject({ allow: true });
    expect(verdict(admin)).toMatchObject({ allow: false, reason: "owner only", refusal: "refuse" });
  });

  it("applies the default to commands without a rule: open lets through, closed refuses in bot mode and stays silent in user mode", () => {
    expect(verdict(ping)).toMatchObject({ allow: true, reason: "open" });
    expect(verdict(ping, bot(), ruleSet(), closed)).toMatchObject({ allow: false, refusal: "refuse" });
    expect(verdict(ping, makeMessage({ chatId: "-5", senderId: "7" }), ruleSet(), closed)).toMatchObject({ allow: false, refusal: "silent" });
  });

  it("holds per-chat command lists: listed commands pass, others are refused even when the default is open", () => {
    const rules = ruleSet(rule("chat", "-100777", "allow", ["ping"]));
    expect(verdict(ping, bot(), rules)).toMatchObject({ allow: true, reason: "allowed chat -100777" });
    expect(verdict(whois, bot(), rules)).toMatchObject({ allow: false, reason: "whois is not among the commands allowed for chat -100777" });
    expect(verdict(whois, bot({ chatId: "-100888" }), rules)).toMatchObject({ allow: true, reason: "open" });
    // A person allowed whois may use it there: allowed lists add up.
    expect(verdict(whois, bot(), ruleSet(rule("chat", "-100777", "allow", ["ping"]), rule("user", "1", "allow", ["whois"])))).toMatchObject({ allow: true });
  });

  it("lets deny win: a denied person or chat is refused wherever an allow rule would let them in", () => {
    const rules = ruleSet(rule("chat", "-100777", "allow"), rule("user", "1", "deny"));
    expect(verdict(ping, bot(), rules)).toMatchObject({ allow: false, reason: "denied person 1", refusal: "refuse" });
    expect(verdict(ping, bot(), ruleSet(rule("user", "1", "allow"), rule("chat", "-100777", "deny")))).toMatchObject({
      allow: false,
      reason: "denied chat -100777",
    });
    // An explicit mention beats "every command": allowed ping inside a denied-everything chat.
    const except = ruleSet(rule("chat", "-100777", "deny"), rule("chat", "-100777", "allow", ["ping"]));
    expect(verdict(ping, bot(), except)).toMatchObject({ allow: true });
    expect(verdict(whois, bot(), except)).toMatchObject({ allow: false });
    expect(verdict(ping, bot(), ruleSet(rule("chat", "-100777", "allow"), rule("chat", "-100777", "deny", ["ping"])))).toMatchObject({ allow: false });
  });

  it("keeps passive handlers out of command lists and defaults, but silences them for a denied chat", () => {
    expect(verdict(passive, bot(), ruleSet(), closed)).toMatchObject({ allow: true, logged: false });
    expect(verdict(passive, bot(), ruleSet(rule("chat", "-100777", "allow", ["ping"])))).toMatchObject({ allow: true });
    expect(verdict(passive, bot(), ruleSet(rule("chat", "-100777", "deny")))).toMatchObject({ allow: false, refusal: "silent" });
  });

  it("asks for the gate of a gated handler and finishes with the person's status", () => {
    const check = evaluate({ message: bot({ chatType: "private", chatId: "1" }), handler: secret }, ruleSet(), closed);
    if (!isGateCheck(check)) throw new Error("expected a gate check");
    expect(check).toMatchObject({ gate: GATE, userId: "1" });
    expect(finishGate(check, "member")).toMatchObject({ allow: true, reason: "gate vip: member in @vipclub" });
    expect(finishGate(check, "admin").allow).toBe(true);
    for (const status of ["left", "kicked", "none", "restricted"] as const) {
      expect(finishGate(check, status)).toMatchObject({ allow: false, reason: `gate vip: ${status} in @vipclub`, refusal: "refuse" });
    }
    expect(finishGate(check, { unknown: "RPC_CALL_FAIL" })).toMatchObject({
      allow: false,
      reason: "gate vip: could not verify membership (RPC_CALL_FAIL)",
      refusal: "unverified",
    });
    const lenient = { ...check, gate: { ...GATE, passing: [...GATE.passing, "restricted" as const] } };
    expect(finishGate(lenient, "restricted").allow).toBe(true);
  });

  it("refuses gated handlers before asking when rules already say no, the gate is unknown or there is no sender", () => {
    expect(verdict(secret, bot(), ruleSet(rule("user", "1", "deny")))).toMatchObject({ allow: false, reason: "denied person 1" });
    expect(verdict(secret, bot(), ruleSet(rule("chat", "-100777", "allow", ["ping"])))).toMatchObject({ allow: false });
    expect(verdict(command({ name: "x", needs: { gate: "nope" } }, () => {}))).toMatchObject({ allow: false, reason: "no gate named nope is configured" });
    expect(verdict(secret, bot({ senderId: undefined }))).toMatchObject({ allow: false });
  });
});
