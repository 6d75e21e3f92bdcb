/**
 * What the exactly-once ledger records for each kind of update handed to handlers, pure. A key names a
 * chat, a message id and a kind:
 *
 * - a new message or a service message (a chat action): chat, id, "new" (ids are unique within a chat);
 * - an edit: chat, id, "edit:" with the edit date and a hash of the edited text (each edit of a message
 *   once, two in one second apart; a repeat of one edit, live and again in a difference, once; no pts in
 *   the key, since a server may reset pts);
 * - a deletion: one key per id, "delete", in the channel's chat, or "common" for the account's common box
 *   (private chats and basic groups share one id sequence there, and updateDeleteMessages names no chat);
 * - a participant change: chat, its date, "participant:" user and qts.
 *
 * Typing, user status and callback queries carry no pts or are answered at once: they are not recorded.
 */
import { Api } from "telegram";
import { channelChatId, chatIdOf } from "./classify.js";
import type { HandledKey } from "./stateStore.js";

/** The chat standing for the account's common box in deletion keys. */
export const COMMON_CHAT = "common";

/** The keys an update is recorded under once handled, and its date (for the catch-up age limit). */
export interface KeyedUpdate {
  readonly keys: readonly HandledKey[];
  /** Unix time of the event (an edit's edit date); undefined when Telegram gives none (deletions). */
  readonly date?: number;
}

/** The ledger keys of an update that handlers get exactly once, or undefined for others. */
export function keysOf(update: Api.TypeUpdate): KeyedUpdate | undefined {
  if (update instanceof Api.UpdateNewMessage || update instanceof Api.UpdateNewChannelMessage) {
    const { message } = update;
    if (!(message instanceof Api.Message || message instanceof Api.MessageService)) return undefined;
    return { keys: [{ chatId: chatIdOf(message as Api.Message), messageId: message.id, kind: "new" }], date: message.date };
  }
  if (update instanceof Api.UpdateEditMessage || update instanceof Api.UpdateEditChannelMessage) {
    const { message } = update;
    if (!(message instanceof Api.Message)) return undefined;
    const editDate = message.editDate ?? 0;
    const kind = `edit:${editDate}:${textHash(message.message ?? "")}`;
    return { keys: [{ chatId: chatIdOf(message), messageId: message.id, kind }], date: editDate || message.date };
  }
  if (update instanceof Api.UpdateDeleteMessages || update instanceof Api.UpdateDeleteChannelMessages) {
    const chatId = update instanceof Api.UpdateDeleteChannelMessages ? channelChatId(update.channelId) : COMMON_CHAT;
    return { keys: update.messages.map((messageId) => ({ chatId, messageId, kind: "delete" })) };
  }
  if (update instanceof Api.UpdateChannelParticipant || update instanceof Api.UpdateChatParticipant) {
    const chatId = update instanceof Api.UpdateChannelParticipant ? channelChatId(update.channelId) : `-${update.chatId.toString()}`;
    return { keys: [{ chatId, messageId: update.date, kind: `participant:${update.userId.toString()}:${update.qts}` }], date: update.date };
  }
  return undefined;
}

/** FNV-1a over the text's UTF-16 units, as 8 hex digits: tells two edits of one second apart. */
function textHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
