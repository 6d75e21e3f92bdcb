/**
 * The schema of automations.yaml (zod): its sections forward, alerts, autoReply, schedule and plugins
 * (the keys are a contract). Strict objects, so an unknown key is an error; regexes, cron expressions,
 * time zones, durations and chat references are checked here, so a file that passes runs as written.
 * Pure: no I/O.
 */
import { Cron } from "croner";
import { z } from "zod";
import { parsePeerInput } from "../telegram/peers.js";
import { parseDuration } from "./duration.js";

/** A chat as people write it: @username, a t.me link, a numeric id, or me. */
export const chatRef = z.union([z.string(), z.number().int()]).transform((value, ctx) => {
  const text = String(value);
  try {
    parsePeerInput(text);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
  return text;
});

/** One item or a list of them (a single value is read as a list of one). */
const oneOrMore = <T extends z.ZodType>(item: T) => z.preprocess((value) => (Array.isArray(value) || value === undefined ? value : [value]), z.array(item));

const chatList = oneOrMore(chatRef).refine((chats) => chats.length > 0, { error: "give at least one chat" });

/** A regular expression: "pattern" or "/pattern/flags". */
export const regex = z.string().transform((text, ctx) => {
  const literal = /^\/(.*)\/([dgimsuvy]*)$/s.exec(text);
  try {
    return literal === null ? new RegExp(text) : new RegExp(literal[1], literal[2]);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: `not a valid regular expression: ${(error as Error).message}` });
    return z.NEVER;
  }
});

const regexList = oneOrMore(regex);
const words = oneOrMore(z.string().min(1));

/** A duration such as "30s", "5m", "1h30m", in milliseconds. */
export const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", message: `${JSON.stringify(text)} is not a duration: write e.g. 30s, 5m, 2h, 1d or 1h30m` });
    return z.NEVER;
  }
  return ms;
});

/** An IANA time zone such as Europe/Berlin. */
export const timeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { error: (issue) => `${JSON.stringify(issue.input)} is not a time zone: use an IANA name such as Europe/Berlin or UTC` },
);

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: "write a time of day as HH:MM, e.g. 23:00" });

export const MEDIA_KINDS = ["photo", "video", "document", "audio", "voice", "sticker", "animation", "poll", "contact", "location", "webpage"] as const;

const match = z.strictObject({
  regex: regexList.optional(),
  keywords: words.optional(),
  media: z.array(z.enum(MEDIA_KINDS)).optional(),
  senders: chatList.optional(),
  exclude: z
    .strictObject({
      regex: regexList.optional(),
      keywords: words.optional(),
      media: z.array(z.enum(MEDIA_KINDS)).optional(),
      senders: chatList.optional(),
    })
    .optional(),
});

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, { error: "a name is 1-64 letters, digits, - or _" });

/** A forward rule (its runtime comes later; the schema is the contract). */
const forwardRule = z.strictObject({
  name: name.optional(),
  from: chatList,
  to: chatList,
  match: match.optional(),
  mode: z.enum(["forward", "copy", "copy-anonymous"]).default("forward"),
  edits: z.boolean().default(false),
  deletes: z.boolean().default(false),
  albums: z.boolean().default(true),
  header: z.string().optional(),
  footer: z.string().optional(),
  pacing: duration.optional(),
});

const alertRule = z
  .strictObject({
    name: name.optional(),
    keywords: words.optional(),
    regex: regexList.optional(),
    mentions: z.boolean().default(false),
    replies: z.boolean().default(false),
    chats: chatList.optional(),
    to: chatRef.default("me"),
    digest: duration.optional(),
    quietHours: z.strictObject({ from: clock, to: clock, timeZone: timeZone.optional() }).optional(),
  })
  .refine((rule) => rule.keywords !== undefined || rule.regex !== undefined || rule.mentions || rule.replies, {
    error: "an alert needs something to watch for: keywords, regex, mentions: true or replies: true",
  });

const autoReply = z.strictObject({
  text: z.string().min(1).default("I am away right now and will answer later."),
  interval: duration.default(3_600_000),
  mentions: z.boolean().default(false),
});

/** A schedule entry: when (cron with a time zone, every, or at) and what (text or a file to a chat, or a plugin's job). */
const scheduleEntry = z
  .strictObject({
    name: name.optional(),
    cron: z.string().optional(),
    every: duration.optional(),
    at: z.string().optional(),
    timeZone: timeZone.optional(),
    to: chatRef.optional(),
    text: z.string().min(1).optional(),
    file: z.string().min(1).optional(),
    job: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*\/[A-Za-z0-9][A-Za-z0-9_-]*$/, { error: "a job is plugin/name, e.g. digest/daily" })
      .optional(),
    missed: z.enum(["skip", "once"]).default("skip"),
  })
  .superRefine((entry, ctx) => {
    const when = (["cron", "every", "at"] as const).filter((key) => entry[key] !== undefined);
    if (when.length !== 1) {
      ctx.addIssue({ code: "custom", message: "give exactly one of cron, every or at", path: when.length > 1 ? [when[1]] : [] });
    }
    if (entry.cron !== undefined) checkCron(entry.cron, entry.timeZone, "cron", ctx);
    if (entry.at !== undefined) checkCron(entry.at, entry.timeZone, "at", ctx);
    if (entry.job === undefined) {
      if (entry.text === undefined && entry.file === undefined)
        ctx.addIssue({ code: "custom", message: "give text or file to send (or job to run)", path: [] });
      if (entry.to === undefined) ctx.addIssue({ code: "custom", message: "missing target: give to (a chat, or me)", path: ["to"] });
    } else if (entry.text !== undefined || entry.file !== undefined || entry.to !== undefined) {
      ctx.addIssue({ code: "custom", message: "a job entry runs the plugin's job: leave out to, text and file", path: ["job"] });
    }
  });

function checkCron(pattern: string, zone: string | undefined, key: "cron" | "at", ctx: z.RefinementCtx): void {
  try {
    const cron = new Cron(pattern, { paused: true, timezone: zone });
    if (key === "at" && !/^\d{4}-\d{2}-\d{2}T/.test(pattern)) throw new Error("not a date and time");
    cron.stop();
  } catch (error) {
    const hint = key === "cron" ? "five or six fields, e.g. 0 9 * * 1-5" : "an ISO date and time, e.g. 2026-12-24T18:00:00";
    ctx.addIssue({ code: "custom", message: `${JSON.stringify(pattern)} is not valid (${(error as Error).message}): write ${hint}`, path: [key] });
  }
}

/** The whole file; every section is optional. */
export const automationsSchema = z.strictObject({
  forward: z.array(forwardRule).default([]),
  alerts: z.array(alertRule).default([]),
  autoReply: autoReply.optional(),
  schedule: z.array(scheduleEntry).default([]),
  plugins: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, { error: "a plugin name is letters, digits, - or _" }), z.unknown()).default({}),
});

export type Automations = z.output<typeof automationsSchema>;
export type ForwardRule = Automations["forward"][number];
export type AlertRule = Automations["alerts"][number];
export type AutoReply = NonNullable<Automations["autoReply"]>;
export type ScheduleEntry = Automations["schedule"][number];
