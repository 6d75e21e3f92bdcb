import type { TelegramClient } from "telegram";
import type { Logger } from "../log.js";
import type { ParsedCommand } from "./commands.js";
import type { AskOptions, ConversationService, Flow } from "./conversation.js";
import type { SendOptions, SentMessage, TelegramGateway } from "./gateway.js";
import type { ChatInfo, Message, RunMode, UserInfo } from "./message.js";
import type { KeyValueStore, PluginDataService } from "./pluginStore.js";

/** The logged-in account as handlers see it. */
export interface Me {
  readonly id: string;
  /** Username without "@" (a bot always has one). */
  readonly username?: string;
  readonly mode: RunMode;
}

/** A command as `help` lists it. */
export interface CommandHelp {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly description: string;
  /** Argument synopsis, e.g. "[@username | id]". */
  readonly usage?: string;
  /** Name of the plugin that defines it. */
  readonly plugin: string;
}

/** What a handler receives: the message, shortcuts to answer it, and the services behind them. */
export interface Context {
  readonly message: Message;
  readonly chat: ChatInfo;
  /** The sender, when there is one (not for anonymous channel posts). */
  readonly sender: UserInfo | undefined;
  /** The parsed command, for command handlers. */
  readonly command: ParsedCommand | undefined;
  /** Command arguments (empty for other handlers). */
  readonly args: readonly string[];
  /** Command arguments as one unsplit string. */
  readonly rawArgs: string;
  /** The regular-expression match, for pattern handlers. */
  readonly match: RegExpExecArray | undefined;
  /** True when the message was fetched by update catch-up rather than received live. */
  readonly isCatchUp: boolean;
  readonly mode: RunMode;
  /** Prefix that starts a command in this mode ("." or "/"). */
  readonly prefix: string;
  readonly me: Me;
  /** "plugin/handler" name of the running handler, as it appears in logs. */
  readonly handler: string;
  /** Every registered command, for help. */
  readonly commands: readonly CommandHelp[];
  /** The Telegram operations the runtime offers, already rate-limited and flood-wait aware. */
  readonly telegram: TelegramGateway;
  /**
   * The underlying GramJS client, for anything else: it bypasses the rate limiter, but its calls follow the
   * flood-wait policy (short FLOOD_WAITs slept through, long ones raise FloodWaitError).
   */
  readonly client: TelegramClient;
  /** Logger bound to this chat and handler. */
  readonly log: Logger;
  /** This plugin's key-value store in the session database (JSON values, transactions). */
  readonly store: KeyValueStore;
  /** This plugin's settings: `plugins.<name>` of automations.yaml (undefined when absent). */
  readonly settings: unknown;
  /** Sends text to this chat as a reply to the message. */
  reply(text: string, options?: SendOptions): Promise<SentMessage>;
  /** Sends text to this chat without replying. */
  respond(text: string, options?: SendOptions): Promise<SentMessage>;
  /** Replaces the text of the message (only possible for messages the account may edit). */
  edit(text: string, options?: SendOptions): Promise<SentMessage>;
  /** Answers the way the mode expects: edits the account's own command in user mode, replies otherwise. */
  answer(text: string, options?: SendOptions): Promise<SentMessage>;
  /** Fetches the message this one replies to, if any. */
  getReplyMessage(): Promise<Message | undefined>;
  /**
   * Asks the sender a question in this chat and resolves with their next message there, validated;
   * rejects with ConversationEnded on timeout, /cancel, too many refused answers or shutdown.
   */
  ask<T = string>(question: string, options?: AskOptions<T>): Promise<T>;
  /** Starts a multi-step conversation (defineFlow) with the sender in this chat; its state is saved, so a restart resumes it. */
  startFlow(flow: Flow): Promise<void>;
}

/** Services shared by every context of a runtime. */
export interface ContextServices {
  readonly telegram: TelegramGateway;
  readonly client: TelegramClient;
  readonly log: Logger;
  readonly me: Me;
  readonly prefix: string;
  readonly commands: readonly CommandHelp[];
  /** Runs ctx.ask and ctx.startFlow; without it they fail (conversations need the runtime's extension). */
  readonly conversations?: ConversationService;
  /** Gives ctx.store and ctx.settings (the automations feature offers it). */
  readonly pluginData?: PluginDataService;
}

/** Why a handler runs: its name and what it matched. */
export interface Trigger {
  readonly handler: string;
  readonly command?: ParsedCommand;
  readonly match?: RegExpExecArray;
}

/** The plugin of a "plugin/handler" name. */
function pluginOf(handler: string): string {
  return handler.slice(0, handler.indexOf("/"));
}

function pluginDataOf(services: ContextServices): PluginDataService {
  if (services.pluginData === undefined) throw new Error("ctx.store and ctx.settings need the automations extension (npm start has it)");
  return services.pluginData;
}

/** Builds the context a handler receives for one message. */
export function createContext(message: Message, trigger: Trigger, services: ContextServices): Context {
  return new MessageContext(message, trigger, services);
}

/**
 * One message's context. A class rather than an object of closures: a context is built for every handler
 * run, so its methods live on the prototype and its logger is made on first use.
 */
class MessageContext implements Context {
  readonly chat: ChatInfo;
  readonly sender: UserInfo | undefined;
  private childLog: Logger | undefined;

  constructor(
    readonly message: Message,
    private readonly trigger: Trigger,
    private readonly services: ContextServices,
  ) {
    this.chat = { id: message.chatId, type: message.chatType, title: message.chatTitle, username: message.chatUsername };
    this.sender = message.sender ?? (message.senderId === undefined ? undefined : { id: message.senderId });
  }

  get command(): ParsedCommand | undefined {
    return this.trigger.command;
  }
  get args(): readonly string[] {
    return this.trigger.command?.args ?? [];
  }
  get rawArgs(): string {
    return this.trigger.command?.rawArgs ?? "";
  }
  get match(): RegExpExecArray | undefined {
    return this.trigger.match;
  }
  get handler(): string {
    return this.trigger.handler;
  }
  get isCatchUp(): boolean {
    return this.message.isCatchUp;
  }
  get mode(): RunMode {
    return this.message.mode;
  }
  get prefix(): string {
    return this.services.prefix;
  }
  get me(): Me {
    return this.services.me;
  }
  get commands(): readonly CommandHelp[] {
    return this.services.commands;
  }
  get telegram(): TelegramGateway {
    return this.services.telegram;
  }
  get client(): TelegramClient {
    return this.services.client;
  }
  get store(): KeyValueStore {
    return pluginDataOf(this.services).store(pluginOf(this.trigger.handler));
  }
  get settings(): unknown {
    return pluginDataOf(this.services).settings(pluginOf(this.trigger.handler));
  }
  get log(): Logger {
    this.childLog ??= this.services.log.child({ chat: this.message.chatId, handler: this.trigger.handler });
    return this.childLog;
  }

  reply(text: string, options?: SendOptions): Promise<SentMessage> {
    return this.telegram.sendMessage(this.message.chatId, text, { ...options, replyTo: this.message.messageId });
  }
  respond(text: string, options?: SendOptions): Promise<SentMessage> {
    return this.telegram.sendMessage(this.message.chatId, text, options);
  }
  edit(text: string, options?: SendOptions): Promise<SentMessage> {
    return this.telegram.editMessage(this.message.chatId, this.message.messageId, text, options);
  }
  answer(text: string, options?: SendOptions): Promise<SentMessage> {
    return this.message.mode === "user" && this.message.out ? this.edit(text, options) : this.reply(text, options);
  }
  async getReplyMessage(): Promise<Message | undefined> {
    const { replyToMessageId } = this.message;
    return replyToMessageId === undefined ? undefined : this.telegram.getMessage(this.message.chatId, replyToMessageId);
  }
  async ask<T = string>(question: string, options?: AskOptions<T>): Promise<T> {
    return this.conversations().ask(this.message, question, options);
  }
  async startFlow(flow: Flow): Promise<void> {
    return this.conversations().startFlow(this.message, flow);
  }

  private conversations(): ConversationService {
    if (this.services.conversations === undefined) throw new Error("conversations are not enabled in this runtime (startUserbot enables them)");
    return this.services.conversations;
  }
}
