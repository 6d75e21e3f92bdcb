/** The handler API in one import, for plugin modules under src/plugins/. */

export type { CallbackContext, CallbackHandler, CallbackQuery } from "./callback.js";
export { onCallback } from "./callback.js";
export type { CommandHelp, Context, Me } from "./context.js";
export type { AskOptions, Flow } from "./conversation.js";
export { ConversationEnded, invalid } from "./conversation.js";
export { FloodWaitError } from "./errors.js";
export type {
  AlbumContext,
  AlbumHandler,
  ChatActionHandler,
  DeletedContext,
  DeletedHandler,
  EditedHandler,
  EventContextBase,
  EventHandler,
  EventHandlerOptions,
  ParticipantContext,
  ParticipantHandler,
  RawContext,
  RawHandler,
} from "./eventHandlers.js";
export { onAlbum, onChatAction, onDeleted, onEdited, onParticipant, onRaw } from "./eventHandlers.js";
export type {
  Album,
  CallbackQueryEvent,
  Deletion,
  EventKind,
  ParticipantChange,
  ParticipantStatus,
  RawUpdate,
  TypingEvent,
  UpdateEvent,
  UserStatusEvent,
} from "./events.js";
export * as filters from "./filters.js";
export type { SendOptions, SentMessage, TelegramGateway, UserRef } from "./gateway.js";
export { parseUserRef } from "./gateway.js";
export type { CallbackData, InlineButton, InlineKeyboard } from "./keyboard.js";
export { CallbackDataError, callbackData } from "./keyboard.js";
export type {
  ChatAction,
  ChatActionType,
  ChatInfo,
  ChatType,
  EntityType,
  ForwardOrigin,
  Media,
  MediaKind,
  Message,
  MessageEntity,
  ReplyTo,
  RunMode,
  UserInfo,
} from "./message.js";
export { displayName } from "./message.js";
export type { AccessLevel, HandlerFn, HandlerNeeds } from "./needs.js";
export type { CommandOptions, Handler, HandlerOptions, Plugin } from "./plugin.js";
export { command, definePlugin, onMessage, onPattern } from "./plugin.js";
export type { KeyValueStore } from "./pluginStore.js";
export type { JobContext, MissedRunPolicy, ScheduledJob, ScheduleOptions, ScheduleSpec } from "./schedule.js";
export { schedule } from "./schedule.js";
