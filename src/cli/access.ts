/**
 * `npm run access -- <verb> ...`: the access rules, gates and log of a session, from the command line.
 *   list                                   rules and gates
 *   allow|deny <chat|person> [command...]  allow or deny every command, or the listed ones
 *   remove <chat|person>                   delete a chat's or person's rules
 *   gate NAME <group> [--restricted | --statuses LIST] | gate NAME --remove
 *   status <group> <person>                a person's membership, as the gate sees it
 *   warm <gate name | group>               cache a whole group's members (paging channels.getParticipants)
 *   log [--denied] [--since 1h|2d|ISO-TIME] [--limit N] [--json]
 * Every name is checked (and resolved through Telegram) before anything is stored.
 */
import { existsSync } from "node:fs";
import type { parseArgs } from "node:util";
import type { TelegramClient } from "telegram";
import type { AccessLogEntry } from "../access/accessLog.js";
import { changeRule, defineGate, describeAll, describePair, removeRules } from "../access/admin.js";
import type { AccessStores } from "../access/layer.js";
import { MembershipService } from "../access/membership.js";
import { checkGateName, type Effect, parseCommandList, parseStatusList, passingStatuses } from "../access/rules.js";
import { sqliteAccessStores } from "../access/schema.js";
import { groupOfGate, resolveGroup, telegramResolver } from "../access/targets.js";
import { telegramSource } from "../access/telegramSource.js";
import type { Config } from "../app/config.js";
import { createLogger } from "../log.js";
import { type Db, openDatabase, sessionDatabasePath } from "../store/database.js";
import { parsePeerInput } from "../telegram/peers.js";
import { chooseSessionName, openSession } from "../telegram/session.js";
import { SessionStore } from "../telegram/sessionStore.js";
import { parseCommandLine, sessionFlag } from "./args.js";
import { askedSessionName, configFromEnvironment } from "./credentials.js";
import { fail, runMain } from "./run.js";

const VERB_USAGE: Record<string, string> = {
  list: "npm run access -- list",
  allow: "npm run access -- allow <@username | id | t.me link> [command ...]",
  deny: "npm run access -- deny <@username | id | t.me link> [command ...]",
  remove: "npm run access -- remove <@username | id | t.me link>",
  gate: "npm run access -- gate NAME <group> [--restricted | --statuses creator,admin,member] | gate NAME --remove",
  status: "npm run access -- status <group> <person>",
  warm: "npm run access -- warm <gate name | group>",
  log: "npm run access -- log [--denied] [--since 1h|2d|2024-05-01T10:00] [--limit N] [--json]",
};

const USAGE = `${Object.values(VERB_USAGE).join("\n       ")}\n       (any of them: --session NAME)`;

const OPTIONS = {
  session: { type: "string" },
  denied: { type: "boolean" },
  since: { type: "string" },
  limit: { type: "string" },
  json: { type: "boolean" },
  restricted: { type: "boolean" },
  statuses: { type: "string" },
  remove: { type: "boolean" },
} as const;

type Flags = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>["values"];

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Reads --since: a duration back from now (90s, 30m, 2h, 7d) or a date and time. */
function parseSince(text: string, now: number): number {
  const relative = /^(\d{1,9})([smhd])$/.exec(text);
  if (relative !== null) return now - Number(relative[1]) * UNITS[relative[2]];
  const at = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(at)) fail(`--since ${JSON.stringify(text)} is neither a duration (90s, 30m, 2h, 7d) nor a date (2024-05-01 or 2024-05-01T10:00)`);
  return at;
}

/** Reads --limit: 1 to 100000 (default 50). */
function parseLimit(text: string | undefined): number {
  if (text === undefined) return 50;
  const limit = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(limit >= 1 && limit <= 100_000)) fail(`--limit must be a number from 1 to 100000, not ${JSON.stringify(text)}`);
  return limit;
}

/** One log entry as a line. */
function formatEntry(entry: AccessLogEntry): string {
  const at = new Date(entry.at).toISOString().replace("T", " ").slice(0, 19);
  return `${at}  ${entry.outcome.padEnd(5)}  user ${entry.userId ?? "-"}  chat ${entry.chatId}  ${entry.command}  ${entry.reason}`;
}

/** The session's database, opened, and the access stores over it; for reading, undefined when it does not exist yet. */
function database(config: Config, store: SessionStore, sessionName: string, create: boolean): { db: Db; stores: AccessStores } | undefined {
  const file = sessionDatabasePath(store.dir, sessionName);
  if (!create && !existsSync(file)) return undefined;
  const db = openDatabase(file);
  return { db, stores: sqliteAccessStores(db, config.access) };
}

/** Connects the session's client, runs work with it, and always disconnects; only errors are logged (the answer is one line). */
async function withClient<T>(config: Config, store: SessionStore, sessionName: string, work: (client: TelegramClient) => Promise<T>): Promise<T> {
  const log = createLogger({ level: "error", format: config.log.format });
  const { client } = await openSession(config, store, sessionName, log);
  try {
    return await work(client);
  } finally {
    await client.destroy();
  }
}

/** Checks what can be checked without Telegram, so a bad request never needs a connection. */
function checkOffline(verb: string, args: readonly string[], flags: Flags): void {
  const needs = (count: number, what: string) => {
    if (args.length < count) fail(`${verb} needs ${what}; usage: ${VERB_USAGE[verb]}`);
  };
  if (verb === "allow" || verb === "deny") {
    needs(1, "a chat or person");
    parsePeerInput(args[0]);
    parseCommandList(args.slice(1));
  } else if (verb === "remove") {
    needs(1, "a chat or person");
    parsePeerInput(args[0]);
  } else if (verb === "gate") {
    needs(1, "a gate name");
    checkGateName(args[0]);
    if (flags.remove !== true) {
      needs(2, "a gate name and a group");
      parsePeerInput(args[1]);
      if (flags.statuses !== undefined && flags.restricted === true)
        fail("--restricted and --statuses cannot be combined: list restricted in --statuses instead");
      if (flags.statuses !== undefined) parseStatusList(flags.statuses);
    }
  } else if (verb === "status") {
    needs(2, "a group and a person");
    parsePeerInput(args[0]);
    parsePeerInput(args[1]);
  } else if (verb === "warm") {
    needs(1, "a gate name or a group");
  } else if (verb === "log") {
    if (flags.since !== undefined) parseSince(flags.since, Date.now());
    parseLimit(flags.limit);
  }
}

runMain(async () => {
  const { flags, positionals } = parseCommandLine(process.argv.slice(2), OPTIONS, USAGE);
  const [verb, ...args] = positionals;
  if (verb === undefined) fail(`usage: ${USAGE}`);
  if (!(verb in VERB_USAGE)) fail(`unknown command ${JSON.stringify(verb)}\nusage: ${USAGE}`);
  checkOffline(verb, args, flags);
  const { env, config } = configFromEnvironment();
  const store = new SessionStore();
  const sessionName = chooseSessionName(config, askedSessionName(sessionFlag(flags.session), env));
  const out = (line: string) => process.stdout.write(`${line}\n`);

  if (verb === "list" || verb === "log") {
    const opened = database(config, store, sessionName, false);
    if (opened === undefined) {
      out(`No access rules or log yet for session "${sessionName}".`);
      return;
    }
    try {
      if (verb === "list") describeAll(opened.stores.rules).forEach(out);
      else {
        const entries = opened.stores.log.query({
          denied: flags.denied === true,
          since: flags.since === undefined ? undefined : parseSince(flags.since, Date.now()),
          limit: parseLimit(flags.limit),
        });
        if (entries.length === 0) out("No matching decisions.");
        for (const entry of entries.reverse()) out(flags.json === true ? JSON.stringify(entry) : formatEntry(entry));
      }
    } finally {
      opened.db.close();
    }
    return;
  }

  await withClient(config, store, sessionName, async (client) => {
    const { db, stores } = database(config, store, sessionName, true)!;
    try {
      const { rules } = stores;
      if (verb === "allow" || verb === "deny") {
        const { target, pair } = await changeRule(client, rules, verb as Effect, args[0], args.slice(1));
        out(`Done: ${describePair(target, pair)}.`);
      } else if (verb === "remove") {
        const { target, removed } = await removeRules(client, rules, args[0]);
        out(removed ? `Removed every rule of ${target.subject} ${target.label}.` : `${target.subject} ${target.label} had no rules.`);
      } else if (verb === "gate") {
        if (flags.remove === true) {
          if (!rules.removeGate(args[0])) fail(`there is no gate named ${args[0]}`);
          out(`Removed gate ${args[0]}.`);
          return;
        }
        const passing = flags.statuses !== undefined ? parseStatusList(flags.statuses) : passingStatuses(flags.restricted === true);
        const gate = await defineGate(client, rules, telegramSource(client), args[0], args[1], passing);
        out(`Done: gate ${gate.name}: ${gate.label} (${gate.passing.join(", ")} pass).`);
      } else {
        const membership = new MembershipService({
          cache: stores.membership,
          source: telegramSource(client),
          timeoutMs: config.access.checkTimeoutMs,
          resolver: telegramResolver(client),
        });
        if (verb === "status") {
          out(await membership.status(args[0], args[1]));
          return;
        }
        const gate = rules.snapshot().gates.get(args[0]);
        const group = gate === undefined ? await resolveGroup(client, args[0]) : groupOfGate(gate);
        const { cached, total, requests } = await membership.warmUp(group);
        out(
          `Cached ${cached} of ${total} members of ${group.label} with ${requests} request${requests === 1 ? "" : "s"} (kept ${config.access.memberTtlSeconds} s).`,
        );
      }
    } finally {
      db.close();
    }
  });
});
