/**
 * Callback queries (bot mode): a person pressed an inline button. A plugin handles its own buttons with
 * `onCallback(codec, run)`; the context answers the press (a toast, or an alert with `{ alert: true }`)
 * and edits the message the button is under.
 */
import type { TelegramClient } from "telegram";
import type { Logger } from "../log.js";
import type { Me } from "./context.js";
import type { SendOptions, SentMessage, TelegramGateway } from "./gateway.js";
import type { CallbackData, FieldKind, FieldValues } from "./keyboard.js";
import type { UserInfo } from "./message.js";

/** A press of an inline button, as the runtime sees it. */
export interface CallbackQuery {
  /** Telegram's id of the query, to answer it by. */
  readonly queryId: string;
  /** Marked id of the chat the button's message is in. */
  readonly chatId: string;
  /** Id of the message the button is under. */
  readonly messageId: number;
  /** Marked id of the person who pressed. */
  readonly senderId: string;
  /** What is known about that person. */
  readonly sender?: UserInfo;
  /** The button's data (UTF-8). */
  readonly data: string;
}

/** How a press is answered: a toast, or an alert the person must dismiss. */
export interface CallbackAnswer {
  readonly text?: string;
  readonly alert?: boolean;
}

/** Answers callback queries (messages.setBotCallbackAnswer). */
export interface CallbackAnswerer {
  answerCallback(queryId: string, answer: CallbackAnswer): Promise<void>;
}

/** What a callback handler receives. */
export interface CallbackContext<V = unknown> {
  readonly query: CallbackQuery;
  /** The decoded callback data. */
  readonly values: V;
  readonly me: Me;
  /** "plugin/handler" name, as in logs. */
  readonly handler: string;
  readonly telegram: TelegramGateway;
  readonly client: TelegramClient;
  readonly log: Logger;
  /** Answers the press (once; later calls do nothing). Unanswered presses are answered with nothing when the handler ends. */
  answer(text?: string, options?: { alert?: boolean }): Promise<void>;
  /** Replaces the text (and, with `keyboard`, the buttons) of the message the button is under. */
  editMessage(text: string, options?: SendOptions): Promise<SentMessage>;
  /** Sends a message to the chat the button is in. */
  respond(text: string, options?: SendOptions): Promise<SentMessage>;
  /** Leaves the press unanswered here: another process of the same bot (such as `npm run confirm`) answers it. */
  leaveUnanswered(): void;
}

/** A handler of one action's buttons. */
export interface CallbackHandler {
  readonly kind: "callback";
  /** Name within its plugin, for logs. */
  readonly name: string;
  /** The callback-data prefix it handles. */
  readonly prefix: string;
  /** The values of a data string, or undefined when it is not this handler's. */
  decode(data: string): unknown;
  run(ctx: CallbackContext): unknown;
}

/** Declares the handler of the buttons built with `data`; ctx.values holds their decoded values. */
export function onCallback<const F extends Readonly<Record<string, FieldKind>>>(
  data: CallbackData<F>,
  run: (ctx: CallbackContext<FieldValues<F>>) => unknown,
  options: { readonly name?: string } = {},
): CallbackHandler {
  return {
    kind: "callback",
    name: options.name ?? "",
    prefix: data.prefix,
    decode: (text) => data.decode(text),
    run: (ctx) => run(ctx as CallbackContext<FieldValues<F>>),
  };
}
