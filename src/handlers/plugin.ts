import type { CallbackHandler } from "./callback.js";
import type { Flow } from "./conversation.js";
import { type EventHandler, isEventHandler } from "./eventHandlers.js";
import type { Filter } from "./filters.js";
import type { HandlerFn, HandlerNeeds } from "./needs.js";
import type { ScheduledJob } from "./schedule.js";

interface HandlerBase {
  /** Name within its plugin, for logs. */
  readonly name: string;
  readonly needs: HandlerNeeds;
  /** Extra condition the message must satisfy. */
  readonly filter?: Filter;
  readonly run: HandlerFn;
}

/** Runs on a command (".name" in user mode, "/name" in bot mode). */
export interface CommandHandler extends HandlerBase {
  readonly kind: "command";
  readonly command: string;
  readonly aliases: readonly string[];
  readonly description: string;
  readonly usage?: string;
}

/** Runs on every message the filter accepts. */
export interface MessageHandler extends HandlerBase {
  readonly kind: "message";
  readonly filter: Filter;
}

/** Runs on messages whose text matches a regular expression. */
export interface PatternHandler extends HandlerBase {
  readonly kind: "pattern";
  readonly pattern: RegExp;
}

/** Any message handler. */
export type Handler = CommandHandler | MessageHandler | PatternHandler;

/** A feature: a named set of handlers, the default export of a module under src/plugins/. */
export interface Plugin {
  readonly name: string;
  readonly description?: string;
  readonly handlers: readonly Handler[];
  /** Its inline-button handlers (onCallback, bot mode). */
  readonly callbacks?: readonly CallbackHandler[];
  /** Its multi-step conversations (defineFlow), known to the runtime so that a restart resumes them. */
  readonly flows?: readonly Flow[];
  /** Its handlers of edits, deletions, chat actions, participant changes and raw updates (listed in `handlers` of definePlugin). */
  readonly events?: readonly EventHandler[];
  /** Its scheduled jobs (schedule()), run by the automations feature. */
  readonly jobs?: readonly ScheduledJob[];
}

/** Options of `command`. */
export interface CommandOptions {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly description?: string;
  readonly usage?: string;
  readonly filter?: Filter;
  readonly needs?: HandlerNeeds;
}

/** Options of `onMessage` and `onPattern`. */
export interface HandlerOptions {
  /** Name for logs (default: kind and position, e.g. "message1"). */
  readonly name?: string;
  /** Extra condition (onPattern only; onMessage takes its filter as first argument). */
  readonly filter?: Filter;
  readonly needs?: HandlerNeeds;
}

const COMMAND_NAME = /^[a-z][a-z0-9_]{0,31}$/;
const PLUGIN_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

/** Declares a command handler; names are 1-32 lower-case letters, digits or "_", starting with a letter. */
export function command(spec: string | CommandOptions, run: HandlerFn): CommandHandler {
  const options: CommandOptions = typeof spec === "string" ? { name: spec } : spec;
  const aliases = options.aliases ?? [];
  for (const name of [options.name, ...aliases]) {
    if (!COMMAND_NAME.test(name)) {
      throw new Error(`invalid command name ${JSON.stringify(name)}: use 1-32 lower-case letters, digits or "_", starting with a letter`);
    }
  }
  return {
    kind: "command",
    name: options.name,
    command: options.name,
    aliases,
    description: options.description ?? "",
    usage: options.usage,
    filter: options.filter,
    needs: options.needs ?? {},
    run,
  };
}

/** Declares a handler for every message the filter accepts. */
export function onMessage(filter: Filter, run: HandlerFn, options: Omit<HandlerOptions, "filter"> = {}): MessageHandler {
  return { kind: "message", name: options.name ?? "", filter, needs: options.needs ?? {}, run };
}

/** Declares a handler for messages whose text matches the pattern; ctx.match holds the match. */
export function onPattern(pattern: RegExp, run: HandlerFn, options: HandlerOptions = {}): PatternHandler {
  return { kind: "pattern", name: options.name ?? "", pattern, filter: options.filter, needs: options.needs ?? {}, run };
}

/**
 * Declares a plugin; unnamed handlers get "message1", "pattern2", "edited3", "callback1"... and duplicate
 * names are an error. `handlers` lists message handlers (command, onMessage, onPattern) and event handlers
 * (onEdited, onDeleted, onChatAction, onParticipant, onRaw) alike.
 *
 * @example
 * export default definePlugin({ name: "log", handlers: [onEdited(filters.any, (ctx) => ctx.log.info(ctx.message.text))] });
 */
export function definePlugin(spec: {
  name: string;
  description?: string;
  handlers: readonly (Handler | EventHandler)[];
  callbacks?: readonly CallbackHandler[];
  flows?: readonly Flow[];
  jobs?: readonly ScheduledJob[];
}): Plugin {
  if (!PLUGIN_NAME.test(spec.name)) {
    throw new Error(`invalid plugin name ${JSON.stringify(spec.name)}: use letters, digits, "-" or "_"`);
  }
  const seen = new Set<string>();
  const named = spec.handlers.map((handler, index) => {
    const withName = handler.name === "" ? { ...handler, name: `${handler.kind}${index + 1}` } : handler;
    if (seen.has(withName.name)) throw new Error(`plugin ${spec.name}: two handlers are named ${JSON.stringify(withName.name)}`);
    seen.add(withName.name);
    return Object.freeze(withName);
  });
  const handlers = named.filter((handler): handler is Handler => !isEventHandler(handler));
  const events = named.filter(isEventHandler);
  const callbacks = (spec.callbacks ?? []).map((handler, index) => {
    const withName = handler.name === "" ? { ...handler, name: `callback${index + 1}` } : handler;
    if (seen.has(withName.name)) throw new Error(`plugin ${spec.name}: two handlers are named ${JSON.stringify(withName.name)}`);
    seen.add(withName.name);
    return Object.freeze(withName);
  });
  const jobNames = new Set<string>();
  for (const job of spec.jobs ?? []) {
    if (jobNames.has(job.name)) throw new Error(`plugin ${spec.name}: two jobs are named ${JSON.stringify(job.name)}`);
    jobNames.add(job.name);
  }
  const extras = {
    ...(callbacks.length > 0 && { callbacks: Object.freeze(callbacks) }),
    ...(spec.flows !== undefined && { flows: Object.freeze([...spec.flows]) }),
    ...(events.length > 0 && { events: Object.freeze(events) }),
    ...(spec.jobs !== undefined && spec.jobs.length > 0 && { jobs: Object.freeze([...spec.jobs]) }),
  };
  return Object.freeze({ name: spec.name, description: spec.description, handlers: Object.freeze(handlers), ...extras });
}

/** True when a value has the shape definePlugin returns (used to check plugin modules). */
export function isPlugin(value: unknown): value is Plugin {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as Partial<Plugin>;
  return typeof candidate.name === "string" && Array.isArray(candidate.handlers);
}
