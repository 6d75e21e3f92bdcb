/**
 * The access decision, pure: from the message, what the handler declares it needs, the rules and
 * (for gated handlers) the person's status in the gate's group, it says allow or deny and why.
 * Order: owners pass; owner-only handlers stop everyone else; a denial by rule stops, and so does a
 * command missing from the list a chat or person is allowed; a gate must pass; then an allow rule,
 * or the default (open or closed) for commands.
 */
import { fromSelf } from "../handlers/filters.js";
import type { Message } from "../handlers/message.js";
import type { Handler } from "../handlers/plugin.js";
import { type Effect, type Gate, type RulePair, type RuleSet, ruleKey } from "./rules.js";
import type { MemberStatus } from "./status.js";

/** Whether commands nobody has a rule for may be used ("open") or not ("closed"). */
export type DefaultAccess = "open" | "closed";

/** What the policy knows beyond the rules: who the owners are and the default. */
export interface PolicySettings {
  /** Marked ids of configured owners (the logged-in account always is one). */
  readonly owners: ReadonlySet<string>;
  readonly defaultAccess: DefaultAccess;
}

/** Why a request was refused, for the answer the person gets. */
export type Refusal = "refuse" | "unverified" | "silent";

/** A final answer. */
export interface Verdict {
  readonly allow: boolean;
  readonly reason: string;
  /** What the person is told when denied: the refusal, "could not verify", or nothing. */
  readonly refusal: Refusal;
  /** False for routine passes of passive handlers, which the access log skips. */
  readonly logged: boolean;
}

/** The gate the request must pass, and how to finish once the person's status is known. */
export interface GateCheck {
  readonly gate: Gate;
  readonly userId: string;
  /** The decision the rules would give had the gate passed. */
  readonly afterGate: Verdict;
}

/** What one handler run for one message needs. */
export interface PolicyRequest {
  readonly message: Message;
  readonly handler: Handler;
}

/** The command name a request is logged and matched under: the command, or "plugin/handler" otherwise. */
export function commandOf(handler: Handler): string | undefined {
  return handler.kind === "command" ? handler.command : undefined;
}

const allow = (reason: string, logged = true): Verdict => ({ allow: true, reason, refusal: "silent", logged });
const deny = (reason: string, refusal: Refusal): Verdict => ({ allow: false, reason, refusal, logged: true });

/**
 * Decides what the rules alone can decide; for a gated handler whose other conditions hold, returns
 * the gate to check instead (finish with `afterGate`).
 */
export function evaluate(request: PolicyRequest, rules: RuleSet, settings: PolicySettings): Verdict | GateCheck {
  const { message, handler } = request;
  const isCommand = handler.kind === "command";
  const requestRefusal: Refusal = isCommand ? "refuse" : "silent";
  const senderId = message.senderId;
  if (fromSelf(message) || (senderId !== undefined && settings.owners.has(senderId))) return allow("owner", isCommand || handler.needs.gate !== undefined);
  if (handler.needs.access === "owner") return deny("owner only", requestRefusal);

  const command = commandOf(handler);
  const user = senderId === undefined ? undefined : opinion(rules.rules.get(ruleKey("user", senderId)), command);
  const chat = opinion(rules.rules.get(ruleKey("chat", message.chatId)), command);
  if (user === "deny") return deny(`denied person ${senderId}`, requestRefusal);
  if (chat === "deny") return deny(`denied chat ${message.chatId}`, requestRefusal);
  const allowedBy = user === "allow" ? `allowed person ${senderId}` : chat === "allow" ? `allowed chat ${message.chatId}` : undefined;
  if (allowedBy === undefined && (user === "unlisted" || chat === "unlisted")) {
    const whose = chat === "unlisted" ? `chat ${message.chatId}` : `person ${senderId}`;
    return deny(`${command} is not among the commands allowed for ${whose}`, requestRefusal);
  }
  const gateName = handler.needs.gate;
  if (gateName !== undefined) {
    const gate = rules.gates.get(gateName);
    if (gate === undefined) return deny(`no gate named ${gateName} is configured`, requestRefusal);
    if (senderId === undefined) return deny(`gate ${gateName}: the message has no sender`, requestRefusal);
    const passed = allowedBy === undefined ? `gate ${gateName}` : `${allowedBy}, gate ${gateName}`;
    return { gate, userId: senderId, afterGate: allow(passed) };
  }
  if (allowedBy !== undefined) return allow(allowedBy);
  if (!isCommand) return allow("open", false);
  if (settings.defaultAccess === "open") return allow("open");
  // A user account answers no one it has no rule for, not even with a refusal: it does not advertise itself.
  return deny("closed: no rule allows this chat or person", message.mode === "bot" ? "refuse" : "silent");
}

/** Finishes a gate check with the person's status, or with why it could not be determined (fail closed). */
export function finishGate(check: GateCheck, status: MemberStatus | { readonly unknown: string }): Verdict {
  const { gate, afterGate } = check;
  if (typeof status === "object") return deny(`gate ${gate.name}: could not verify membership (${status.unknown})`, "unverified");
  if (!gate.passing.includes(status)) return deny(`gate ${gate.name}: ${status} in ${gate.label}`, "refuse");
  return { ...afterGate, reason: `${afterGate.reason}: ${status} in ${gate.label}` };
}

/** True when the value is a gate check rather than a final verdict. */
export function isGateCheck(value: Verdict | GateCheck): value is GateCheck {
  return "gate" in value;
}

/**
 * What a subject's rules say about a command: an explicit mention beats "every command", and at the
 * same level deny beats allow; a command missing from a list of allowed commands is "unlisted".
 * Passive handlers (command undefined) follow only "every command" rules.
 */
function opinion(pair: RulePair | undefined, command: string | undefined): Effect | "unlisted" | undefined {
  if (pair === undefined) return undefined;
  const { allow: allowRule, deny: denyRule } = pair;
  if (command !== undefined) {
    if (denyRule?.commands?.includes(command)) return "deny";
    if (allowRule?.commands?.includes(command)) return "allow";
  }
  if (denyRule !== undefined && denyRule.commands === null) return "deny";
  if (allowRule !== undefined && allowRule.commands === null) return "allow";
  return command !== undefined && allowRule !== undefined ? "unlisted" : undefined;
}
