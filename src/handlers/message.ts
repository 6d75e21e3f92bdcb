/** Run mode: the person's own account, or a bot token. */
export type RunMode = "user" | "bot";

/** Telegram chat kinds as a handler sees them: a megagroup is a "supergroup", a broadcast channel a "channel". */
export type ChatType = "private" | "group" | "supergroup" | "channel";

/**
 * A message as the runtime sees it, filled by the GramJS adapter from an update. GramJS types stay out of it.
 * Ids are "marked" peer ids as decimal strings (what GramJS's `utils.getPeerId` returns): a user is `123`,
 * a basic group `-123`, a supergroup or channel `-100123`. Strings keep 64-bit ids exact.
 */
export interface Message {
  /** Mode the runtime is in when this message arrived. */
  readonly mode: RunMode;
  /** Marked id of the account (user or bot) the runtime is logged in as. */
  readonly selfId: string;
  /** Marked id of the chat the message belongs to. */
  readonly chatId: string;
  readonly chatType: ChatType;
  /** Title of a group or channel, or the other person's name in a private chat, when known. */
  readonly chatTitle?: string;
  /** Public username of the chat without "@", when it has one. */
  readonly chatUsername?: string;
  /** Id of the message inside its chat. */
  readonly messageId: number;
  /** Marked id of the sender; undefined for anonymous channel posts. */
  readonly senderId?: string;
  /** What is known about the sender, when the update carried it. */
  readonly sender?: UserInfo;
  /** True when the logged-in account sent this message. */
  readonly out: boolean;
  /** Message text or media caption; "" when there is none. */
  readonly text: string;
  /** Id of the message this one replies to, in the same chat. */
  readonly replyToMessageId?: number;
  /** Unix time in seconds. */
  readonly date: number;
  /** True when the message was fetched by update catch-up rather than received live. */
  readonly isCatchUp: boolean;
}

/** A Telegram user (or bot) as the handlers see it. */
export interface UserInfo {
  /** Marked id (positive for users). */
  readonly id: string;
  readonly firstName?: string;
  readonly lastName?: string;
  /** Public username without "@". */
  readonly username?: string;
  readonly isBot?: boolean;
  /** True when this is the logged-in account itself. */
  readonly isSelf?: boolean;
  /** True for a deleted account. */
  readonly isDeleted?: boolean;
}

/** The chat of a message as the context exposes it. */
export interface ChatInfo {
  readonly id: string;
  readonly type: ChatType;
  readonly title?: string;
  readonly username?: string;
}

/** Display name of a user: first and last name, else @username, else the id. */
export function displayName(user: UserInfo): string {
  const name = [user.firstName, user.lastName].filter((part) => part !== undefined && part !== "").join(" ");
  if (name !== "") return name;
  if (user.username !== undefined) return `@${user.username}`;
  return user.id;
}
