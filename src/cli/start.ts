/**
 * `npm start [-- --session NAME]`: runs the userbot on a saved session (or as the bot of TELEGRAM_BOT_TOKEN)
 * with the plugins under src/plugins/ and access control over the session database (sessions/NAME.db),
 * until SIGINT / SIGTERM. No prompts.
 */
import { readdirSync } from "node:fs";
import { automationsAtStart } from "../automations/startup.js";
import { chooseSessionName } from "../telegram/sessionName.js";
import { SessionStore } from "../telegram/sessionStore.js";
import { parseFlags, sessionFlag } from "./args.js";
import { askedSessionName, configFromEnvironment } from "./credentials.js";
import { fail, runMain } from "./run.js";

const USAGE = "npm start [-- --session NAME]";

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

runMain(async () => {
  const flags = parseFlags(process.argv.slice(2), { session: { type: "string" } }, USAGE);
  const { env, config } = configFromEnvironment();
  const automations = automationsAtStart(env);
  const store = new SessionStore();
  const sessionName = chooseSessionName(config, askedSessionName(sessionFlag(flags.session), env));
  if (config.mode === "user" && !store.exists(sessionName)) {
    const others = savedSessions(store);
    const hint = sessionName === "default" ? "`npm run login`" : `\`npm run login -- --session ${sessionName}\``;
    const saved = others.length === 0 ? "" : ` Saved sessions: ${others.join(", ")} (choose one with --session NAME).`;
    fail(`No saved session "${sessionName}" (${store.pathOf(sessionName)}): run ${hint} first.${saved}`);
  }
  // GramJS and the runtime load only once the input is known to be usable: mistakes are answered at once.
  const [{ startUserbot }, { handleSignals }] = await Promise.all([import("../app/userbot.js"), import("../runtime/signals.js")]);
  const signals = handleSignals();
  const runtime = await startUserbot({ config, store, sessionName, automations, onReady: signals.attach });
  const result = await runtime.stopped;
  if (result.error !== undefined) throw result.error;
});
