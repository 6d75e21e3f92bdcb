import type { Logger } from "../log.js";
import { type CommandSyntax, type ParsedCommand, parseCommand } from "./commands.js";
import { type CommandHelp, type ContextServices, createContext } from "./context.js";
import { ConversationEnded } from "./conversation.js";
import { FloodWaitError } from "./errors.js";
import type { EventContextBase, EventHandler } from "./eventHandlers.js";
import type { RawUpdate, UpdateEvent } from "./events.js";
import { fromSelf } from "./filters.js";
import type { Message } from "./message.js";
import type { Handler, Plugin } from "./plugin.js";

/** The access policy's answer for one handler and message. */
export type AccessDecision = { readonly allow: true } | { readonly allow: false; readonly reason: string };

/** What the access policy is asked about. */
export interface AccessRequest {
  readonly plugin: string;
  readonly handler: Handler;
  readonly message: Message;
}

/** Decides, before a handler runs, whether it may run for this message. */
export type AccessPolicy = (request: AccessRequest) => AccessDecision | Promise<AccessDecision>;

const ALLOW: AccessDecision = { allow: true };

/**
 * Default policy: "owner" handlers run only for the account's own messages, gated handlers never (no gate
 * known), and in user mode commands only for the account's own messages (an access policy may open them).
 */
export const defaultPolicy: AccessPolicy = ({ handler, message }) => {
  if (handler.needs.gate !== undefined) return { allow: false, reason: `no access policy knows gate ${handler.needs.gate}` };
  if (handler.needs.access === "owner" && !fromSelf(message)) return { allow: false, reason: "owner only" };
  if (handler.kind === "command" && message.mode === "user" && !fromSelf(message)) return { allow: false, reason: "user-mode commands are the account's own" };
  return ALLOW;
};

/** A handler selected for a message, with what it matched. */
export interface Route {
  readonly plugin: string;
  readonly handler: Handler;
  /** "plugin/handler", as in logs. */
  readonly name: string;
  readonly command?: ParsedCommand;
  readonly match?: RegExpExecArray;
}

/** Options of the Router. */
export interface RouterOptions {
  readonly plugins: readonly Plugin[];
  readonly syntax: CommandSyntax;
  readonly services: Omit<ContextServices, "prefix" | "commands">;
  /** Access policy (default: defaultPolicy). */
  readonly policy?: AccessPolicy;
  /** Hears each handler that failed (after it is logged), e.g. to count errors. */
  readonly onError?: (handler: string, error: unknown) => void;
}

/** Selects the handlers of a message and runs them in order, each isolated from the others' failures. */
export class Router {
  /** Every registered command, in plugin order. */
  readonly commands: readonly CommandHelp[];
  private readonly entries: readonly { plugin: string; handler: Handler }[];
  private readonly eventEntries: readonly { plugin: string; handler: EventHandler }[];
  private readonly services: ContextServices;
  private readonly policy: AccessPolicy;
  private readonly log: Logger;

  /** Builds the routing table; two plugins claiming one command name is an error. */
  constructor(private readonly options: RouterOptions) {
    this.entries = options.plugins.flatMap((plugin) => plugin.handlers.map((handler) => ({ plugin: plugin.name, handler })));
    this.eventEntries = options.plugins.flatMap((plugin) => (plugin.events ?? []).map((handler) => ({ plugin: plugin.name, handler })));
    this.commands = collectCommands(options.plugins);
    this.services = { ...options.services, prefix: options.syntax.prefix, commands: this.commands };
    this.policy = options.policy ?? defaultPolicy;
    this.log = options.services.log;
  }

  /** Handlers that match the message, in registration order (pure and synchronous). */
  match(message: Message): Route[] {
    const command = this.commandOf(message);
    const routes: Route[] = [];
    for (const { plugin, handler } of this.entries) {
      if (handler.needs.modes !== undefined && !handler.needs.modes.includes(message.mode)) continue;
      if (handler.filter !== undefined && !handler.filter(message)) continue;
      const name = `${plugin}/${handler.name}`;
      if (handler.kind === "command") {
        if (command !== undefined && (command.name === handler.command || handler.aliases.includes(command.name))) {
          routes.push({ plugin, handler, name, command });
        }
      } else if (handler.kind === "pattern") {
        handler.pattern.lastIndex = 0;
        const match = handler.pattern.exec(message.text);
        if (match !== null) routes.push({ plugin, handler, name, match });
      } else {
        routes.push({ plugin, handler, name });
      }
    }
    return routes;
  }

  /** Runs every matching handler that the access policy allows; failures are logged, never thrown. */
  async handle(message: Message): Promise<void> {
    for (const route of this.match(message)) await this.run(route, message);
  }

  /** Whether any plugin has a handler of this kind (the runtime skips the work for kinds nobody handles). */
  handles(kind: string): boolean {
    return this.eventEntries.some(({ handler }) => handler.kind === kind);
  }

  /**
   * Runs the handlers of an event (edited, deleted, chatAction, participant), in registration order. Edits
   * and chat actions carry a message: the access policy decides for them as for onMessage handlers.
   * Failures are logged, never thrown.
   */
  async handleEvent(event: UpdateEvent): Promise<void> {
    const mode = this.services.me.mode;
    for (const { plugin, handler } of this.eventEntries) {
      if (handler.kind !== event.kind) continue;
      if (handler.needs.modes !== undefined && !handler.needs.modes.includes(mode)) continue;
      const name = `${plugin}/${handler.name}`;
      switch (handler.kind) {
        case "edited":
        case "chatAction": {
          if (!(event.kind === "edited" || event.kind === "chatAction") || !handler.filter(event.message)) continue;
          const { message } = event;
          await this.run({ plugin, name, handler: { ...handler, kind: "message" } }, message);
          break;
        }
        case "deleted":
          if (event.kind === "deleted") {
            const { deletion } = event;
            const ctx = this.eventContext(
              name,
              deletion.isCatchUp,
              { chat: deletion.chatId },
              { deletion, chatId: deletion.chatId, messageIds: deletion.messageIds },
            );
            await this.guard({ chat: deletion.chatId, handler: name }, () => handler.run(ctx));
          }
          break;
        case "album":
          if (event.kind === "album" && event.album.messages.some((message) => handler.filter(message))) {
            const { album } = event;
            const [first] = album.messages;
            const caption = album.messages.find((message) => message.text !== "")?.text ?? "";
            const reply = (text: string) => this.services.telegram.sendMessage(album.chatId, text, { replyTo: first.messageId });
            const ctx = this.eventContext(
              name,
              album.isCatchUp,
              { chat: album.chatId },
              { album, messages: album.messages, chatId: album.chatId, caption, reply },
            );
            await this.guard({ chat: album.chatId, handler: name }, async () => {
              const decision = await this.policy({ plugin, handler: { ...handler, kind: "message", run: () => {} }, message: first });
              if (!decision.allow) this.log.debug({ chat: album.chatId, handler: name, reason: decision.reason }, "access denied");
              else await handler.run(ctx);
            });
          }
          break;
        case "participant":
          if (event.kind === "participant") {
            const { participant } = event;
            const ctx = this.eventContext(name, participant.isCatchUp, { chat: participant.chatId }, { participant });
            await this.guard({ chat: participant.chatId, handler: name }, () => handler.run(ctx));
          }
          break;
      }
    }
  }

  /** Runs the raw handlers of an update (with its typed event when one kind covers it). */
  async handleRaw(raw: RawUpdate, event: UpdateEvent | undefined): Promise<void> {
    const mode = this.services.me.mode;
    for (const { plugin, handler } of this.eventEntries) {
      if (handler.kind !== "raw" || (handler.needs.modes !== undefined && !handler.needs.modes.includes(mode))) continue;
      const name = `${plugin}/${handler.name}`;
      const ctx = this.eventContext(name, raw.isCatchUp, { update: raw.className }, { raw, event });
      await this.guard({ update: raw.className, handler: name }, () => handler.run(ctx));
    }
  }

  /** The services every event context offers; its logger is made on first use (most handlers never log). */
  private eventContext<T extends object>(handler: string, isCatchUp: boolean, bindings: Record<string, unknown>, fields: T): EventContextBase & T {
    const { me, telegram, client, log } = this.services;
    let child: Logger | undefined;
    return {
      ...fields,
      me,
      mode: me.mode,
      handler,
      isCatchUp,
      telegram,
      client,
      get log() {
        child ??= log.child({ ...bindings, handler });
        return child;
      },
    };
  }

  private async guard(where: Record<string, unknown>, work: () => unknown): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.logFailure(where, err);
    }
  }

  private logFailure(where: Record<string, unknown>, err: unknown): void {
    if (err instanceof ConversationEnded) {
      this.log.info({ ...where, reason: err.reason }, "conversation ended without an answer");
    } else if (err instanceof FloodWaitError) {
      this.log.warn({ ...where, seconds: err.seconds, method: err.method }, "handler stopped by a flood wait");
    } else {
      this.log.error({ ...where, err }, "handler failed");
      this.options.onError?.(String(where.handler), err);
    }
  }

  private commandOf(message: Message): ParsedCommand | undefined {
    return parseCommand(message.text, this.options.syntax);
  }

  private async run(route: Pick<Route, "plugin" | "handler" | "name" | "command" | "match">, message: Message): Promise<void> {
    const where = { chat: message.chatId, messageId: message.messageId, handler: route.name };
    try {
      const decision = await this.policy({ plugin: route.plugin, handler: route.handler, message });
      if (!decision.allow) {
        this.log.debug({ ...where, reason: decision.reason }, "access denied");
        return;
      }
      const ctx = createContext(message, { handler: route.name, command: route.command, match: route.match }, this.services);
      await route.handler.run(ctx);
    } catch (err) {
      this.logFailure(where, err);
    }
  }
}

function collectCommands(plugins: readonly Plugin[]): CommandHelp[] {
  const owners = new Map<string, string>();
  const commands: CommandHelp[] = [];
  for (const plugin of plugins) {
    for (const handler of plugin.handlers) {
      if (handler.kind !== "command") continue;
      for (const name of [handler.command, ...handler.aliases]) {
        const owner = owners.get(name);
        if (owner !== undefined) throw new Error(`command "${name}" is defined by both plugin ${owner} and plugin ${plugin.name}`);
        owners.set(name, plugin.name);
      }
      const { command, aliases, description, usage } = handler;
      commands.push({ name: command, aliases, description, usage, plugin: plugin.name });
    }
  }
  return commands;
}
