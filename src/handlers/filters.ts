import type { ChatActionType, ChatType, MediaKind, Message } from "./message.js";

/** A synchronous predicate over a message; filters compose with `and`, `or` and `not`. */
export type Filter = (message: Message) => boolean;

/** A chat or user reference a filter accepts: a marked id (string, number or bigint) or a @username. */
export type PeerRef = string | number | bigint;

/** Matches every message. */
export const any: Filter = () => true;

/** Matches when every filter matches (an empty list matches everything). */
export function and(...filters: Filter[]): Filter {
  return (message) => filters.every((filter) => filter(message));
}

/** Matches when at least one filter matches (an empty list matches nothing). */
export function or(...filters: Filter[]): Filter {
  return (message) => filters.some((filter) => filter(message));
}

/** Matches when the filter does not. */
export function not(filter: Filter): Filter {
  return (message) => !filter(message);
}

/** Matches messages in a chat of one of the given types. */
export function chatType(...types: ChatType[]): Filter {
  const wanted = new Set(types);
  return (message) => wanted.has(message.chatType);
}

/** Matches messages in a private chat. */
export const isPrivate: Filter = chatType("private");

/** Matches messages in a basic group or a supergroup. */
export const isGroup: Filter = chatType("group", "supergroup");

/** Matches posts in a broadcast channel. */
export const isChannel: Filter = chatType("channel");

/** Matches messages the logged-in account did not send. */
export const incoming: Filter = (message) => !message.out;

/** Matches messages the logged-in account sent. */
export const outgoing: Filter = (message) => message.out;

/** Matches messages whose sender is the logged-in account (also its own messages arriving from another device). */
export const fromSelf: Filter = (message) => message.out || message.senderId === message.selfId;

/** Matches messages that reply to another message. */
export const isReply: Filter = (message) => message.replyToMessageId !== undefined;

/** Matches messages with non-empty text or caption. */
export const hasText: Filter = (message) => message.text !== "";

/** Matches messages fetched by update catch-up rather than received live. */
export const isCatchUp: Filter = (message) => message.isCatchUp;

/** Matches messages in any of the given chats, by marked id or @username (case-insensitive). */
export function chat(...refs: PeerRef[]): Filter {
  const { ids, usernames } = splitRefs(refs);
  return (message) => ids.has(message.chatId) || (message.chatUsername !== undefined && usernames.has(message.chatUsername.toLowerCase()));
}

/** Matches messages sent by any of the given users, by marked id or @username (case-insensitive). */
export function sender(...refs: PeerRef[]): Filter {
  const { ids, usernames } = splitRefs(refs);
  return (message) =>
    (message.senderId !== undefined && ids.has(message.senderId)) ||
    (message.sender?.username !== undefined && usernames.has(message.sender.username.toLowerCase()));
}

/** Matches messages whose text matches the regular expression (its lastIndex is reset first). */
export function text(pattern: RegExp): Filter {
  return (message) => {
    pattern.lastIndex = 0;
    return pattern.test(message.text);
  };
}

/** Matches messages with media of any kind. Example: `onMessage(filters.hasMedia, (ctx) => ...)`. */
export const hasMedia: Filter = (message) => message.media !== undefined;

/** Matches messages whose media is one of the kinds. Example: `filters.media("photo", "video")`. */
export function media(...kinds: MediaKind[]): Filter {
  const wanted = new Set(kinds);
  return (message) => message.media !== undefined && wanted.has(message.media.kind);
}

/** Matches forwarded messages. Example: `onMessage(filters.forwarded, (ctx) => ctx.log.info(ctx.message.forward))`. */
export const forwarded: Filter = (message) => message.forward !== undefined;

/**
 * Matches posts of broadcast channels: any channel, or the given ones (marked id or @username), also
 * when forwarded from them (by the origin's id). Example: `filters.fromChannel("@news", -1001234567890)`.
 */
export function fromChannel(...refs: PeerRef[]): Filter {
  if (refs.length === 0) return (message) => message.chatType === "channel" || message.forward?.fromId?.startsWith("-100") === true;
  const { ids, usernames } = splitRefs(refs);
  return (message) =>
    (message.chatType === "channel" &&
      (ids.has(message.chatId) || (message.chatUsername !== undefined && usernames.has(message.chatUsername.toLowerCase())))) ||
    (message.forward?.fromId !== undefined && ids.has(message.forward.fromId));
}

/** Matches messages that mention the account (or reply to it). Example: `onMessage(filters.mentionsMe, (ctx) => ctx.reply("You called?"))`. */
export const mentionsMe: Filter = (message) => message.mentioned === true;

/** Matches messages sent by a bot. Example: `filters.not(filters.fromBot)`. */
export const fromBot: Filter = (message) => message.sender?.isBot === true;

/** Matches messages sent via a bot (inline mode). Example: `filters.viaBot`. */
export const viaBot: Filter = (message) => message.viaBotId !== undefined;

/** Matches messages that belong to an album (grouped media). Example: `filters.and(filters.isAlbum, filters.media("photo"))`. */
export const isAlbum: Filter = (message) => message.groupedId !== undefined;

/** Matches service messages (joins, leaves, title changes, pins...). Example: `filters.isService`. */
export const isService: Filter = (message) => message.action !== undefined;

/** Matches messages edited at least once. Example: `onMessage(filters.edited, ...)` on a fetched message, or in onEdited. */
export const edited: Filter = (message) => message.editDate !== undefined;

/** Matches service messages of the given actions. Example: `onChatAction(filters.action("join", "add"), (ctx) => ctx.respond("Welcome!"))`. */
export function action(...types: ChatActionType[]): Filter {
  const wanted = new Set(types);
  return (message) => message.action !== undefined && wanted.has(message.action.type);
}

function splitRefs(refs: PeerRef[]): { ids: Set<string>; usernames: Set<string> } {
  const ids = new Set<string>();
  const usernames = new Set<string>();
  for (const ref of refs) {
    const value = String(ref).trim();
    if (/^-?\d+$/.test(value)) ids.add(value);
    else usernames.add(value.replace(/^@/, "").toLowerCase());
  }
  return { ids, usernames };
}
