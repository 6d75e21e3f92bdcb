/**
 * `npm run audit -- <chat>... [--format table|csv|json] [--out FILE] [--session NAME] [--fail-on RULE]... [--keep N]`
 * Audits groups and channels on a saved session: every member into a snapshot in sessions/NAME.db,
 * the changes since the previous snapshot, a report on stdout (or FILE). Exit codes: 0 done, 1
 * unexpected error, 2 usage or configuration, 3 a --fail-on rule matched, 4 a chat could not be
 * audited, 130 interrupted (Ctrl-C; nothing half-written is kept).
 */
import { parseArgs } from "node:util";
import { auditChat } from "../audit/audit.js";
import { readChatArguments } from "../audit/chatList.js";
import { AuditError, AuditInterrupted, FAIL_ON_EXIT_CODE, INTERRUPTED_EXIT_CODE, NOT_AUDITED_EXIT_CODE } from "../audit/errors.js";
import { parseFailRules } from "../audit/failOn.js";
import { AtomicFile, TextOutput } from "../audit/output.js";
import { lineProgress, terminalProgress } from "../audit/progress.js";
import { SqliteSnapshotStore } from "../audit/sqliteSnapshots.js";
import { createWriter, FORMATS, type Format } from "../audit/writers/index.js";
import { lockHolder } from "../bridge/lock.js";
import { runningNpmStart } from "../bridge/scriptPort.js";
import { UserError } from "../errors.js";
import { createLogger } from "../log.js";
import { openDatabase, sessionDatabasePath } from "../store/database.js";
import { PeerError } from "../telegram/peers.js";
import { chooseSessionName, openSession } from "../telegram/session.js";
import { SessionStore } from "../telegram/sessionStore.js";
import { sessionFlag } from "./args.js";
import { askedSessionName, configFromEnvironment } from "./credentials.js";
import { fail, runMain } from "./run.js";

const USAGE = "npm run audit -- <chat>... [--format table|csv|json] [--out FILE] [--session NAME] [--fail-on RULE]... [--keep N]";

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: "string", default: "table" },
        out: { type: "string" },
        session: { type: "string" },
        "fail-on": { type: "string", multiple: true, default: [] },
        keep: { type: "string" },
      },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\nusage: ${USAGE}`);
  }
}

/** Stops on the first Ctrl-C (or SIGTERM) once requests in flight settle; a second one exits at once. */
function abortOnSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(INTERRUPTED_EXIT_CODE);
    process.stderr.write("stopping: waiting for requests in flight (press Ctrl-C again to quit at once)\n");
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}

runMain(async () => {
  const { values, positionals } = parseCommandLine(process.argv.slice(2));
  const format = values.format as Format;
  if (!FORMATS.includes(format)) fail(`--format must be one of ${FORMATS.join(", ")}\nusage: ${USAGE}`);
  const keep = values.keep === undefined ? undefined : Number(values.keep);
  if (keep !== undefined && !(Number.isInteger(keep) && keep >= 2)) fail("--keep must be a whole number of snapshots to keep per chat, 2 or more");
  const failRules = parseFailRules(values["fail-on"]);
  if (positionals.length === 0) fail(`name at least one group or channel to audit\nusage: ${USAGE}`);
  const chats = readChatArguments(positionals);
  if (chats.length === 0) fail("the chat list is empty: give @usernames, t.me links or ids");

  const { env, config } = configFromEnvironment();
  const store = new SessionStore();
  const sessionName = chooseSessionName(config, askedSessionName(sessionFlag(values.session), env));
  if (config.mode === "user" && !store.exists(sessionName)) {
    const hint = sessionName === "default" ? "`npm run login`" : `\`npm run login -- --session ${sessionName}\``;
    fail(`No saved session "${sessionName}" (${store.pathOf(sessionName)}): run ${hint} first.`);
  }
  const log = createLogger({ level: config.log.level, format: config.log.format });
  // Telegram sends the session's updates to its last active connection only: while the audit's own connection
  // makes calls, a running npm start of the session gets them late (it fills the gap with getDifference).
  const npmStartPid = lockHolder(store.dir, sessionName);
  if (npmStartPid !== undefined)
    process.stderr.write(`note: npm start runs for session "${sessionName}" (pid ${npmStartPid}); it may see updates late until the audit ends\n`);
  const { client } = await openSession(config, store, sessionName, log);
  const db = openDatabase(sessionDatabasePath(store.dir, sessionName));
  const snapshots = new SqliteSnapshotStore(db);
  const file = values.out === undefined ? undefined : await AtomicFile.open(values.out);
  const output = file?.output ?? new TextOutput(process.stdout);
  const writer = createWriter(format, output);
  const progress = process.stderr.isTTY ? terminalProgress() : lineProgress();
  const signals = abortOnSignals();

  let notAudited = 0;
  let triggered = 0;
  let interrupted = false;
  try {
    for (const chat of chats) {
      try {
        const result = await auditChat(client, snapshots, chat.input, {
          signal: signals.signal,
          progress,
          failRules,
          keepSnapshots: keep,
          maxFloodWaitSeconds: config.flood.maxSleepSeconds,
        });
        await writer.chat(result);
        for (const rule of result.report.failOn.filter((r) => r.triggered)) {
          triggered++;
          process.stderr.write(`fail-on: ${chat.text}: ${rule.rule} matched (${rule.value})\n`);
        }
      } catch (error) {
        if (error instanceof AuditInterrupted) {
          interrupted = true;
          break;
        }
        if (!(error instanceof AuditError || error instanceof PeerError)) throw error;
        notAudited++;
        process.stderr.write(`${chat.text}: ${error.message}\n`);
        await writer.failure({ chat: chat.text, problem: error instanceof AuditError ? error.problem : "not-found", message: error.message });
      }
    }
    await writer.end(interrupted);
    if (interrupted) await file?.abort();
    else await file?.commit();
  } catch (error) {
    await file?.abort();
    throw error;
  } finally {
    signals.dispose();
    db.close();
    await client.destroy();
    // Hand the updates back to npm start at once: it makes a call, and is the last active connection again.
    if (npmStartPid !== undefined) await (await runningNpmStart(store.dir, sessionName, { waitMs: 0, handover: true }).catch(() => undefined))?.close();
  }
  if (interrupted) throw new AuditInterrupted();
  if (notAudited > 0) throw new UserError(`${notAudited} of ${chats.length} chats could not be audited`, NOT_AUDITED_EXIT_CODE);
  if (triggered > 0) throw new UserError(`--fail-on: ${triggered} rule${triggered === 1 ? "" : "s"} matched`, FAIL_ON_EXIT_CODE);
});
