/**
 * `npm run login [-- --session NAME] [--qr] [--bot]`: logs in once and saves the session under
 * sessions/NAME.session, only after the login succeeded. Prompts on a terminal, reads lines when standard
 * input is piped (`printf '+15551234567\n12345\n' | npm run login`). `--import-session` takes a GramJS or
 * Telethon session string from standard input instead (checked with Telegram, then saved);
 * `--export-session [--format gramjs|telethon]` prints the saved one, with a warning on stderr.
 */
import qrcode from "qrcode-terminal";
import type { TelegramClient } from "telegram";
import { createLogger, secrets } from "../log.js";
import { BOT_TOKEN_PATTERN, botIdOf } from "../telegram/botToken.js";
import { createPrompter, type Prompter } from "../telegram/prompter.js";
import { SessionStore } from "../telegram/sessionStore.js";
import { parseFlags, sessionFlag } from "./args.js";
import { askedSessionName, configFromEnvironment } from "./credentials.js";
import { fail, runMain } from "./run.js";

const USAGE = "npm run login [-- --session NAME] [--qr | --bot | --import-session | --export-session [--format gramjs|telethon]]";

/** Exit code when the person declines to replace an existing session. */
const DECLINED_EXIT_CODE = 1;

/** How the login talks to the person: questions through the prompter, remarks on stderr. */
interface CliIO {
  readonly prompter: Prompter;
  say(line: string): void;
}

/** Wrong bot tokens accepted before giving up. */
const TOKEN_ATTEMPTS = 3;

/** Asks for a bot token until it has the right shape. */
async function askBotToken(io: CliIO): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    const token = (await io.prompter.password("Bot token from @BotFather (123456789:AA...):")).trim();
    secrets.add(token);
    if (BOT_TOKEN_PATTERN.test(token)) return token;
    const left = TOKEN_ATTEMPTS - attempt;
    if (left === 0) fail("No valid bot token given: copy it from @BotFather (/mybots → API Token) and run the login again.");
    io.say(`That is not a bot token (digits, a colon, then 30 or more letters, digits, - or _); try again (${left} attempt${left === 1 ? "" : "s"} left).`);
  }
}

/** Renders a QR login link in the terminal, with the link itself for copying. */
function showQr(io: CliIO): (url: string, expires: Date) => void {
  return (url, expires) => {
    qrcode.generate(url, { small: true }, (art) => io.say(art));
    io.say(`Scan it with Telegram on a phone where you are logged in: Settings → Devices → Link Desktop Device.`);
    io.say(`Valid until ${expires.toLocaleTimeString()}; a new one follows. Link: ${url}`);
  };
}

/** Prints the saved session `name` in `format` on stdout, the warning first on stderr. */
async function exportSession(store: SessionStore, name: string, format: string | undefined): Promise<void> {
  const { EXPORT_FORMATS, EXPORT_WARNING, exportedSessionString } = await import("../telegram/login/sessionTransfer.js");
  const chosen = (format ?? "gramjs") as (typeof EXPORT_FORMATS)[number];
  if (!EXPORT_FORMATS.includes(chosen)) fail(`--format ${JSON.stringify(format)} is not a session format: use gramjs or telethon.\nusage: ${USAGE}`);
  const text = exportedSessionString(store.load(name), chosen);
  process.stderr.write(`${EXPORT_WARNING}\n`);
  process.stdout.write(`${text}\n`);
}

runMain(async () => {
  const flags = parseFlags(
    process.argv.slice(2),
    {
      session: { type: "string" },
      qr: { type: "boolean" },
      bot: { type: "boolean" },
      "import-session": { type: "boolean" },
      "export-session": { type: "boolean" },
      format: { type: "string" },
    },
    USAGE,
  );
  const modes = (["qr", "bot", "import-session", "export-session"] as const).filter((mode) => flags[mode] === true);
  if (flags.qr === true && flags.bot === true) fail(`--qr and --bot cannot be combined: a bot logs in with its token.\nusage: ${USAGE}`);
  if (modes.length > 1) fail(`${modes.map((mode) => `--${mode}`).join(" and ")} cannot be combined: choose one.\nusage: ${USAGE}`);
  if (flags.format !== undefined && flags["export-session"] !== true) fail(`--format goes with --export-session.\nusage: ${USAGE}`);
  const { env, config } = configFromEnvironment();
  const asked = askedSessionName(sessionFlag(flags.session), env);
  const store = new SessionStore();
  if (flags["export-session"] === true) return exportSession(store, asked ?? config.sessionName, flags.format);
  const log = createLogger({ level: config.log.level === "info" ? "warn" : config.log.level, format: config.log.format });
  const prompter = createPrompter();
  const io: CliIO = { prompter, say: (line) => process.stderr.write(`${line}\n`) };
  let client: TelegramClient | undefined;
  try {
    const token = flags.bot === true ? (config.botToken ?? (await askBotToken(io))) : undefined;
    const name = asked ?? (token === undefined ? config.sessionName : `bot-${botIdOf(token)}`);
    store.pathOf(name); // throws a SessionError naming the rule when the name is invalid
    if (store.exists(name)) {
      const answer = await prompter.text(`Session "${name}" already exists (${store.pathOf(name)}). Replace it with a new login? [y/N]`);
      if (!/^y(es)?$/i.test(answer)) fail(`Kept the existing session "${name}"; nothing changed.`, DECLINED_EXIT_CODE);
    }
    // GramJS loads only once the input is known to be usable: mistakes are answered at once.
    const [{ createTelegramClient, sessionString }, { loginBot }, { loginWithCode }, { loginWithQr }, { describe }, transfer] = await Promise.all([
      import("../telegram/client.js"),
      import("../telegram/login/bot.js"),
      import("../telegram/login/code.js"),
      import("../telegram/login/qr.js"),
      import("../telegram/session.js"),
      import("../telegram/login/sessionTransfer.js"),
    ]);
    const start = name === "default" ? "npm start" : `npm start -- --session ${name}`;
    if (flags["import-session"] === true) {
      const given = await prompter.password("Session string (GramJS or Telethon StringSession), read from standard input:");
      secrets.add(given.trim());
      const imported = await transfer.verifyImportedSession(config, transfer.importedSessionString(given), log);
      store.save(name, imported.session);
      process.stdout.write(`Imported the session of ${describe(imported.user)}. Saved to ${store.pathOf(name)}; run \`${start}\`.\n`);
      return;
    }
    client = createTelegramClient(config, "", log);
    await client.connect();
    const user =
      token !== undefined
        ? await loginBot(client, config, token)
        : flags.qr === true
          ? await loginWithQr(client, config, io, showQr(io))
          : await loginWithCode(client, config, io);
    const saved = sessionString(client);
    secrets.add(saved);
    store.save(name, saved);
    const who = "className" in user && user.className === "User" ? describe(user) : "the account";
    process.stdout.write(`Logged in as ${who}. Session saved to ${store.pathOf(name)}; run \`${start}\`.\n`);
  } finally {
    prompter.close();
    await client?.destroy();
  }
});
