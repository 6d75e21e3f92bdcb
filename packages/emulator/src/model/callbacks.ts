/**
 * Inline-button callbacks: a press sends updateBotCallbackQuery to the bot that wrote the message
 * and waits, for a bounded time, for the bot's messages.setBotCallbackAnswer.
 */
import { createHash, randomBytes } from "node:crypto";
import { Api } from "telegram";
import { copyIn } from "./copies.js";
import { badRequest } from "./errors.js";
import { toLong } from "./longs.js";
import { peerKey, peerOf } from "./peerRefs.js";
import { wrapUpdates } from "./peerSet.js";
import type { MessageRecord, PeerRef } from "./records.js";
import type { World } from "./world.js";

/** What the bot answers: the toast or alert text, a URL, and how long clients may cache it. */
export interface CallbackAnswer {
  message?: string;
  alert?: boolean;
  url?: string;
  cacheTime: number;
}

/** The message a user sees at (peer, messageId): their own copy, or the channel's message. */
function messageAt(world: World, userId: number, peer: PeerRef, messageId: number): MessageRecord {
  const box = peer.type === "channel" ? world.chats.get(peer.id)?.box : world.boxOf(userId);
  const record = box?.messages.get(messageId);
  if (!record || peerKey(record.peer) !== peerKey(peer)) throw badRequest("MESSAGE_ID_INVALID");
  return record;
}

function hasCallbackButton(markup: Api.TypeReplyMarkup | undefined, data: Buffer): boolean {
  if (!(markup instanceof Api.ReplyInlineMarkup)) return false;
  return markup.rows.some((row) => row.buttons.some((b) => b instanceof Api.KeyboardButtonCallback && Buffer.from(b.data).equals(data)));
}

/** Telegram's chat_instance: one stable number per chat the button lives in. */
function chatInstance(userId: number, botId: number, peer: PeerRef): bigint {
  const chat = peer.type === "user" ? `user:${Math.min(userId, botId)}:${Math.max(userId, botId)}` : peerKey(peer);
  return createHash("sha256").update(chat).digest().readBigInt64LE(0);
}

/**
 * A user presses an inline callback button: MESSAGE_ID_INVALID for a message they cannot see,
 * DATA_INVALID when it has no button with this data. The bot that wrote the message gets
 * updateBotCallbackQuery (with its own copy's id); the answer is what it passes to
 * messages.setBotCallbackAnswer, or BOT_RESPONSE_TIMEOUT when it is offline or too slow.
 */
export async function pressButton(world: World, userId: number, peer: PeerRef, messageId: number, data: Buffer): Promise<Api.messages.BotCallbackAnswer> {
  const record = messageAt(world, userId, peer, messageId);
  const bot = world.users.get(record.fromId);
  if (!bot?.bot || !hasCallbackButton(record.replyMarkup, data)) throw badRequest("DATA_INVALID");
  if (!world.onlineUsers().has(bot.id)) throw badRequest("BOT_RESPONSE_TIMEOUT");
  const botCopy = peer.type === "channel" ? record : copyIn(world, record, bot.id);
  if (!botCopy) throw badRequest("MESSAGE_ID_INVALID");
  const queryId = randomBytes(8).readBigInt64LE(0);
  const pending = world.callbackQueries;
  const answer = new Promise<Api.messages.BotCallbackAnswer>((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(queryId.toString());
      reject(badRequest("BOT_RESPONSE_TIMEOUT"));
    }, world.limits.botCallbackTimeoutMs);
    timer.unref();
    pending.set(queryId.toString(), {
      botId: bot.id,
      resolve: (value) => {
        clearTimeout(timer);
        resolve(value);
      },
    });
  });
  const update = new Api.UpdateBotCallbackQuery({
    queryId: toLong(queryId),
    userId: toLong(userId),
    peer: peerOf(botCopy.peer),
    msgId: botCopy.id,
    chatInstance: toLong(chatInstance(userId, bot.id, peer)),
    data,
  });
  world.push(bot.id, wrapUpdates(world, bot.id, [update]));
  return answer;
}

/**
 * The bot answers a callback query (messages.setBotCallbackAnswer): QUERY_ID_INVALID for a query
 * that is unknown, already answered, timed out or sent to another bot.
 */
export function answerCallback(world: World, botId: number, queryId: bigint, answer: CallbackAnswer): void {
  const pending = world.callbackQueries;
  const key = queryId.toString();
  const query = pending.get(key);
  if (!query || query.botId !== botId) throw badRequest("QUERY_ID_INVALID");
  pending.delete(key);
  query.resolve(
    new Api.messages.BotCallbackAnswer({
      alert: answer.alert || undefined,
      hasUrl: answer.url ? true : undefined,
      message: answer.message,
      url: answer.url,
      cacheTime: answer.cacheTime,
    }),
  );
}
