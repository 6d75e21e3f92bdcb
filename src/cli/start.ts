/**
 * `npm start [-- --session NAME]`: runs the userbot on a saved session (or as the bot of TELEGRAM_BOT_TOKEN)
 * with the plugins under src/plugins/ and access control over the session database (sessions/NAME.db),
 * until SIGINT / SIGTERM. No prompts. Several accounts in one process: `--session a --session b`, or
 * SESSIONS=a,b; exit 0 when every account ran until stopped, 1 when some were set aside (a revoked
 * session, for example) while the others ran, 2 when none is left.
 */
import { readdirSync } from "node:fs";
import type { Config } from "../app/config.js";
import type { Automations } from "../automations/schema.js";
import { automationsAtStart } from "../automations/startup.js";
import { acquireSessionLock } from "../bridge/lock.js";
import { variable } from "../config.js";
import { createLogger } from "../log.js";
import { chooseSessionName } from "../telegram/sessionName.js";
import { isValidSessionName, SESSION_NAME_RULE, SessionStore } from "../telegram/sessionStore.js";
import { parseFlags, sessionFlag } from "./args.js";
import { askedSessionName, configFromEnvironment } from "./credentials.js";
import { fail, runMain } from "./run.js";

const USAGE = "npm start [-- --session NAME [--session NAME2 ...]]";

/** Exit code when some accounts were set aside while the others ran until stopped. */
const SOME_SET_ASIDE_EXIT_CODE = 1;

/** The sessions asked for by --session (repeated) or SESSIONS (comma-separated); [] when neither names several. */
function severalSessions(flags: readonly string[], sessions: string | undefined): string[] {
  const names = flags.length > 0 ? [...flags] : (sessions?.split(",").map((name) => name.trim()) ?? []);
  const source = flags.length > 0 ? "--session" : "SESSIONS";
  for (const name of names) {
    if (flags.length > 0) sessionFlag(name);
    else if (!isValidSessionName(name)) fail(`SESSIONS names ${JSON.stringify(name)}, which is not a valid session name: use ${SESSION_NAME_RULE}.`);
  }
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined) fail(`${source} names session "${twice}" twice: one process runs each session once.`);
  return names;
}

/** Names of the sessions saved in the store's folder. */
function savedSessions(store: SessionStore): string[] {
  try {
    return readdirSync(store.dir)
      .filter((file) => /^[A-Za-z0-9_-]{1,64}\.session$/.test(file))
      .map((file) => file.slice(0, -".session".length))
      .sort();
  } catch {
    return [];
  }
}

/** Stops with one line when a session to run on was never saved. */
function requireSaved(store: SessionStore, sessionName: string): void {
  if (store.exists(sessionName)) return;
  const others = savedSessions(store);
  const hint = sessionName === "default" ? "`npm run login`" : `\`npm run login -- --session ${sessionName}\``;
  const saved = others.length === 0 ? "" : ` Saved sessions: ${others.join(", ")} (choose one with --session NAME).`;
  fail(`No saved session "${sessionName}" (${store.pathOf(sessionName)}): run ${hint} first.${saved}`);
}

/** Runs several accounts until a signal stops them or none is left. */
async function runSeveral(config: Config, store: SessionStore, sessionNames: readonly string[], automations: Automations | undefined): Promise<void> {
  if (config.mode === "bot") fail("TELEGRAM_BOT_TOKEN runs one bot: unset it to run several sessions (log a bot in with `npm run login -- --bot` first).");
  for (const name of sessionNames) requireSaved(store, name);
  // One process per session, as for one account: each session's lock and local socket.
  const sockets = new Map<string, string>();
  for (const name of sessionNames) {
    const lock = acquireSessionLock(store.dir, name);
    process.once("exit", () => lock.release());
    sockets.set(name, lock.socket);
  }
  const [{ startAccounts }, { handleSignals }] = await Promise.all([import("../app/accounts.js"), import("../runtime/signals.js")]);
  const signals = handleSignals();
  const log = createLogger({ level: config.log.level, format: config.log.format });
  const accounts = await startAccounts({ config, store, sessionNames, log, automations, socketPathOf: (name) => sockets.get(name) });
  signals.attach(accounts);
  const outcomes = await accounts.ended;
  const aside = outcomes.filter((outcome) => outcome.ended === "set-aside").map((outcome) => outcome.sessionName);
  if (aside.length === outcomes.length) fail(`Every account was set aside (${aside.join(", ")}): see the line logged for each.`);
  if (aside.length > 0) fail(`Stopped; set aside while the others ran: ${aside.join(", ")} (see the line logged for each).`, SOME_SET_ASIDE_EXIT_CODE);
}

runMain(async () => {
  const flags = parseFlags(process.argv.slice(2), { session: { type: "string", multiple: true } }, USAGE);
  const { env, config } = configFromEnvironment();
  const automations = automationsAtStart(env);
  const store = new SessionStore();
  const several = severalSessions(flags.session ?? [], variable(env, "SESSIONS"));
  if (several.length > 1) return runSeveral(config, store, several, automations);
  const sessionName = chooseSessionName(config, askedSessionName(sessionFlag(several[0]), env));
  if (config.mode === "user") requireSaved(store, sessionName);
  // One npm start per session: a second one refuses (exit 2); a crashed one's lock is taken over.
  const lock = acquireSessionLock(store.dir, sessionName);
  process.once("exit", () => lock.release());
  // GramJS and the runtime load only once the input is known to be usable: mistakes are answered at once.
  const [{ startUserbot }, { handleSignals }] = await Promise.all([import("../app/userbot.js"), import("../runtime/signals.js")]);
  const signals = handleSignals();
  const runtime = await startUserbot({ config, store, sessionName, socketPath: lock.socket, automations, onReady: signals.attach });
  const result = await runtime.stopped;
  if (result.error !== undefined) throw result.error;
});
