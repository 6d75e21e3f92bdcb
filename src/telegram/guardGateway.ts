import type { TelegramGateway } from "../handlers/gateway.js";
import { type FloodWaitPolicy, withFloodWait } from "./floodWait.js";
import type { RateLimiter } from "./rateLimiter.js";

/** Wraps a gateway so sends and edits wait for the rate limiter and every call follows the flood-wait policy. */
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
  };
}
