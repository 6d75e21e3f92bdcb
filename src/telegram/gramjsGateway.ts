/**
 * The TelegramGateway handlers use, over a GramJS client. Chats are addressed by marked id; GramJS finds
 * their access hashes in the entities it has cached from updates. A user met only in short updates (no
 * access hash) is fetched on first need through a message that names it. Rate limiting and flood waits
 * are not done here: guardGateway wraps this.
 */
import { Api, type TelegramClient } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { floodWaitSeconds, rpcErrorName } from "../errors.js";
import type { DeleteOptions, ForwardOptions, HistoryOptions, PinOptions, SendOptions, SentMessage, TelegramGateway, UserRef } from "../handlers/gateway.js";
import type { Message, UserInfo } from "../handlers/message.js";
import { toReplyMarkup } from "./callbacks.js";
import { type ConversionContext, fieldsOfMessage, toMessage, toUserInfo } from "./convert.js";
import { isRevokedError } from "./errors.js";
import { MessageCalls } from "./messageCalls.js";

/** Errors meaning "no such user", answered as undefined by getUser. */
const NO_SUCH_USER = new Set(["USERNAME_NOT_OCCUPIED", "USERNAME_INVALID", "USER_ID_INVALID", "PEER_ID_INVALID"]);

/** GramJS's parse mode for our SendOptions: none unless asked (GramJS would parse markdown by default). */
function parseModeOf(options: SendOptions | undefined): "html" | "md" | false {
  if (options?.parseMode === "html") return "html";
  return options?.parseMode === "markdown" ? "md" : false;
}

/**
 * The reply markup of a sent message: inline buttons, or force_reply, selective when it replies to someone
 * (core.telegram.org/constructor/replyKeyboardForceReply: selective shows it to the sender of the message
 * replied to and the people mentioned).
 */
function markupOf(options: SendOptions | undefined): Api.TypeReplyMarkup | undefined {
  if (options?.keyboard !== undefined) return toReplyMarkup(options.keyboard);
  if (options?.forceReply) return new Api.ReplyKeyboardForceReply({ selective: options.replyTo !== undefined ? true : undefined });
  return undefined;
}

/** TelegramGateway over GramJS; `onRevoked` hears of any call failing because the session was revoked. */
export class GramjsGateway implements TelegramGateway {
  private readonly calls: MessageCalls;

  /** Creates the gateway for a connected, signed-in client. */
  constructor(
    private readonly client: TelegramClient,
    private readonly context: ConversionContext,
    private readonly onRevoked: (error: unknown) => void = () => {},
  ) {
    this.calls = new MessageCalls(client, context, (chatId) => this.inputPeer(chatId));
  }

  /** Forwards messages, keeping or dropping the author. */
  forward(fromChatId: string, messageIds: readonly number[], toChatId: string, options?: ForwardOptions): Promise<SentMessage[]> {
    return this.call(() => this.calls.forward(fromChatId, messageIds, toChatId, options));
  }

  /** Sends a copy of a message: same text, entities and media, no forward header. */
  copy(fromChatId: string, messageId: number, toChatId: string, options?: { replyTo?: number }): Promise<SentMessage> {
    return this.call(() => this.calls.copy(fromChatId, messageId, toChatId, options));
  }

  /** Deletes messages, for everyone unless asked otherwise. */
  delete(chatId: string, messageIds: readonly number[], options?: DeleteOptions): Promise<void> {
    return this.call(() => this.calls.delete(chatId, messageIds, options));
  }

  /** Pins a message. */
  pin(chatId: string, messageId: number, options?: PinOptions): Promise<void> {
    return this.call(() => this.calls.pin(chatId, messageId, options));
  }

  /** Unpins a message. */
  unpin(chatId: string, messageId: number): Promise<void> {
    return this.call(() => this.calls.unpin(chatId, messageId));
  }

  /** Marks a chat read up to a message. */
  markRead(chatId: string, maxId?: number): Promise<void> {
    return this.call(() => this.calls.markRead(chatId, maxId));
  }

  /** Walks a chat's history; a page that fails leaves the walk where it was (see HistoryCursor). */
  history(chatId: string, options?: HistoryOptions): AsyncIterableIterator<Message> {
    const cursor = this.calls.history(chatId, options);
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      next: () => this.call(() => cursor.next()),
      return: () => cursor.return(),
    };
  }

  /** Sends a text message to a chat. */
  sendMessage(chatId: string, text: string, options?: SendOptions): Promise<SentMessage> {
    return this.call(async () => {
      const sent = await this.client.sendMessage(await this.inputPeer(chatId), {
        message: text,
        replyTo: options?.replyTo,
        parseMode: parseModeOf(options),
        linkPreview: options?.linkPreview ?? true,
        buttons: markupOf(options),
      });
      return { chatId, messageId: sent.id };
    });
  }

  /** Replaces the text of a message. */
  editMessage(chatId: string, messageId: number, text: string, options?: SendOptions): Promise<SentMessage> {
    return this.call(async () => {
      const edited = await this.client.editMessage(await this.inputPeer(chatId), {
        message: messageId,
        text,
        parseMode: parseModeOf(options),
        linkPreview: options?.linkPreview ?? true,
        buttons: options?.keyboard === undefined ? undefined : toReplyMarkup(options.keyboard),
      });
      return { chatId, messageId: edited.id };
    });
  }

  /** Fetches one message, or undefined when it does not exist. */
  getMessage(chatId: string, messageId: number): Promise<Message | undefined> {
    return this.call(async () => {
      const [found] = await this.client.getMessages(await this.inputPeer(chatId), { ids: [messageId] });
      return found instanceof Api.Message ? toMessage(fieldsOfMessage(found), this.context) : undefined;
    });
  }

  /** Resolves a user by id or username, or undefined when there is no such user. */
  getUser(ref: UserRef): Promise<UserInfo | undefined> {
    return this.call(async () => {
      try {
        const user = "username" in ref ? await this.resolveUsername(ref.username) : await this.userById(ref.id);
        if (user === undefined) return undefined;
        this.context.directory.note([user]);
        return toUserInfo(user, this.context.selfId);
      } catch (error) {
        if (NO_SUCH_USER.has(rpcErrorName(error) ?? "")) return undefined;
        throw error;
      }
    });
  }

  private async resolveUsername(username: string): Promise<Api.User | undefined> {
    const resolved = await this.client.invoke(new Api.contacts.ResolveUsername({ username }));
    if (!(resolved.peer instanceof Api.PeerUser)) return undefined;
    const id = resolved.peer.userId.toString();
    return resolved.users.find((user): user is Api.User => user instanceof Api.User && user.id.toString() === id);
  }

  private async userById(id: string): Promise<Api.User | undefined> {
    if (!/^\d+$/.test(id)) return undefined;
    let input: Api.TypeInputPeer;
    try {
      input = await this.inputPeer(id);
    } catch (error) {
      if (rpcErrorName(error) === undefined) return undefined; // GramJS: "Could not find the input entity"
      throw error;
    }
    if (!(input instanceof Api.InputPeerUser) && !(input instanceof Api.InputPeerSelf)) return undefined;
    const inputUser = input instanceof Api.InputPeerSelf ? new Api.InputUserSelf() : new Api.InputUser({ userId: input.userId, accessHash: input.accessHash });
    const [user] = await this.client.invoke(new Api.users.GetUsers({ id: [inputUser] }));
    return user instanceof Api.User ? user : undefined;
  }

  /** The input peer of a marked id: from GramJS's cache, else fetched through a message naming the user. */
  private async inputPeer(markedId: string): Promise<Api.TypeInputPeer> {
    const id = returnBigInt(markedId);
    try {
      return await this.client.getInputEntity(id);
    } catch (error) {
      const mention = this.context.directory.mentionOf(markedId);
      if (mention === undefined || isRevokedError(error) || floodWaitSeconds(error) !== undefined) throw error;
      const answer = await this.client.invoke(new Api.messages.GetMessages({ id: [new Api.InputMessageID({ id: mention })] }));
      if (!(answer instanceof Api.messages.MessagesNotModified)) this.context.directory.note([...answer.users, ...answer.chats]);
      return this.client.getInputEntity(id);
    }
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isRevokedError(error)) this.onRevoked(error);
      throw error;
    }
  }
}
