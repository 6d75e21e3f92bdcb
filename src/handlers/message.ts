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
  /** What the message carries besides text, when anything. */
  readonly media?: Media;
  /** Where a forwarded message came from. */
  readonly forward?: ForwardOrigin;
  /** Formatting and links of the text: mentions, links, hashtags, custom emoji... (empty when none). */
  readonly entities?: readonly MessageEntity[];
  /** True when the message mentions the account (or replies to one of its messages). */
  readonly mentioned?: boolean;
  /** Album id: the messages of one album share it (a decimal string). */
  readonly groupedId?: string;
  /** Marked id of the bot the message was sent via (inline mode). */
  readonly viaBotId?: string;
  /** What the message replies to, wherever it is (replyToMessageId is the same-chat shortcut). */
  readonly replyTo?: ReplyTo;
  /** Unix time of the last edit, for an edited message. */
  readonly editDate?: number;
  /** Views of a channel post. */
  readonly views?: number;
  /** Times a channel post was forwarded. */
  readonly forwards?: number;
  /** For a service message (join, leave, title change, pin...), what happened; its text is "". */
  readonly action?: ChatAction;
}

/** Kinds of media a message may carry. */
export type MediaKind = "photo" | "video" | "document" | "audio" | "voice" | "sticker" | "animation" | "poll" | "location" | "contact" | "webpage" | "other";

/** A message's media, as far as Telegram describes it (sizes in bytes, durations in seconds). */
export interface Media {
  readonly kind: MediaKind;
  readonly fileName?: string;
  readonly mimeType?: string;
  readonly size?: number;
  readonly width?: number;
  readonly height?: number;
  readonly duration?: number;
}

/** Where a forwarded message came from: a chat's post, a person (by id, or only by name when hidden), and when. */
export interface ForwardOrigin {
  /** Marked id of the original sender or channel, when not hidden. */
  readonly fromId?: string;
  /** The sender's name when they hide their account. */
  readonly fromName?: string;
  /** Id of the original post, for a forwarded channel post. */
  readonly messageId?: number;
  /** Signature of the original post's author. */
  readonly postAuthor?: string;
  /** Unix time of the original message. */
  readonly date: number;
}

/** Kinds of text entities. */
export type EntityType =
  | "mention"
  | "mention_name"
  | "hashtag"
  | "cashtag"
  | "bot_command"
  | "url"
  | "text_link"
  | "email"
  | "phone"
  | "custom_emoji"
  | "bold"
  | "italic"
  | "underline"
  | "strike"
  | "spoiler"
  | "code"
  | "pre"
  | "blockquote"
  | "other";

/** One entity of a text: its kind, offset and length (UTF-16 units) and what it points at. */
export interface MessageEntity {
  readonly type: EntityType;
  readonly offset: number;
  readonly length: number;
  /** The entity's text (the slice of the message it covers). */
  readonly text: string;
  /** Target of a text_link. */
  readonly url?: string;
  /** Marked id of the user a mention_name names. */
  readonly userId?: string;
  /** Id of a custom emoji. */
  readonly customEmojiId?: string;
}

/** What a message replies to. */
export interface ReplyTo {
  /** Id of the replied message (in `chatId` when another chat). */
  readonly messageId?: number;
  /** Marked id of the replied message's chat when it is not this one. */
  readonly chatId?: string;
  /** Id of the thread (forum topic or comment thread) the reply belongs to. */
  readonly threadId?: number;
}

/**
 * What a service message says happened: people joined (by link or request, or added them themselves),
 * were added, left, were removed; the title or photo changed; a message was pinned; the chat was created.
 */
export type ChatAction =
  | { readonly type: "join"; readonly userIds: readonly string[]; readonly inviterId?: string }
  | { readonly type: "add"; readonly userIds: readonly string[] }
  | { readonly type: "leave"; readonly userId: string }
  | { readonly type: "kick"; readonly userId: string }
  | { readonly type: "title"; readonly title: string }
  | { readonly type: "photo" }
  | { readonly type: "photo_removed" }
  | { readonly type: "pin"; readonly messageId?: number }
  | { readonly type: "create"; readonly title: string }
  | { readonly type: "other"; readonly name: string };

/** Kinds of chat actions. */
export type ChatActionType = ChatAction["type"];

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
