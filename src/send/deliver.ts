/**
 * Sending formatted parts to a resolved chat: each part paced (rate limits shared by every process of the
 * session) and retried through short flood waits, in order; inline buttons go under the last part.
 */
import { Api, type TelegramClient } from "telegram";
import type { InlineKeyboard } from "../handlers/keyboard.js";
import { toReplyMarkup } from "../telegram/callbacks.js";
import { type FloodWaitPolicy, withFloodWait } from "../telegram/floodWait.js";
import type { Entity, FormattedText } from "./formatted.js";
import type { Pacer } from "./pace.js";

/** Where a message goes: the input peer and its marked id (the pacing key). */
export interface Destination {
  readonly peer: Api.TypeInputPeer;
  readonly chatId: string;
}

/** How parts are sent. */
export interface DeliverOptions {
  readonly pacer: Pacer;
  readonly flood: FloodWaitPolicy;
  /** Buttons under the last part (bot mode). */
  readonly keyboard?: InlineKeyboard;
  /** Send without a notification sound. */
  readonly silent?: boolean;
  /** Whether Telegram may show link previews (default yes). */
  readonly linkPreview?: boolean;
}

/** Sends the parts in order; resolves with their message ids. */
export async function deliver(client: TelegramClient, to: Destination, parts: readonly FormattedText[], options: DeliverOptions): Promise<number[]> {
  const ids: number[] = [];
  for (const [index, part] of parts.entries()) {
    const last = index === parts.length - 1;
    await options.pacer.acquire(to.chatId);
    const sent = await withFloodWait(
      "messages.sendMessage",
      () =>
        client.sendMessage(to.peer, {
          message: part.text,
          formattingEntities: toApiEntities(part.entities),
          linkPreview: options.linkPreview ?? true,
          silent: options.silent,
          buttons: last && options.keyboard !== undefined ? toReplyMarkup(options.keyboard) : undefined,
        }),
      options.flood,
    );
    ids.push(sent.id);
  }
  return ids;
}

/** Replaces the text (and buttons: an empty keyboard removes them) of a sent message, through short flood waits. */
export async function editDelivered(
  client: TelegramClient,
  to: Destination,
  messageId: number,
  part: FormattedText,
  options: { flood: FloodWaitPolicy; keyboard?: InlineKeyboard },
): Promise<void> {
  await withFloodWait(
    "messages.editMessage",
    () =>
      client.invoke(
        new Api.messages.EditMessage({
          peer: to.peer,
          id: messageId,
          message: part.text,
          entities: toApiEntities(part.entities),
          replyMarkup: options.keyboard === undefined ? undefined : toReplyMarkup(options.keyboard),
        }),
      ),
    options.flood,
  );
}

/** The entities as Telegram's TL constructors. */
export function toApiEntities(entities: readonly Entity[]): Api.TypeMessageEntity[] {
  return entities.map((entity) => {
    const { offset, length } = entity;
    switch (entity.type) {
      case "bold":
        return new Api.MessageEntityBold({ offset, length });
      case "italic":
        return new Api.MessageEntityItalic({ offset, length });
      case "underline":
        return new Api.MessageEntityUnderline({ offset, length });
      case "strike":
        return new Api.MessageEntityStrike({ offset, length });
      case "spoiler":
        return new Api.MessageEntitySpoiler({ offset, length });
      case "code":
        return new Api.MessageEntityCode({ offset, length });
      case "pre":
        return new Api.MessageEntityPre({ offset, length, language: entity.language ?? "" });
      case "link":
        return new Api.MessageEntityTextUrl({ offset, length, url: entity.url ?? "" });
      case "blockquote":
        return new Api.MessageEntityBlockquote({ offset, length });
      default:
        throw new Error(`unknown entity type ${(entity as Entity).type}`);
    }
  });
}
