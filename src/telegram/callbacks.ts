/**
 * Inline buttons and callback queries at the GramJS boundary: keyboards as reply markup, the
 * updateBotCallbackQuery a press arrives as, and messages.setBotCallbackAnswer to answer it.
 */
import { Api, type TelegramClient, utils } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import type { CallbackAnswer, CallbackAnswerer, CallbackQuery } from "../handlers/callback.js";
import { checkKeyboard, type InlineKeyboard } from "../handlers/keyboard.js";
import { toUserInfo } from "./convert.js";
import { entitiesOf } from "./internals.js";

/** Longest callback answer Telegram shows (messages.setBotCallbackAnswer answers MESSAGE_TOO_LONG beyond it). */
export const CALLBACK_ANSWER_MAX = 200;

/** A keyboard as Telegram's reply markup (checked first: texts present, data within 64 bytes). */
export function toReplyMarkup(keyboard: InlineKeyboard): Api.ReplyInlineMarkup {
  checkKeyboard(keyboard);
  return new Api.ReplyInlineMarkup({
    rows: keyboard.map(
      (row) =>
        new Api.KeyboardButtonRow({
          buttons: row.map((button) =>
            "data" in button
              ? new Api.KeyboardButtonCallback({ text: button.text, data: Buffer.from(button.data, "utf8") })
              : new Api.KeyboardButtonUrl({ text: button.text, url: button.url }),
          ),
        }),
    ),
  });
}

/**
 * The press an update reports, or undefined for other updates (presses under inline-mode messages included).
 * What is known of the presser comes from the update's container, as GramJS's raw events carry it.
 */
export function callbackQueryOf(update: unknown, selfId: string): CallbackQuery | undefined {
  if (!(update instanceof Api.UpdateBotCallbackQuery)) return undefined;
  const senderId = update.userId.toString();
  const user = [...entitiesOf(update)].find((entity): entity is Api.User => entity instanceof Api.User && entity.id.toString() === senderId);
  return {
    queryId: update.queryId.toString(),
    chatId: utils.getPeerId(update.peer),
    messageId: update.msgId,
    senderId,
    sender: user === undefined ? undefined : toUserInfo(user, selfId),
    data: update.data === undefined ? "" : Buffer.from(update.data).toString("utf8"),
  };
}

/** Answers presses through a client (texts longer than Telegram shows are shortened). */
export function callbackAnswerer(client: TelegramClient): CallbackAnswerer {
  return {
    async answerCallback(queryId: string, answer: CallbackAnswer): Promise<void> {
      const text = answer.text === undefined || answer.text === "" ? undefined : shorten(answer.text);
      await client.invoke(
        new Api.messages.SetBotCallbackAnswer({ queryId: returnBigInt(queryId), message: text, alert: answer.alert === true ? true : undefined, cacheTime: 0 }),
      );
    },
  };
}

function shorten(text: string): string {
  return text.length <= CALLBACK_ANSWER_MAX ? text : `${text.slice(0, CALLBACK_ANSWER_MAX - 1)}…`;
}
