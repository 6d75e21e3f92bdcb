/**
 * The typed events the runtime hands to plugins besides new messages, one kind each: an edited message, a
 * deletion, a chat action (a service message), a participant change, a callback query, a user's status or
 * typing, the raw update, and an album (gathered by the runtime from its messages). telegram/events.ts makes them from GramJS updates; a new kind is one member
 * of UpdateEvent plus a case there and a handler type in eventHandlers.ts.
 */
import type { ChatAction, Message } from "./message.js";

/** Messages deleted from a chat. */
export interface Deletion {
  /**
   * Marked id of the chat: always known for a supergroup or channel; for a private chat or a basic group
   * (Telegram's update names only the ids) when the runtime handled the message, else undefined.
   */
  readonly chatId?: string;
  readonly messageIds: readonly number[];
  /** True when fetched by update catch-up rather than received live. */
  readonly isCatchUp: boolean;
}

/** Someone's membership of a group or channel changed (Telegram sends these to bots only: core.telegram.org/constructor/updateChatParticipant). */
export interface ParticipantChange {
  /** Marked id of the group or channel. */
  readonly chatId: string;
  /** Marked id of the person whose membership changed. */
  readonly userId: string;
  /** Marked id of who changed it (the person themselves for a join or leave). */
  readonly actorId?: string;
  /** Status before and after: creator, admin, member, restricted, banned, left (absent: not a participant). */
  readonly before?: ParticipantStatus;
  readonly after?: ParticipantStatus;
  /** Unix time. */
  readonly date: number;
  readonly isCatchUp: boolean;
}

/** A participant's status in a group or channel. */
export type ParticipantStatus = "creator" | "admin" | "member" | "restricted" | "banned" | "left";

/** A press of an inline button (bot mode). */
export interface CallbackQueryEvent {
  readonly queryId: string;
  readonly userId: string;
  readonly chatId: string;
  readonly messageId: number;
  /** The button's data, as bytes. */
  readonly data?: Uint8Array;
}

/** A user's online status changed (last seen). */
export interface UserStatusEvent {
  readonly userId: string;
  /** "online" until `expires`, "offline" since `wasOnline`, or the rough value a hidden last-seen shows. */
  readonly status: "online" | "offline" | "recently" | "last_week" | "last_month" | "long_ago";
  readonly expires?: number;
  readonly wasOnline?: number;
}

/** Someone is typing (or uploading, recording...) in a chat. */
export interface TypingEvent {
  readonly chatId: string;
  readonly userId: string;
  /** "typing", "cancel", "upload_photo", "record_voice"... (Telegram's SendMessageAction, snake case). */
  readonly action: string;
}

/** An update as Telegram sent it (the GramJS object, for what no typed event covers). */
export interface RawUpdate {
  /** The TL constructor's name, e.g. "UpdateReadHistoryInbox". */
  readonly className: string;
  /** The GramJS object itself. */
  readonly update: unknown;
  readonly isCatchUp: boolean;
}

/** Every typed event. */
export type UpdateEvent =
  | { readonly kind: "message"; readonly message: Message }
  | { readonly kind: "edited"; readonly message: Message }
  | { readonly kind: "deleted"; readonly deletion: Deletion }
  | { readonly kind: "chatAction"; readonly message: Message; readonly action: ChatAction }
  | { readonly kind: "participant"; readonly participant: ParticipantChange }
  | { readonly kind: "callbackQuery"; readonly query: CallbackQueryEvent }
  | { readonly kind: "userStatus"; readonly status: UserStatusEvent }
  | { readonly kind: "typing"; readonly typing: TypingEvent }
  | { readonly kind: "raw"; readonly raw: RawUpdate }
  | { readonly kind: "album"; readonly album: Album };

/** The messages of one album (one grouped id), gathered into one event, in id order. */
export interface Album {
  readonly chatId: string;
  readonly groupedId: string;
  readonly messages: readonly Message[];
  readonly isCatchUp: boolean;
}

/** The kinds of events. */
export type EventKind = UpdateEvent["kind"];

/** The chat an event belongs to (its handlers run in order with that chat's messages), if any. */
export function chatOfEvent(event: UpdateEvent): string | undefined {
  switch (event.kind) {
    case "message":
    case "edited":
    case "chatAction":
      return event.message.chatId;
    case "deleted":
      return event.deletion.chatId;
    case "participant":
      return event.participant.chatId;
    case "callbackQuery":
      return event.query.chatId;
    case "typing":
      return event.typing.chatId;
    case "album":
      return event.album.chatId;
    default:
      return undefined;
  }
}
