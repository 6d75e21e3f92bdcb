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

/** Options for forwarding messages. */
export interface ForwardOptions {
  /** Send them as new messages without the "Forwarded from" header (messages.forwardMessages drop_author). */
  readonly dropAuthor?: boolean;
  /** Deliver without a notification. */
  readonly silent?: boolean;
}

/** Options for deleting messages. */
export interface DeleteOptions {
  /**
   * Delete for everyone (the default). False deletes them only for this account, in private chats and basic
   * groups; in supergroups and channels a deletion is always for everyone.
   */
  readonly revoke?: boolean;
}

/** Options for pinning a message. */
export interface PinOptions {
  /** Pin without notifying the chat's members. */
  readonly silent?: boolean;
  /** In a private chat, pin it only on this account's side (user mode). */
  readonly forMe?: boolean;
}

/** Which messages of a chat `history` walks, and in which order; ids and dates are inclusive bounds. */
export interface HistoryOptions {
  /** "newest" first (the default, as Telegram pages) or "oldest" first. */
  readonly order?: "newest" | "oldest";
  /** Only messages with this id or a later one. */
  readonly fromId?: number;
  /** Only messages with this id or an earlier one. */
  readonly toId?: number;
  /** Only messages sent at or after this time (Unix seconds). */
  readonly fromDate?: number;
  /** Only messages sent at or before this time (Unix seconds). */
  readonly toDate?: number;
  /** Stop after this many messages. */
  readonly limit?: number;
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
  /** Forwards messages of one chat to another, in order; the new messages as Telegram numbered them. */
  forward(fromChatId: string, messageIds: readonly number[], toChatId: string, options?: ForwardOptions): Promise<SentMessage[]>;
  /** Sends a new message with the same text, entities and media as a message of some chat (no forward header). */
  copy(fromChatId: string, messageId: number, toChatId: string, options?: Pick<SendOptions, "replyTo">): Promise<SentMessage>;
  /** Deletes messages: the account's own, or others' where it is an admin allowed to delete them. */
  delete(chatId: string, messageIds: readonly number[], options?: DeleteOptions): Promise<void>;
  /** Pins a message (in groups and channels the account needs the right to pin). */
  pin(chatId: string, messageId: number, options?: PinOptions): Promise<void>;
  /** Unpins a message. */
  unpin(chatId: string, messageId: number): Promise<void>;
  /** Marks a chat read up to a message (all of it without `maxId`). */
  markRead(chatId: string, maxId?: number): Promise<void>;
  /** Walks a chat's messages page by page (100 per call), newest or oldest first; each message once. */
  history(chatId: string, options?: HistoryOptions): AsyncIterable<Message>;
}

/** Reads a user reference typed by a person: "@name", "name" or a numeric id; undefined when it is neither. */
export function parseUserRef(text: string): UserRef | undefined {
  const value = text.trim();
  if (/^\d{1,20}$/.test(value)) return { id: value };
  const username = /^@?([A-Za-z][A-Za-z0-9_]{3,31})$/.exec(value);
  return username === null ? undefined : { username: username[1] };
}
