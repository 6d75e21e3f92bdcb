/**
 * GramJS's TL objects turned into the runtime's own shapes (Message, UserInfo), with marked ids as
 * strings. A PeerDirectory remembers the users and chats seen so far, so that a message can name its
 * chat and sender even when its update carried no entities.
 */
import { Api, utils } from "telegram";
import type { ChatType, Message, RunMode, UserInfo } from "../handlers/message.js";
import { detailsOf, type MessageDetails } from "./messageDetails.js";

/** What the directory knows about a chat. */
export interface ChatInfo {
  readonly type: ChatType;
  readonly title?: string;
  readonly username?: string;
}

/** How many users and chats the directory keeps (the oldest seen are forgotten first). */
export const DIRECTORY_LIMIT = 20_000;

/**
 * Users and chats seen in updates and answers, by marked id, bounded in size; and, for users met only in
 * short updates (which carry no access hash), a message that names them, to fetch them by when needed.
 */
export class PeerDirectory {
  private readonly users = new Map<string, UserInfo>();
  private readonly chats = new Map<string, ChatInfo>();
  private readonly mentions = new Map<string, number>();

  /** Creates an empty directory for the account `selfId`. */
  constructor(
    private readonly selfId: string,
    private readonly limit = DIRECTORY_LIMIT,
  ) {}

  /** Remembers every user and chat in the list (min users and forbidden chats included, without overwriting richer data by poorer). */
  note(entities: Iterable<Api.TypeUser | Api.TypeChat>): void {
    for (const entity of entities) {
      if (entity instanceof Api.User) {
        if (entity.min && this.users.has(entity.id.toString())) continue;
        remember(this.users, entity.id.toString(), toUserInfo(entity, this.selfId), this.limit);
      } else if (!(entity instanceof Api.UserEmpty) && !(entity instanceof Api.ChatEmpty)) {
        const chat = toChatInfo(entity);
        remember(this.chats, utils.getPeerId(entity), chat, this.limit);
      }
    }
  }

  /** Remembers a message (of the account's own message box) that names the user. */
  noteMention(userId: string, messageId: number): void {
    remember(this.mentions, userId, messageId, this.limit);
  }

  /** The last message noted as naming the user, if any. */
  mentionOf(userId: string): number | undefined {
    return this.mentions.get(userId);
  }

  /** A known user, by marked id. */
  user(id: string): UserInfo | undefined {
    return this.users.get(id);
  }

  /** A known group or channel, by marked id. */
  chat(id: string): ChatInfo | undefined {
    return this.chats.get(id);
  }
}

function remember<T>(map: Map<string, T>, key: string, value: T, limit: number): void {
  if (!map.delete(key) && map.size >= limit) map.delete(map.keys().next().value as string);
  map.set(key, value);
}

/** A user as handlers see it. */
export function toUserInfo(user: Api.User, selfId: string): UserInfo {
  const id = user.id.toString();
  return {
    id,
    firstName: user.firstName ?? undefined,
    lastName: user.lastName ?? undefined,
    username: usernameOf(user),
    isBot: user.bot === true,
    isSelf: user.self === true || id === selfId,
    isDeleted: user.deleted === true,
  };
}

/** A group or channel's kind, title and username. */
export function toChatInfo(chat: Exclude<Api.TypeChat, Api.ChatEmpty>): ChatInfo {
  if (chat instanceof Api.Chat || chat instanceof Api.ChatForbidden) return { type: "group", title: chat.title };
  const type: ChatType = chat.megagroup === true || (chat instanceof Api.Channel && chat.gigagroup === true) ? "supergroup" : "channel";
  return { type, title: chat.title, username: chat instanceof Api.Channel ? usernameOf(chat) : undefined };
}

/** The primary public username: the editable one, else the first active collectible one. */
function usernameOf(peer: Api.User | Api.Channel): string | undefined {
  return peer.username ?? peer.usernames?.find((entry) => entry.active)?.username ?? undefined;
}

/** The account and mode a conversion is made for. */
export interface ConversionContext {
  readonly mode: RunMode;
  readonly selfId: string;
  readonly directory: PeerDirectory;
}

/** The fields of a message, wherever it came from (a full message or a short update). */
export interface MessageFields {
  readonly id: number;
  readonly peer: Api.TypePeer;
  readonly from?: Api.TypePeer;
  readonly out: boolean;
  readonly text: string;
  readonly replyTo?: Api.TypeMessageReplyHeader;
  readonly date: number;
  /** A post in a broadcast channel. */
  readonly post: boolean;
  /** Media, forward origin, entities, action... when read from a full or service message. */
  readonly details?: MessageDetails;
}

/** Converts a message's fields into the runtime's Message. */
export function toMessage(fields: MessageFields, context: ConversionContext, isCatchUp = false): Message {
  const { mode, selfId, directory } = context;
  const chatId = utils.getPeerId(fields.peer);
  const senderId = senderOf(fields, chatId, selfId);
  const sender = senderId === undefined ? undefined : directory.user(senderId);
  let chatType: ChatType;
  let chatTitle: string | undefined;
  let chatUsername: string | undefined;
  if (fields.peer instanceof Api.PeerUser) {
    const other = directory.user(chatId);
    chatType = "private";
    chatTitle = other === undefined ? undefined : [other.firstName, other.lastName].filter(Boolean).join(" ") || undefined;
    chatUsername = other?.username;
  } else {
    const chat = directory.chat(chatId);
    chatType = chat?.type ?? (fields.peer instanceof Api.PeerChat ? "group" : fields.post ? "channel" : "supergroup");
    chatTitle = chat?.title;
    chatUsername = chat?.username;
  }
  return {
    mode,
    selfId,
    chatId,
    chatType,
    chatTitle,
    chatUsername,
    messageId: fields.id,
    senderId,
    sender,
    out: fields.out,
    text: fields.text,
    replyToMessageId: sameChatReply(fields.replyTo, fields.peer),
    date: fields.date,
    isCatchUp,
    ...fields.details,
  };
}

/** The fields of a full message or a service message (whose text is ""). */
export function fieldsOfMessage(message: Api.Message | Api.MessageService): MessageFields {
  return {
    id: message.id,
    peer: message.peerId,
    from: message.fromId ?? undefined,
    out: message.out === true,
    text: message instanceof Api.Message ? (message.message ?? "") : "",
    replyTo: message.replyTo ?? undefined,
    date: message.date,
    post: message.post === true,
    details: detailsOf(message),
  };
}

function senderOf(fields: MessageFields, chatId: string, selfId: string): string | undefined {
  if (fields.from != null) return utils.getPeerId(fields.from);
  if (fields.peer instanceof Api.PeerUser) return fields.out ? selfId : chatId;
  return undefined;
}

/** The replied message's id when it is in the same chat (GramJS reads absent optional fields as null). */
function sameChatReply(header: Api.TypeMessageReplyHeader | undefined, peer: Api.TypePeer): number | undefined {
  if (!(header instanceof Api.MessageReplyHeader) || header.replyToMsgId == null) return undefined;
  const other = header.replyToPeerId;
  if (other != null && utils.getPeerId(other) !== utils.getPeerId(peer)) return undefined;
  return header.replyToMsgId;
}
