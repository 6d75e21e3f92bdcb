import type { TelegramGateway } from "../handlers/gateway.js";
import type { Message } from "../handlers/message.js";
import { type FloodWaitPolicy, withFloodWait } from "./floodWait.js";
import type { RateLimiter } from "./rateLimiter.js";

/**
 * Wraps a gateway so what posts into a chat (sends, edits, forwards, copies; one turn of the limiter per
 * message) waits for the rate limiter, and every call, each history page included, follows the flood-wait policy.
 */
export function guardGateway(gateway: TelegramGateway, guards: { limiter: RateLimiter; flood: FloodWaitPolicy }): TelegramGateway {
  const { limiter, flood } = guards;
  return {
    async sendMessage(chatId, text, options) {
      await limiter.acquire(chatId);
      return withFloodWait("messages.sendMessage", () => gateway.sendMessage(chatId, text, options), flood);
    },
    async editMessage(chatId, messageId, text, options) {
      await limiter.acquire(chatId);
      return withFloodWait("messages.editMessage", () => gateway.editMessage(chatId, messageId, text, options), flood);
    },
    getMessage: (chatId, messageId) => withFloodWait("messages.getMessages", () => gateway.getMessage(chatId, messageId), flood),
    getUser: (ref) => withFloodWait("users.getUsers", () => gateway.getUser(ref), flood),
    async forward(fromChatId, messageIds, toChatId, options) {
      for (const _ of messageIds) await limiter.acquire(toChatId);
      return withFloodWait("messages.forwardMessages", () => gateway.forward(fromChatId, messageIds, toChatId, options), flood);
    },
    async copy(fromChatId, messageId, toChatId, options) {
      await limiter.acquire(toChatId);
      return withFloodWait("messages.sendMessage", () => gateway.copy(fromChatId, messageId, toChatId, options), flood);
    },
    delete: (chatId, messageIds, options) => withFloodWait("messages.deleteMessages", () => gateway.delete(chatId, messageIds, options), flood),
    pin: (chatId, messageId, options) => withFloodWait("messages.updatePinnedMessage", () => gateway.pin(chatId, messageId, options), flood),
    unpin: (chatId, messageId) => withFloodWait("messages.updatePinnedMessage", () => gateway.unpin(chatId, messageId), flood),
    markRead: (chatId, maxId) => withFloodWait("messages.readHistory", () => gateway.markRead(chatId, maxId), flood),
    history(chatId, options) {
      // The gateway's history iterator may be asked again after a failed page: it stays where it was.
      const pages = gateway.history(chatId, options)[Symbol.asyncIterator]();
      const guarded: AsyncIterableIterator<Message> = {
        [Symbol.asyncIterator]: () => guarded,
        next: () => withFloodWait("messages.getHistory", () => pages.next(), flood),
        return: async () => (await pages.return?.()) ?? { done: true, value: undefined },
      };
      return guarded;
    },
  };
}
