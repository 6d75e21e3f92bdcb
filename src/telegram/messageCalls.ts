/**
 * The gateway's message calls over GramJS: forward, copy, delete, pin, mark read and history. Chats come as
 * marked ids, resolved to input peers by the gateway. No rate limiting or flood waits here: guardGateway
 * wraps them.
 */
import { Api, type TelegramClient, utils } from "telegram";
import { generateRandomLong } from "telegram/Helpers.js";
import type { DeleteOptions, ForwardOptions, HistoryOptions, PinOptions, SentMessage } from "../handlers/gateway.js";
import type { Message } from "../handlers/message.js";
import { type ConversionContext, fieldsOfMessage, toMessage } from "./convert.js";
import { HistoryCursor, type HistoryQuery } from "./history.js";

/** Resolves a marked chat id to the input peer GramJS needs. */
export type PeerResolver = (chatId: string) => Promise<Api.TypeInputPeer>;

/** A Telegram refusal made on this side, named as Telegram names it (read by rpcErrorName). */
export class TelegramRefusal extends Error {
  constructor(readonly errorMessage: string) {
    super(errorMessage);
    this.name = "TelegramRefusal";
  }
}

/** The ids Telegram gave the messages sent with `randomIds`, in that order. */
function sentIds(result: Api.TypeUpdates, randomIds: readonly Api.long[]): number[] {
  if (result instanceof Api.UpdateShortSentMessage) return [result.id];
  const updates = "updates" in result ? result.updates : [];
  const byRandom = new Map<string, number>();
  for (const update of updates) if (update instanceof Api.UpdateMessageID) byRandom.set(String(update.randomId), update.id);
  return randomIds.map((randomId) => {
    const id = byRandom.get(randomId.toString());
    if (id === undefined) throw new Error("Telegram's answer named no id for a sent message");
    return id;
  });
}

function isChannel(peer: Api.TypeInputPeer): peer is Api.InputPeerChannel {
  return peer instanceof Api.InputPeerChannel;
}

/** The message calls, over a client and the gateway's peer resolver. */
export class MessageCalls {
  constructor(
    private readonly client: TelegramClient,
    private readonly context: ConversionContext,
    private readonly inputPeer: PeerResolver,
  ) {}

  async forward(fromChatId: string, messageIds: readonly number[], toChatId: string, options: ForwardOptions = {}): Promise<SentMessage[]> {
    const randomId = messageIds.map(() => generateRandomLong());
    const result = await this.client.invoke(
      new Api.messages.ForwardMessages({
        fromPeer: await this.inputPeer(fromChatId),
        toPeer: await this.inputPeer(toChatId),
        id: [...messageIds],
        randomId,
        dropAuthor: options.dropAuthor || undefined,
        silent: options.silent || undefined,
      }),
    );
    return sentIds(result, randomId).map((messageId) => ({ chatId: toChatId, messageId }));
  }

  async copy(fromChatId: string, messageId: number, toChatId: string, options: { replyTo?: number } = {}): Promise<SentMessage> {
    const [original] = await this.client.getMessages(await this.inputPeer(fromChatId), { ids: [messageId] });
    if (!(original instanceof Api.Message)) throw new TelegramRefusal("MESSAGE_ID_INVALID");
    const peer = await this.inputPeer(toChatId);
    const randomId = generateRandomLong();
    const replyTo = options.replyTo === undefined ? undefined : new Api.InputReplyToMessage({ replyToMsgId: options.replyTo });
    const common = { peer, message: original.message ?? "", entities: original.entities ?? undefined, randomId, replyTo };
    const media = original.media ?? undefined; // GramJS reads an absent field as null
    const result =
      media === undefined || media instanceof Api.MessageMediaEmpty || media instanceof Api.MessageMediaWebPage
        ? await this.client.invoke(new Api.messages.SendMessage({ ...common, noWebpage: media instanceof Api.MessageMediaWebPage ? undefined : true }))
        : await this.client.invoke(new Api.messages.SendMedia({ ...common, media: utils.getInputMedia(media) }));
    const [id] = sentIds(result, [randomId]);
    return { chatId: toChatId, messageId: id };
  }

  async delete(chatId: string, messageIds: readonly number[], options: DeleteOptions = {}): Promise<void> {
    const peer = await this.inputPeer(chatId);
    if (isChannel(peer)) await this.client.invoke(new Api.channels.DeleteMessages({ channel: peer, id: [...messageIds] }));
    else await this.client.invoke(new Api.messages.DeleteMessages({ id: [...messageIds], revoke: options.revoke ?? true }));
  }

  async pin(chatId: string, messageId: number, options: PinOptions = {}): Promise<void> {
    const peer = await this.inputPeer(chatId);
    await this.client.invoke(
      new Api.messages.UpdatePinnedMessage({ peer, id: messageId, silent: options.silent || undefined, pmOneside: options.forMe || undefined }),
    );
  }

  async unpin(chatId: string, messageId: number): Promise<void> {
    await this.client.invoke(new Api.messages.UpdatePinnedMessage({ peer: await this.inputPeer(chatId), id: messageId, unpin: true }));
  }

  async markRead(chatId: string, maxId = 0): Promise<void> {
    const peer = await this.inputPeer(chatId);
    if (isChannel(peer)) await this.client.invoke(new Api.channels.ReadHistory({ channel: peer, maxId }));
    else await this.client.invoke(new Api.messages.ReadHistory({ peer, maxId }));
  }

  history(chatId: string, options: HistoryOptions = {}): HistoryCursor<Message> {
    return new HistoryCursor((query) => this.historyPage(chatId, query), options);
  }

  private async historyPage(chatId: string, query: HistoryQuery): Promise<Message[]> {
    const answer = await this.client.invoke(new Api.messages.GetHistory({ peer: await this.inputPeer(chatId), ...query, hash: 0n as never }));
    if (answer instanceof Api.messages.MessagesNotModified) return [];
    this.context.directory.note([...answer.users, ...answer.chats]);
    return answer.messages.flatMap((message) =>
      message instanceof Api.Message || message instanceof Api.MessageService ? [toMessage(fieldsOfMessage(message), this.context)] : [],
    );
  }
}
