import type { InlineKeyboard } from "./keyboard.js";
import type { Message, UserInfo } from "./message.js";

/** Options for sending or editing a message. */
export interface SendOptions {
  /** Id of the message to reply to, in the same chat. */
  readonly replyTo?: number;
  /** How to read formatting in the text; plain text when absent. */
  readonly parseMode?: "html" | "markdown";
  /** Whether Telegram may show a link preview (default: Telegram's choice). */
  readonly linkPreview?: boolean;
  /** Inline buttons under the message (bot mode); on an edit, an empty keyboard removes the buttons. */
  readonly keyboard?: InlineKeyboard;
  /**
   * Bot mode: have Telegram's apps open a reply to this message (force_reply), for the person it replies to
   * only when `replyTo` is set (selective), so that the answer reaches a bot in privacy mode. Not with `keyboard`.
   */
  readonly forceReply?: boolean;
}

/** What Telegram reported about a message we sent or edited. */
export interface SentMessage {
  readonly chatId: string;
  readonly messageId: number;
}

/** A user to look up: by marked id or by public username (without "@"). */
export type UserRef = { readonly id: string } | { readonly username: string };

/** The small slice of Telegram that contexts and plugins use; the GramJS adapter implements it. */
export interface TelegramGateway {
  /** Sends a text message to a chat. */
  sendMessage(chatId: string, text: string, options?: SendOptions): Promise<SentMessage>;
  /** Replaces the text of a message (ours, or any in user mode where Telegram allows it). */
  editMessage(chatId: string, messageId: number, text: string, options?: SendOptions): Promise<SentMessage>;
  /** Fetches one message of a chat, or undefined when it does not exist (deleted, or never seen by a bot). */
  getMessage(chatId: string, messageId: number): Promise<Message | undefined>;
  /** Resolves a user by id or username, or undefined when no such user exists or it is not a user. */
  getUser(ref: UserRef): Promise<UserInfo | undefined>;
}

/** Reads a user reference typed by a person: "@name", "name" or a numeric id; undefined when it is neither. */
export function parseUserRef(text: string): UserRef | undefined {
  const value = text.trim();
  if (/^\d{1,20}$/.test(value)) return { id: value };
  const username = /^@?([A-Za-z][A-Za-z0-9_]{3,31})$/.exec(value);
  return username === null ? undefined : { username: username[1] };
}
