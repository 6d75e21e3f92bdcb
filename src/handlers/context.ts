import type { TelegramClient } from "telegram";
import type { Logger } from "../log.js";
import type { ParsedCommand } from "./commands.js";
import type { AskOptions, ConversationService, Flow } from "./conversation.js";
import type { SendOptions, SentMessage, TelegramGateway } from "./gateway.js";
import type { ChatInfo, Message, RunMode, UserInfo } from "./message.js";

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
  /** The underlying GramJS client, for anything else (bypasses the rate limiter). */
  readonly client: TelegramClient;
  /** Logger bound to this chat and handler. */
  readonly log: Logger;
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
}

/** Why a handler runs: its name and what it matched. */
export interface Trigger {
  readonly handler: string;
  readonly command?: ParsedCommand;
  readonly match?: RegExpExecArray;
}

/** Builds the context a handler receives for one message. */
export function createContext(message: Message, trigger: Trigger, services: ContextServices): Context {
  const { telegram } = services;
  const chatId = message.chatId;
  const reply = (text: string, options?: SendOptions) => telegram.sendMessage(chatId, text, { ...options, replyTo: message.messageId });
  const edit = (text: string, options?: SendOptions) => telegram.editMessage(chatId, message.messageId, text, options);
  const conversations = (): ConversationService => {
    if (services.conversations === undefined) throw new Error("conversations are not enabled in this runtime (startUserbot enables them)");
    return services.conversations;
  };
  return {
    message,
    chat: { id: chatId, type: message.chatType, title: message.chatTitle, username: message.chatUsername },
    sender: message.sender ?? (message.senderId === undefined ? undefined : { id: message.senderId }),
    command: trigger.command,
    args: trigger.command?.args ?? [],
    rawArgs: trigger.command?.rawArgs ?? "",
    match: trigger.match,
    isCatchUp: message.isCatchUp,
    mode: message.mode,
    prefix: services.prefix,
    me: services.me,
    handler: trigger.handler,
    commands: services.commands,
    telegram,
    client: services.client,
    log: services.log.child({ chat: chatId, handler: trigger.handler }),
    reply,
    respond: (text, options) => telegram.sendMessage(chatId, text, options),
    edit,
    answer: (text, options) => (message.mode === "user" && message.out ? edit(text, options) : reply(text, options)),
    getReplyMessage: async () =>
      message.replyToMessageId === undefined ? undefined : telegram.getMessage(chatId, message.replyToMessageId),
    ask: async <T>(question: string, options?: AskOptions<T>) => conversations().ask(message, question, options),
    startFlow: async (flow) => conversations().startFlow(message, flow),
  };
}
