/**
 * Several accounts in one process (`npm start -- --session a --session b`, or SESSIONS=a,b): each runs as
 * `npm start` runs one (its own sessions/NAME.db, update state, access control and conversations), its log
 * lines carrying its sessionName, all behind one METRICS_PORT. An account that fails (a revoked session, at
 * the start or later) is set aside with its one line and the others keep running; stop() stops them all.
 */
import { UserError } from "../errors.js";
import type { Logger } from "../log.js";
import { createMetricsHub } from "../metrics/hub.js";
import type { Runtime } from "../runtime/index.js";
import type { SessionStore } from "../telegram/sessionStore.js";
import type { Config } from "./config.js";
import { startUserbot, type UserbotOptions } from "./userbot.js";

/** How one account ended: it ran until asked to stop, or was set aside (and the line saying why). */
export type AccountOutcome = { readonly sessionName: string } & ({ readonly ended: "stopped" } | { readonly ended: "set-aside"; readonly reason: string });

/** The accounts of the process. */
export interface Accounts {
  readonly log: Logger;
  /** The accounts running now. */
  running(): readonly Runtime[];
  /** Resolves once every account has ended (stopped or set aside), in the order they were named. */
  readonly ended: Promise<readonly AccountOutcome[]>;
  /** Stops every running account gracefully (idempotent). */
  stop(): Promise<readonly AccountOutcome[]>;
}

/** What startAccounts needs. */
export interface AccountsOptions extends Pick<UserbotOptions, "plugins" | "drainTimeoutMs" | "sessionCheckMs" | "automations"> {
  readonly config: Config;
  readonly store: SessionStore;
  readonly sessionNames: readonly string[];
  readonly log: Logger;
  /** The local socket each session's scripts reach it on (its lock's; none: no scripts served). */
  readonly socketPathOf?: (sessionName: string) => string | undefined;
}

/**
 * Starts every account at once and resolves once each is running or set aside. Throws only when none could
 * start: a UserError when each failed for a reason the user can fix (one line per account was logged).
 */
export async function startAccounts(options: AccountsOptions): Promise<Accounts> {
  const hub = createMetricsHub(options.config.metrics, { several: true });
  const running = new Set<Runtime>();
  const setAside = (sessionName: string, log: Logger, error: unknown): AccountOutcome => {
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof UserError) log.error(`${reason} (the other accounts keep running)`);
    else log.error({ err: error }, "the account stopped on an unexpected error; the other accounts keep running");
    hub.setAside(sessionName, reason);
    return { sessionName, ended: "set-aside", reason };
  };
  const started = await Promise.all(
    options.sessionNames.map(async (sessionName) => {
      const log = options.log.child({ sessionName });
      try {
        const runtime = await startUserbot({ ...options, sessionName, log, metricsHub: hub, socketPath: options.socketPathOf?.(sessionName) });
        running.add(runtime);
        const outcome = runtime.stopped.then((result): AccountOutcome => {
          running.delete(runtime);
          return result.error === undefined ? { sessionName, ended: "stopped" } : setAsideQuietly(sessionName, result.error.message);
        });
        return { ok: true as const, outcome };
      } catch (error) {
        return { ok: false as const, error, outcome: Promise.resolve(setAside(sessionName, log, error)) };
      }
    }),
  );
  // A revoked runtime logged its own line when it stopped: only record it.
  function setAsideQuietly(sessionName: string, reason: string): AccountOutcome {
    hub.setAside(sessionName, reason);
    return { sessionName, ended: "set-aside", reason };
  }
  const failures = started.filter((account) => !account.ok);
  if (failures.length === started.length) {
    await Promise.all(started.map((account) => account.outcome));
    const fixable = failures.every((failure) => failure.error instanceof UserError);
    throw new UserError(
      `None of the ${started.length} accounts could start (${options.sessionNames.join(", ")}): see the line logged for each.`,
      fixable ? 2 : 1,
    );
  }
  const ended = Promise.all(started.map((account) => account.outcome));
  return {
    log: options.log,
    running: () => [...running],
    ended,
    async stop() {
      await Promise.all([...running].map((runtime) => runtime.stop()));
      return ended;
    },
  };
}
