/** What each rule of automations.yaml will do, one line each, for `npm run automations -- check`. */
import { formatDuration } from "./duration.js";
import type { AlertRule, Automations, ForwardRule, ScheduleEntry } from "./schema.js";

const list = (items: readonly unknown[]) => items.map(String).join(", ");

function forwardLine(rule: ForwardRule, index: number): string {
  const how = rule.mode === "forward" ? "forward" : rule.mode === "copy" ? "copy" : "copy without the author";
  const filter = rule.match === undefined ? "every message" : "messages that match";
  const extras = [
    rule.edits && "mirror edits",
    rule.deletes && "mirror deletions",
    rule.pacing !== undefined && `one every ${formatDuration(rule.pacing)}`,
  ].filter(Boolean);
  return `forward ${rule.name ?? `#${index + 1}`}: ${how} ${filter} from ${list(rule.from)} to ${list(rule.to)}${extras.length > 0 ? ` (${extras.join(", ")})` : ""} [runs in a later release]`;
}

function alertLine(rule: AlertRule, index: number): string {
  const what = [
    rule.keywords && `keywords ${list(rule.keywords)}`,
    rule.regex && `regex ${list(rule.regex)}`,
    rule.mentions && "mentions of me",
    rule.replies && "replies to me",
  ].filter(Boolean);
  const where = rule.chats === undefined ? "in every chat" : `in ${list(rule.chats)}`;
  const digest = rule.digest === undefined ? "" : `, at most one message per ${formatDuration(rule.digest)}`;
  const quiet = rule.quietHours === undefined ? "" : `, quiet ${rule.quietHours.from}-${rule.quietHours.to}`;
  return `alert ${rule.name ?? `#${index + 1}`}: ${what.join(" or ")} ${where} → ${rule.to}${digest}${quiet} [runs in a later release]`;
}

/** When a schedule entry runs, in words. */
export function describeWhen(entry: Pick<ScheduleEntry, "cron" | "every" | "at" | "timeZone">): string {
  const zone = entry.timeZone === undefined ? "" : ` (${entry.timeZone})`;
  if (entry.cron !== undefined) return `at cron "${entry.cron}"${zone}`;
  if (entry.every !== undefined) return `every ${formatDuration(entry.every)}`;
  return `once at ${entry.at}${zone}`;
}

function scheduleLine(entry: ScheduleEntry, index: number): string {
  const what =
    entry.job !== undefined
      ? `run job ${entry.job}`
      : `send ${entry.text !== undefined ? JSON.stringify(entry.text.length > 40 ? `${entry.text.slice(0, 40)}…` : entry.text) : `file ${entry.file}`} to ${entry.to}`;
  const later = entry.job === undefined && entry.text === undefined ? " [sending a file comes in a later release]" : "";
  return `schedule ${entry.name ?? `#${index + 1}`}: ${what} ${describeWhen(entry)}; runs missed while stopped: ${entry.missed}${later}`;
}

/** One line per rule, section by section. */
export function describeAutomations(automations: Automations): string[] {
  const lines = [
    ...automations.forward.map(forwardLine),
    ...automations.alerts.map(alertLine),
    ...(automations.autoReply === undefined
      ? []
      : [
          `autoReply: answer private messages${automations.autoReply.mentions ? " and mentions in groups" : ""} with ${JSON.stringify(automations.autoReply.text)} once per person per ${formatDuration(automations.autoReply.interval)} while away (.afk [reason] / .back)`,
        ]),
    ...automations.schedule.map(scheduleLine),
    ...Object.keys(automations.plugins).map((name) => `plugins.${name}: settings for plugin ${name} (ctx.settings)`),
  ];
  return lines.length === 0 ? ["no automations"] : lines;
}
