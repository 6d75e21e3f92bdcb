/**
 * `npm run confirm -- <chat> "Deploy to production?" [--timeout 5m] [--from @person ...] [--session NAME]`
 * asks for approval over Telegram and turns the answer into the exit code: 0 approved, 1 denied,
 * 3 no answer in time, 2 bad input, 4 the question could not be asked, 130 interrupted. As a bot the
 * question comes with Approve / Deny buttons; as a user account it asks for a reply of yes or no. The
 * person asked in a private chat, the --from people and the owners (ACCESS_OWNERS; a user account itself)
 * may answer; the message is edited to show the outcome and who answered.
 */

import { UserError } from "../errors.js";
import { MAX_MESSAGE_LENGTH } from "../send/split.js";
import { type PeerInput, parsePeerInput } from "../telegram/peers.js";
import { chooseSessionName } from "../telegram/sessionName.js";
import { SessionStore } from "../telegram/sessionStore.js";
import { parseCommandLine, sessionFlag } from "./args.js";
import { askedSessionName, configFromEnvironment } from "./credentials.js";
import { fail, runMain } from "./run.js";

const USAGE = 'npm run confirm -- <@username | t.me link | id | me> "Question?" [--timeout 5m] [--from @person ...] [--session NAME]';

/** Exit code when the question could not be asked (no connection, Telegram refused). */
const NOT_ASKED = 4;
/** Room kept in the question's message for the outcome line. */
const OUTCOME_ROOM = 200;
const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const OPTIONS = {
  timeout: { type: "string" },
  from: { type: "string", multiple: true },
  session: { type: "string" },
} as const;

/** Reads --timeout: 90s, 5m, 2h, 1d or a number of seconds; from 1 s to 7 days (default 5 min). */
function parseTimeout(text: string | undefined): number {
  if (text === undefined) return 5 * 60_000;
  const match = /^(\d{1,9})(ms|s|m|h|d)?$/.exec(text.trim());
  const ms = match === null ? NaN : Number(match[1]) * DURATION_UNITS[match[2] ?? "s"];
  if (!(ms >= 1000 && ms <= 7 * 86_400_000)) fail(`--timeout ${JSON.stringify(text)} must be a duration from 1s to 7d, e.g. 90s, 5m or 2h`);
  return ms;
}

runMain(async () => {
  const { flags, positionals } = parseCommandLine(process.argv.slice(2), OPTIONS, USAGE);
  const [chat, ...words] = positionals;
  if (chat === undefined) fail(`name the chat to ask in\nusage: ${USAGE}`);
  const peer = parsePeerInput(chat);
  const question = words.join(" ").trim();
  if (question === "") fail(`the question is empty: say what to approve\nusage: ${USAGE}`);
  if (question.length > MAX_MESSAGE_LENGTH - OUTCOME_ROOM)
    fail(`the question is ${question.length} characters; keep it under ${MAX_MESSAGE_LENGTH - OUTCOME_ROOM}`);
  const timeoutMs = parseTimeout(flags.timeout);
  const from: PeerInput[] = (flags.from ?? []).map((ref) => parsePeerInput(ref));

  const { env, config } = configFromEnvironment();
  const store = new SessionStore();
  const sessionName = chooseSessionName(config, askedSessionName(sessionFlag(flags.session), env));
  if (config.mode === "user" && !store.exists(sessionName))
    fail(`No saved session "${sessionName}" (${store.pathOf(sessionName)}): run \`npm run login\` first.`);

  const [
    { openScriptPort },
    { confirm },
    { SqliteConfirmationStore },
    { CONFIRM_EXIT, outcomeLine },
    { explainRefusal },
    { openDatabase, sessionDatabasePath },
    { createLogger },
  ] = await Promise.all([
    import("../bridge/scriptPort.js"),
    import("../confirm/confirm.js"),
    import("../confirm/store.js"),
    import("../confirm/outcome.js"),
    import("../send/refusal.js"),
    import("../store/database.js"),
    import("../log.js"),
  ]);
  let interrupt: () => void = () => {};
  const cancelled = new Promise<void>((resolve) => (interrupt = resolve));
  process.once("SIGINT", interrupt);
  process.once("SIGTERM", interrupt);

  const notAsked = (error: unknown): unknown => {
    const refusal = explainRefusal(error);
    if (refusal !== undefined) return new UserError(`could not ask for confirmation: ${refusal}`, NOT_ASKED);
    // Plain errors (no connection, a timeout) are not the person's mistake, and must not read as "denied" (exit 1).
    return error instanceof Error && error.name === "Error" ? new UserError(`could not ask for confirmation: ${error.message}`, NOT_ASKED) : error;
  };
  // Through the npm start running for the session when there is one (one connection per session), else directly.
  const port = await openScriptPort(config, store, sessionName).catch((error: unknown) => {
    throw notAsked(error);
  });
  const db = openDatabase(sessionDatabasePath(store.dir, sessionName));
  const log = createLogger({ level: "warn", format: config.log.format });
  try {
    const { mode, selfId } = port;
    const target = await port.chat(peer);
    const answerers = new Set<string>([...config.access.owners, ...(await port.users(from))]);
    if (target.kind === "user") answerers.add(target.chatId);
    if (mode === "user") answerers.add(selfId);
    if (answerers.size === 0) fail(`nobody may answer in ${target.label}: name who may with --from @person (or set ACCESS_OWNERS)`);
    const outcome = await confirm({ port, log, store: new SqliteConfirmationStore(db), target, question, timeoutMs, answerers, cancelled });
    const line = outcomeLine(outcome);
    if (outcome.status !== "approved") throw new UserError(line, CONFIRM_EXIT[outcome.status]);
    process.stdout.write(`${line}\n`);
  } catch (error) {
    throw notAsked(error);
  } finally {
    await port.close();
    db.close();
  }
});
