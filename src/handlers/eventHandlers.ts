/**
 * The plugin API for events besides new messages: `onEdited`, `onDeleted`, `onChatAction`,
 * `onParticipant` and `onRaw`. Each is listed in `definePlugin({ handlers })` beside `command` and
 * `onMessage`; edits, deletions, chat actions and participant changes reach their handlers exactly once,
 * in order with their chat's messages, caught up after a restart like messages are.
 */
import type { TelegramClient } from "telegram";
import type { Logger } from "../log.js";
import type { Me } from "./context.js";
import type { Album, Deletion, ParticipantChange, RawUpdate, UpdateEvent } from "./events.js";
import type { Filter } from "./filters.js";
import type { TelegramGateway } from "./gateway.js";
import type { RunMode } from "./message.js";
import type { HandlerFn, HandlerNeeds } from "./needs.js";

/** What every event context offers: the account, the services, and whether the event was caught up. */
export interface EventContextBase {
  readonly me: Me;
  readonly mode: RunMode;
  /** "plugin/handler", as in logs. */
  readonly handler: string;
  readonly isCatchUp: boolean;
  /** The Telegram operations the runtime offers, rate-limited and flood-wait aware. */
  readonly telegram: TelegramGateway;
  /** The underlying GramJS client, for anything else. */
  readonly client: TelegramClient;
  readonly log: Logger;
}

/** The context of an onDeleted handler. */
export interface DeletedContext extends EventContextBase {
  readonly deletion: Deletion;
  /** The chat the messages were deleted from, when known (see Deletion.chatId). */
  readonly chatId: string | undefined;
  readonly messageIds: readonly number[];
}

/** The context of an onParticipant handler. */
export interface ParticipantContext extends EventContextBase {
  readonly participant: ParticipantChange;
}

/** The context of an onAlbum handler. */
export interface AlbumContext extends EventContextBase {
  readonly album: Album;
  /** The album's messages, in id order. */
  readonly messages: readonly Album["messages"][number][];
  readonly chatId: string;
  /** The album's caption: the first non-empty text of its messages ("" when none). */
  readonly caption: string;
  /** Sends text to the album's chat, as a reply to its first message. */
  reply(text: string): Promise<unknown>;
}

/** The context of an onRaw handler. */
export interface RawContext extends EventContextBase {
  readonly raw: RawUpdate;
  /** The typed event of the update, when one kind covers it (typing, user status, ...). */
  readonly event: UpdateEvent | undefined;
}

interface EventHandlerBase {
  /** Name within its plugin, for logs. */
  readonly name: string;
  readonly needs: HandlerNeeds;
}

/** Runs on an edited message the filter accepts; ctx.message is the message as edited. */
export interface EditedHandler extends EventHandlerBase {
  readonly kind: "edited";
  readonly filter: Filter;
  readonly run: HandlerFn;
}

/** Runs on a service message (join, leave, add, kick, title, photo, pin...) the filter accepts; ctx.message.action says what happened. */
export interface ChatActionHandler extends EventHandlerBase {
  readonly kind: "chatAction";
  readonly filter: Filter;
  readonly run: HandlerFn;
}

/** Runs on deleted messages. */
export interface DeletedHandler extends EventHandlerBase {
  readonly kind: "deleted";
  readonly run: (ctx: DeletedContext) => unknown;
}

/** Runs on participant changes. */
export interface ParticipantHandler extends EventHandlerBase {
  readonly kind: "participant";
  readonly run: (ctx: ParticipantContext) => unknown;
}

/** Runs on every update the account receives, as Telegram sent it. */
export interface RawHandler extends EventHandlerBase {
  readonly kind: "raw";
  readonly run: (ctx: RawContext) => unknown;
}

/** Runs on an album (messages sharing a grouped id) when the filter accepts one of its messages. */
export interface AlbumHandler extends EventHandlerBase {
  readonly kind: "album";
  readonly filter: Filter;
  readonly run: (ctx: AlbumContext) => unknown;
}

/** Any event handler. */
export type EventHandler = EditedHandler | ChatActionHandler | DeletedHandler | ParticipantHandler | RawHandler | AlbumHandler;

/** Options of the event handlers. */
export interface EventHandlerOptions {
  /** Name for logs (default: kind and position, e.g. "edited2"). */
  readonly name?: string;
  readonly needs?: HandlerNeeds;
}

/** The kinds of event handlers. */
export const EVENT_HANDLER_KINDS: ReadonlySet<string> = new Set(["edited", "chatAction", "deleted", "participant", "raw", "album"]);

/**
 * Declares a handler for edited messages the filter accepts.
 *
 * @example
 * onEdited(filters.isGroup, (ctx) => ctx.log.info({ text: ctx.message.text, at: ctx.message.editDate }, "edited"))
 */
export function onEdited(filter: Filter, run: HandlerFn, options: EventHandlerOptions = {}): EditedHandler {
  return { kind: "edited", name: options.name ?? "", filter, needs: options.needs ?? {}, run };
}

/**
 * Declares a handler for deleted messages (ids, and the chat when known).
 *
 * @example
 * onDeleted((ctx) => ctx.telegram.sendMessage("me", `deleted in ${ctx.chatId ?? "a private chat"}: ${ctx.messageIds.join(", ")}`))
 */
export function onDeleted(run: (ctx: DeletedContext) => unknown, options: EventHandlerOptions = {}): DeletedHandler {
  return { kind: "deleted", name: options.name ?? "", needs: options.needs ?? {}, run };
}

/**
 * Declares a handler for chat actions (service messages) the filter accepts.
 *
 * @example
 * onChatAction(filters.action("join", "add"), (ctx) => ctx.respond("Welcome!"))
 */
export function onChatAction(filter: Filter, run: HandlerFn, options: EventHandlerOptions = {}): ChatActionHandler {
  return { kind: "chatAction", name: options.name ?? "", filter, needs: options.needs ?? {}, run };
}

/**
 * Declares a handler for participant changes (Telegram sends these to bots only: core.telegram.org/constructor/updateChatParticipant).
 *
 * @example
 * onParticipant((ctx) => ctx.log.info({ user: ctx.participant.userId, from: ctx.participant.before, to: ctx.participant.after }, "membership"))
 */
export function onParticipant(run: (ctx: ParticipantContext) => unknown, options: EventHandlerOptions = {}): ParticipantHandler {
  return { kind: "participant", name: options.name ?? "", needs: options.needs ?? {}, run };
}

/**
 * Declares a handler for every update, as Telegram sent it (in order, not recorded: after a crash one may
 * come again).
 *
 * @example
 * onRaw((ctx) => { if (ctx.event?.kind === "typing") ctx.log.debug(ctx.event.typing, "typing") })
 */
export function onRaw(run: (ctx: RawContext) => unknown, options: EventHandlerOptions = {}): RawHandler {
  return { kind: "raw", name: options.name ?? "", needs: options.needs ?? {}, run };
}

/**
 * Declares a handler for albums: the messages of one grouped id, gathered into one event once no more of
 * them came for a short while (ALBUM_WAIT_MS, at most 10 messages, Telegram's album size). Each message
 * also reaches the message handlers on its own, first.
 *
 * @example
 * onAlbum(filters.media("photo"), (ctx) => ctx.reply(`${ctx.messages.length} photos`))
 */
export function onAlbum(filter: Filter, run: (ctx: AlbumContext) => unknown, options: EventHandlerOptions = {}): AlbumHandler {
  return { kind: "album", name: options.name ?? "", filter, needs: options.needs ?? {}, run };
}

/** True for the handlers this module declares. */
export function isEventHandler(handler: { readonly kind: string }): handler is EventHandler {
  return EVENT_HANDLER_KINDS.has(handler.kind);
}
