/** The handler API in one import, for plugin modules under src/plugins/. */
export * as filters from "./filters.js";
export { command, definePlugin, onMessage, onPattern } from "./plugin.js";
export type { AccessLevel, CommandOptions, Handler, HandlerFn, HandlerNeeds, HandlerOptions, Plugin } from "./plugin.js";
export type { CommandHelp, Context, Me } from "./context.js";
export type { ChatInfo, ChatType, Message, RunMode, UserInfo } from "./message.js";
export type { SendOptions, SentMessage, TelegramGateway, UserRef } from "./gateway.js";
export { parseUserRef } from "./gateway.js";
export { displayName } from "./message.js";
export { FloodWaitError } from "../telegram/floodWait.js";
export { onCallback } from "./callback.js";
export type { CallbackContext, CallbackHandler, CallbackQuery } from "./callback.js";
export { callbackData, CallbackDataError } from "./keyboard.js";
export type { CallbackData, InlineButton, InlineKeyboard } from "./keyboard.js";
export { ConversationEnded, invalid } from "./conversation.js";
export type { AskOptions, Flow } from "./conversation.js";
