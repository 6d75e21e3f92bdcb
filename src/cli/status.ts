/**
 * `npm run status [-- --session NAME] [--json]`: the state of a running `npm start` of that session, read
 * from its /healthz. It finds the instance through sessions/NAME.metrics.json (written by `npm start`
 * when METRICS_PORT is set), else through METRICS_PORT / METRICS_HOST of the environment. Exit code 0
 * ready, 1 running but not ready (disconnected, catching up, stopping), 3 no running instance found,
 * 2 bad input.
 */
import { readEnv, variable } from "../config.js";
import type { HealthBody } from "../metrics/health.js";
import type { AccountsHealthBody } from "../metrics/hub.js";
import { instanceFilePath, localUrl, readInstanceFile } from "../metrics/instanceFile.js";
import { botIdOf } from "../telegram/botToken.js";
import { SessionStore } from "../telegram/sessionStore.js";
import { parseFlags, sessionFlag } from "./args.js";
import { askedSessionName } from "./credentials.js";
import { fail, runMain } from "./run.js";

const USAGE = "npm run status [-- --session NAME] [--json]";
const NOT_RUNNING_EXIT_CODE = 3;

/** Whether a process of that id runs (signal 0 tests without signalling). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
}

/** The session `npm start` would run with this environment, as far as it can be told without credentials. */
function sessionOf(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const asked = askedSessionName(flag, env);
  if (asked !== undefined) return asked;
  const token = variable(env, "TELEGRAM_BOT_TOKEN");
  if (token !== undefined) {
    try {
      return `bot-${botIdOf(token)}`;
    } catch {
      // a malformed token: npm start would refuse it; fall back to the default name
    }
  }
  return "default";
}

function duration(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return d > 0 ? `${d}d ${h}h ${m}m` : h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${seconds % 60}s` : `${seconds}s`;
}

runMain(async () => {
  const flags = parseFlags(process.argv.slice(2), { session: { type: "string" }, json: { type: "boolean" } }, USAGE);
  const env = readEnv();
  const session = sessionOf(sessionFlag(flags.session), env);
  const file = instanceFilePath(new SessionStore().dir, session);
  const record = readInstanceFile(file);
  let base: string;
  if (record !== undefined && alive(record.pid)) base = record.url;
  else if (variable(env, "METRICS_PORT") !== undefined && /^\d{1,5}$/.test(variable(env, "METRICS_PORT")!)) {
    base = localUrl(variable(env, "METRICS_HOST") ?? "127.0.0.1", Number(variable(env, "METRICS_PORT")));
  } else {
    fail(
      `No running instance of session "${session}" found: ${file} is ${record === undefined ? "absent" : "left by a process that ended"}. ` +
        "`npm start` writes it when METRICS_PORT is set (or set METRICS_PORT here to ask that port).",
      NOT_RUNNING_EXIT_CODE,
    );
  }
  let status: number;
  let body: HealthBody;
  try {
    const response = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(3000) });
    status = response.status;
    body = (await response.json()) as HealthBody;
  } catch (error) {
    const reason = error instanceof Error ? ((error.cause as { code?: string } | undefined)?.code ?? error.message) : String(error);
    fail(`No answer from ${base}/healthz (${reason}): is \`npm start\` of session "${session}" running with METRICS_PORT set?`, NOT_RUNNING_EXIT_CODE);
  }
  // With several accounts in the process, /healthz lists each: report this session's.
  const several = body as Partial<AccountsHealthBody>;
  if (Array.isArray(several.accounts)) {
    const mine = several.accounts.find((account) => account.session === session);
    const aside = several.setAside?.find((account) => account.session === session);
    if (mine === undefined) fail(aside?.reason ?? `Session "${session}" is not among the accounts running at ${base}.`, NOT_RUNNING_EXIT_CODE);
    body = mine;
    status = mine.state === "ready" ? 200 : 503;
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(body)}\n`);
  else {
    process.stdout.write(
      [
        `session ${body.session}: ${body.state} (pid ${body.pid}, up ${duration(body.uptimeSeconds)})`,
        `connected ${body.connected ? "yes" : "no"}, caught up ${body.caughtUp ? "yes" : "no"}`,
        `handled ${body.handled}, queued ${body.queued}, running ${body.running}, lag ${body.lagSeconds} s`,
        `metrics ${base}/metrics`,
        "",
      ].join("\n"),
    );
  }
  if (status !== 200) process.exit(1);
});
