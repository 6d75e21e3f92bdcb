/**
 * The userbot runtime `npm start` runs, usable in-process by tests and the demo: config → saved session →
 * connected GramJS client → the account → plugins, router and dispatcher → update intake; then a "ready"
 * log line. `stop()` shuts down gracefully: no new updates, running handlers finish (bounded), resources
 * close, the client disconnects.
 *
 * The path of an update, file by file: GramJS's connection → telegram/updateSource.ts (update containers,
 * call results, connection changes) → updates/intake.ts → updates/manager.ts (pts / qts / seq order, gaps,
 * catch-up, exactly-once) → each extension's onUpdate, and new messages read by telegram/convert.ts →
 * extensions' interceptMessage → updates/dispatcher.ts (per-chat order, cross-chat concurrency) →
 * handlers/router.ts (access policy, commands, filters) → the plugin's handler, whose calls go through
 * telegram/guardGateway.ts (rate limiter, flood waits) → telegram/gramjsGateway.ts → GramJS.
 */
import { Api, type TelegramClient } from "telegram";
import { commandSyntax } from "../handlers/commands.js";
import type { Me } from "../handlers/context.js";
import { chatOfEvent, type RawUpdate, type UpdateEvent } from "../handlers/events.js";
import type { Message } from "../handlers/message.js";
import type { Plugin } from "../handlers/plugin.js";
import { loadPlugins } from "../handlers/registry.js";
import { type AccessPolicy, Router } from "../handlers/router.js";
import { createLogger, type Logger, secrets } from "../log.js";
import { configSecrets } from "../telegram/config.js";
import { PeerDirectory } from "../telegram/convert.js";
import { isDuplicatedError, isRevokedError } from "../telegram/errors.js";
import { eventOf, rawEventOf } from "../telegram/events.js";
import { floodAwareClient } from "../telegram/floodClient.js";
import type { FloodWaitPolicy } from "../telegram/floodWait.js";
import { GramjsGateway } from "../telegram/gramjsGateway.js";
import { guardGateway } from "../telegram/guardGateway.js";
import { RateLimiter } from "../telegram/rateLimiter.js";
import { chooseSessionName, openSession } from "../telegram/session.js";
import { type SessionError, SessionStore } from "../telegram/sessionStore.js";
import { gramjsUpdateSource } from "../telegram/updateSource.js";
import { Dispatcher, type DrainResult } from "../updates/dispatcher.js";
import { startIntake } from "../updates/intake.js";
import type { UpdateStateStore } from "../updates/stateStore.js";
import { AlbumCollector } from "./albums.js";
import type { RuntimeConfig } from "./config.js";
import type { ExtendFunction, RuntimeExtension } from "./extension.js";
import { unknownCommandPlugin } from "./unknownCommand.js";

/** How long stop() lets running handlers finish by default. */
export const DEFAULT_DRAIN_MS = 10_000;

/**
 * How often the runtime asks Telegram whether its session is still signed in by default. A revoked
 * session gets no more updates, so without asking it would sit idle; handlers' own calls notice sooner.
 */
export const DEFAULT_SESSION_CHECK_MS = 5 * 60_000;

/** Something the runtime closes when it stops (e.g. a database). */
export interface Closeable {
  close(): void | Promise<void>;
}

/** What startRuntime needs; only `config` is required. */
export interface RuntimeOptions {
  readonly config: RuntimeConfig;
  /** Session to run on (default: chooseSessionName's choice). */
  readonly sessionName?: string;
  /** Where sessions are saved (default: ./sessions). */
  readonly store?: SessionStore;
  /** Plugins to run (default: every module under src/plugins/). */
  readonly plugins?: readonly Plugin[];
  /** Logger (default: one built from config.log). */
  readonly log?: Logger;
  /** Access policy (default: the router's). */
  readonly policy?: AccessPolicy;
  /** How long stop() waits for running handlers (default DEFAULT_DRAIN_MS). */
  readonly drainTimeoutMs?: number;
  /** How often to check that the session is still signed in (default DEFAULT_SESSION_CHECK_MS). */
  readonly sessionCheckMs?: number;
  /** Closed, in order, when the runtime stops (e.g. the session database). */
  readonly closeables?: readonly Closeable[];
  /** Where the update state and handled messages are kept, in the session database (default: memory, so every start is a first start). */
  readonly updateState?: UpdateStateStore;
  /**
   * How long a chat may go without updates before its difference is fetched (default 15 minutes); 0 makes
   * every catch-up fetch every saved channel, as catch-up did before (the catch-up benchmark compares both).
   */
  readonly silenceMs?: number;
  /** Called with the runtime just before it logs "ready" (e.g. to route signals to it). */
  readonly onReady?: (runtime: Runtime) => void;
  /** Builds the extensions, in order, once signed in and before the first update is taken. */
  readonly extend?: ExtendFunction | readonly ExtendFunction[];
}

/** How the runtime ended. */
export interface StopResult {
  /** Why it stopped: "stop" when asked to, "revoked" when Telegram revoked the session. */
  readonly reason: "stop" | "revoked";
  readonly drain: DrainResult;
  /** The message to show when the session was revoked. */
  readonly error?: SessionError;
}

/** Called after every handled message with the time its handlers took. */
export type HandledListener = (message: Message, ms: number) => void;

/** A started runtime. */
export interface Runtime {
  readonly me: Me;
  readonly sessionName: string;
  readonly client: TelegramClient;
  readonly log: Logger;
  /** Milliseconds from startRuntime's call to ready. */
  readonly startupMs: number;
  /** Resolves once the runtime has stopped, by stop() or because the session was revoked. */
  readonly stopped: Promise<StopResult>;
  /** Resolves once the start's catch-up handed every missed message to the handlers (at a first start: once the update state is recorded). */
  readonly caughtUp: Promise<void>;
  /** Registers a listener for handled messages; returns the function that removes it. */
  onHandled(listener: HandledListener): () => void;
  /** Counts: messages received, handled, duplicates skipped, running and queued. */
  stats(): RuntimeStats;
  /** Whether the runtime is connected and caught up, or stopping. */
  health(): RuntimeHealth;
  /** Asks Telegram whether the session is still signed in (updates.getState); false, and the runtime stops, when it was revoked. */
  checkSession(): Promise<boolean>;
  /** Stops gracefully (idempotent). */
  stop(): Promise<StopResult>;
}

/** Runtime counters. */
export interface RuntimeStats {
  readonly received: number;
  readonly handled: number;
  /** Messages delivered again (live and in a difference, or after a crash) and not handled twice. */
  readonly duplicates: number;
  readonly running: number;
  readonly queued: number;
}

/** The runtime's state as a health check reads it: healthy when connected, caught up and not stopping. */
export interface RuntimeHealth {
  readonly connected: boolean;
  /** False until the start's catch-up is done, while disconnected, and while a catch-up after a reconnection runs. */
  readonly caughtUp: boolean;
  readonly stopping: boolean;
}

/** Starts the runtime and resolves once it is ready to handle messages (plugins load while the client connects). */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const started = performance.now();
  const { config } = options;
  secrets.add(...configSecrets(config));
  const log = options.log ?? createLogger({ level: config.log.level, format: config.log.format });
  const store = options.store ?? new SessionStore();
  const sessionName = options.sessionName ?? chooseSessionName(config, undefined);
  const [loaded, opened] = await Promise.allSettled([
    options.plugins ?? loadPlugins(config.pluginsDir).then((modules) => modules.map((module) => module.plugin)),
    openSession(config, store, sessionName, log),
  ]);
  if (opened.status === "rejected") throw opened.reason;
  const { client, user } = opened.value;
  try {
    if (loaded.status === "rejected") throw loaded.reason;
    return await assemble({ ...options, log, store, sessionName, client, user, plugins: loaded.value, started });
  } catch (error) {
    await client.destroy();
    throw error;
  }
}

interface Parts extends RuntimeOptions {
  readonly log: Logger;
  readonly store: SessionStore;
  readonly sessionName: string;
  readonly client: TelegramClient;
  readonly user: Api.User;
  readonly plugins: readonly Plugin[];
  readonly started: number;
}

async function assemble(parts: Parts): Promise<Runtime> {
  const { config, log, store, sessionName, client, user, plugins } = parts;
  const mode = user.bot === true ? "bot" : "user";
  const me: Me = { id: user.id.toString(), username: user.username ?? undefined, mode };
  const context = { mode, selfId: me.id, directory: new PeerDirectory(me.id) } as const;
  context.directory.note([user]);

  let revoked: SessionError | undefined;
  /** Set once the runtime is assembled; a revocation noticed before that stops it right after. */
  let stopOnRevoked: (() => void) | undefined;
  const onRevoked = (error?: unknown) => {
    if (revoked !== undefined) return;
    revoked = store.revoked(sessionName, isDuplicatedError(error));
    log.error({ sessionName }, revoked.message);
    stopOnRevoked?.();
  };
  const raw = new GramjsGateway(client, context, onRevoked);
  const checkSession = async (): Promise<boolean> => {
    try {
      // The answer is also the periodic check of the update state: what it shows is missing is fetched.
      intake.checkState(await client.invoke(new Api.updates.GetState()));
      return true;
    } catch (error) {
      if (!isRevokedError(error)) {
        log.warn({ err: error }, "could not check the session; will try again");
        return true;
      }
      onRevoked(error);
      return false;
    }
  };
  const flood: FloodWaitPolicy = {
    maxSleepSeconds: config.flood.maxSleepSeconds,
    maxRetries: config.flood.maxRetries,
    onWait: ({ method, seconds, attempt }) => log.warn({ method, seconds, attempt }, "flood wait: sleeping before retrying"),
  };
  const telegram = guardGateway(raw, { limiter: new RateLimiter(config.rateLimits), flood });
  const extensions: RuntimeExtension[] = [];
  for (const extend of [parts.extend ?? []].flat()) extensions.push(await extend({ config, client, me, telegram, log, plugins }));
  const syntax = commandSyntax(mode, { userPrefix: config.commandPrefix, botUsername: me.username });
  const router = new Router({
    plugins: [...plugins, unknownCommandPlugin(plugins, syntax)],
    syntax,
    services: {
      telegram,
      client: floodAwareClient(client, flood),
      log,
      me,
      conversations: extensions.find((extension) => extension.conversations)?.conversations,
      pluginData: extensions.find((extension) => extension.pluginData)?.pluginData,
    },
    policy: parts.policy ?? extensions.find((extension) => extension.policy)?.policy,
    onError: (handler, error) => {
      for (const extension of extensions) extension.onHandlerError?.(handler, error);
    },
  });

  const rawHandlers = router.handles("raw");
  const listeners = new Set<HandledListener>();
  let connected = true;
  let handled = 0;
  /** A new message, another event, or a raw update for onRaw handlers, queued behind its chat's earlier ones. */
  type Work =
    | { readonly message: Message; readonly done: () => void }
    | { readonly event: UpdateEvent; readonly done: () => void }
    | { readonly raw: RawUpdate; readonly typed: UpdateEvent | undefined; readonly key: string };
  const dispatcher = new Dispatcher<Work>({
    keyOf: (work) => ("message" in work ? work.message.chatId : "event" in work ? (chatOfEvent(work.event) ?? "deleted") : work.key),
    process: async (work) => {
      if ("raw" in work) return router.handleRaw(work.raw, work.typed);
      if ("event" in work) {
        try {
          await router.handleEvent(work.event);
        } finally {
          work.done();
        }
        return;
      }
      const { message, done } = work;
      const begun = performance.now();
      try {
        await router.handle(message);
      } finally {
        done();
      }
      handled += 1;
      const ms = performance.now() - begun;
      for (const listener of listeners) listener(message, ms);
    },
    log,
    concurrency: config.dispatch.concurrency,
    maxQueuePerKey: config.dispatch.queuePerChat,
    slowAfterMs: config.dispatch.slowHandlerMs,
  });
  const albums = router.handles("album") ? new AlbumCollector((album, done) => dispatcher.push({ event: { kind: "album", album }, done })) : undefined;
  const intake = startIntake(gramjsUpdateSource(client, context), {
    store: parts.updateState,
    silenceMs: parts.silenceMs,
    catchUp: config.catchUp,
    log: log.child({ module: "updates" }),
    writable: () => dispatcher.whenWritable(),
    onUpdate: (update, catchUp) => {
      for (const extension of extensions) extension.onUpdate?.(update);
      if (rawHandlers && "className" in update) {
        const typed = eventOf(update as Api.TypeUpdate, context, catchUp);
        const key = (typed === undefined ? undefined : chatOfEvent(typed)) ?? "raw";
        dispatcher.push({ raw: rawEventOf(update as Api.TypeUpdate, catchUp), typed, key });
      }
    },
    onEvent: (event, done) => {
      if (router.handles(event.kind)) dispatcher.push({ event, done });
      else done();
    },
    onEntities: (entities) => {
      for (const extension of extensions) extension.onEntities?.(entities);
    },
    onError: (err, update) => log.error({ err, update }, "an update could not be read; skipped"),
    onMessage: (message, done) => {
      if (extensions.some((extension) => extension.interceptMessage?.(message) === true)) return done();
      dispatcher.push({ message, done: albums === undefined ? done : albums.add(message, done) });
    },
    onConnection: (state) => {
      connected = state === "connected";
      if (connected) log.info("connected to Telegram");
      else log.warn({ state }, "connection to Telegram lost; reconnecting");
      for (const extension of extensions) extension.onConnection?.(state);
    },
  });

  let resolveStopped: (result: StopResult) => void = () => {};
  const stopped = new Promise<StopResult>((resolve) => {
    resolveStopped = resolve;
  });
  const sessionTimer = setInterval(() => void checkSession(), parts.sessionCheckMs ?? DEFAULT_SESSION_CHECK_MS);
  sessionTimer.unref();
  let stopping: Promise<StopResult> | undefined;
  const stop = (): Promise<StopResult> => {
    stopping ??= (async () => {
      log.info("stopping: no new updates; waiting for running handlers");
      clearInterval(sessionTimer);
      intake.stop();
      albums?.flushAll();
      for (const extension of extensions) extension.stopping?.();
      const drain = await dispatcher.drain(parts.drainTimeoutMs ?? DEFAULT_DRAIN_MS);
      if (!drain.completed) log.warn({ running: drain.running }, "handlers still running at the drain deadline; stopping anyway");
      const closeables: Closeable[] = [...extensions.reverse().map((extension) => ({ close: () => extension.close?.() })), ...(parts.closeables ?? [])];
      for (const closeable of closeables) {
        try {
          await closeable.close();
        } catch (err) {
          log.error({ err }, "closing a resource failed");
        }
      }
      await client.destroy();
      const result: StopResult = revoked === undefined ? { reason: "stop", drain } : { reason: "revoked", drain, error: revoked };
      log.info({ handled, abandoned: drain.abandoned }, "stopped");
      resolveStopped(result);
      return result;
    })();
    return stopping;
  };

  const startupMs = Math.round(performance.now() - parts.started);
  const runtime: Runtime = {
    me,
    sessionName,
    client,
    log,
    startupMs,
    stopped,
    caughtUp: intake.caughtUp,
    onHandled(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stats() {
      const counts = dispatcher.stats();
      const taken = intake.stats();
      return { received: taken.received, handled, duplicates: taken.duplicates, running: counts.running, queued: counts.queued };
    },
    health: () => ({ connected, caughtUp: connected && !intake.catchingUp(), stopping: stopping !== undefined }),
    checkSession,
    stop,
  };
  stopOnRevoked = () => void stop();
  if (revoked !== undefined) stopOnRevoked();
  parts.onReady?.(runtime);
  log.info(
    { account: me.username === undefined ? me.id : `@${me.username}`, mode, sessionName, plugins: plugins.length, commands: router.commands.length, startupMs },
    "ready",
  );
  return runtime;
}
