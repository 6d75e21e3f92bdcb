/**
 * Managing rules and gates, shared by the owner's commands and the CLI: every input is checked and
 * every name resolved before anything is stored, so a bad request stores nothing.
 */
import type { TelegramClient } from "telegram";
import {
  AccessInputError,
  type AccessRules,
  checkGateName,
  describeGate,
  describeRule,
  type Effect,
  type Gate,
  parseCommandList,
  type RulePair,
  type RuleTarget,
} from "./rules.js";
import { isPresent, type MemberStatus } from "./status.js";
import { resolveGroup, resolveRuleTarget } from "./targets.js";
import { type MembershipSource, MembershipUnknownError } from "./telegramSource.js";

/** Allows or denies a chat or person (given as text, or already resolved) the listed commands ("*" or none: all). */
export async function changeRule(
  client: TelegramClient,
  rules: AccessRules,
  effect: Effect,
  target: string | RuleTarget,
  commandWords: readonly string[],
): Promise<{ target: RuleTarget; pair: RulePair }> {
  const commands = parseCommandList(commandWords);
  const resolved = typeof target === "string" ? await resolveRuleTarget(client, target) : target;
  const pair = effect === "allow" ? rules.allow(resolved, commands) : rules.deny(resolved, commands);
  return { target: resolved, pair };
}

/** Deletes every rule of a chat or person; false when it had none. */
export async function removeRules(client: TelegramClient, rules: AccessRules, target: string | RuleTarget): Promise<{ target: RuleTarget; removed: boolean }> {
  const resolved = typeof target === "string" ? await resolveRuleTarget(client, target) : target;
  return { target: resolved, removed: rules.remove(resolved.subject, resolved.peerId) };
}

/** Creates or replaces a gate on a group the account is in (membership is checked from inside the group). */
export async function defineGate(
  client: TelegramClient,
  rules: AccessRules,
  source: MembershipSource,
  name: string,
  chat: string,
  passing: readonly MemberStatus[],
): Promise<Gate> {
  checkGateName(name);
  const group = await resolveGroup(client, chat);
  let self: MemberStatus;
  try {
    self = await source.selfStatus(group);
  } catch (error) {
    const reason = error instanceof MembershipUnknownError ? error.reason : error instanceof Error ? error.message : String(error);
    throw new AccessInputError(`cannot check the members of ${group.label} (${reason}): the account must be in it, and an admin in a channel`);
  }
  if (!isPresent(self)) throw new AccessInputError(`the account is not in ${group.label} (${self}): join it first, a gate is checked from inside`);
  const gate: Gate = { name, chatId: group.id, accessHash: group.accessHash, label: group.label, passing };
  rules.setGate(gate);
  return gate;
}

/** The rules and gates as lines for the owner, or a line saying there are none. */
export function describeAll(rules: AccessRules): string[] {
  const { rules: list, gates } = rules.list();
  const lines = [...list.map(describeRule), ...gates.map(describeGate)];
  return lines.length === 0 ? ["No rules or gates: owners may do everything, others follow the default."] : lines;
}

/** One line summarising the rules a chat or person now has. */
export function describePair(target: RuleTarget, pair: RulePair): string {
  const parts = [pair.allow, pair.deny].filter((rule) => rule !== undefined).map((rule) => describeRule(rule));
  return parts.length === 0 ? `${target.subject} ${target.label} has no rules now` : parts.join("; ");
}
