/**
 * How a script (`npm run send`, `npm run confirm`) reaches Telegram: through the `npm start` running for the
 * session when there is one (one connection per session: Telegram sends an authorization's updates to its
 * last active connection only, https://core.telegram.org/api/updates#subscribing-to-updates), else on its own
 * connection. An npm start that holds the session's lock but does not listen yet (still connecting) is waited
 * for rather than raced, and one begun while the script runs on its own takes it over (handover.ts).
 */
import type { LogConfig } from "../log.js";
import { directPort } from "../send/directPort.js";
import type { ScriptPort } from "../send/port.js";
import { openScriptSession } from "../send/scriptSession.js";
import type { TelegramConfig } from "../telegram/config.js";
import type { SessionStore } from "../telegram/sessionStore.js";
import { connectBridge } from "./client.js";
import { handoverPort } from "./handover.js";
import { lockHolder, sessionFiles } from "./lock.js";

/** How long a script waits for a starting npm start to listen. */
const STARTING_WAIT_MS = 60_000;
const RETRY_MS = 100;

/** The running npm start's port, waiting while it starts; undefined when none runs for the session. */
export async function runningNpmStart(
  dir: string,
  sessionName: string,
  options: { readonly waitMs?: number; readonly handover?: boolean } = {},
): Promise<ScriptPort | undefined> {
  const { socket } = sessionFiles(dir, sessionName);
  const until = Date.now() + (options.waitMs ?? STARTING_WAIT_MS);
  for (;;) {
    if (lockHolder(dir, sessionName) === undefined) return undefined;
    const port = await connectBridge(socket, { handover: options.handover });
    if (port !== undefined) return port;
    if (Date.now() > until) return undefined;
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

/** A script's way to Telegram for the session: npm start's if it runs, else the script's own connection. */
export async function openScriptPort(config: TelegramConfig & { readonly log: LogConfig }, store: SessionStore, sessionName: string): Promise<ScriptPort> {
  const running = await runningNpmStart(store.dir, sessionName);
  if (running !== undefined) return running;
  const session = await openScriptSession(config, store, sessionName);
  // An npm start begun meanwhile takes over: the script moves to it (handover.ts).
  return handoverPort(directPort({ ...session, close: () => session.close() }), {
    npmStartRuns: () => lockHolder(store.dir, sessionName) !== undefined,
    connect: () => runningNpmStart(store.dir, sessionName, { handover: true }),
  });
}
