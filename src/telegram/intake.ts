/**
 * Update intake: new messages from GramJS's raw updates (full and short forms, private chats, groups,
 * supergroups and channels, incoming and outgoing, user and bot accounts) turned into the runtime's
 * Message and handed on synchronously, in arrival order: the dispatcher, not GramJS, runs the handlers.
 */
import { Api } from "telegram";
import type { TelegramClient } from "telegram";
import type { Message } from "../handlers/message.js";
import { fieldsOfMessage, toMessage, type ConversionContext, type MessageFields } from "./convert.js";
import { connectionStateOf, entitiesOf, onRawUpdate, type ConnectionState, type RawUpdate } from "./internals.js";

/** How many recent message keys the intake remembers to drop an update Telegram delivers twice. */
export const DEDUPE_WINDOW = 4096;

/** Where the intake hands what it receives. */
export interface IntakeOptions {
  readonly context: ConversionContext;
  /** Called synchronously for each new message, in arrival order. */
  readonly onMessage: (message: Message) => void;
  /** Called when GramJS reports the connection dropped or came back. */
  readonly onConnection?: (state: ConnectionState) => void;
  /** Called with every Telegram update (e.g. for an access layer watching participant changes). */
  readonly onUpdate?: (update: Api.TypeUpdate | Api.TypeUpdates) => void;
  /** Called when an update cannot be read (it is skipped; GramJS never sees the error). */
  readonly onError?: (error: unknown, update: string) => void;
}

/** A running intake. */
export interface Intake {
  /** Stops taking updates (idempotent). */
  stop(): void;
  /** Messages handed on, and duplicates dropped, so far. */
  stats(): { readonly received: number; readonly duplicates: number };
}

/** Subscribes to the client's updates and starts handing new messages on. */
export function startIntake(client: TelegramClient, options: IntakeOptions): Intake {
  const { context, onMessage, onConnection } = options;
  const recent = new RecentKeys(DEDUPE_WINDOW);
  let received = 0;
  let duplicates = 0;
  const take = (update: RawUpdate) => {
    const state = connectionStateOf(update);
    if (state !== undefined) {
      onConnection?.(state);
      return;
    }
    options.onUpdate?.(update as Api.TypeUpdate | Api.TypeUpdates);
    const fields = messageFieldsOf(update, context);
    if (fields === undefined) return;
    const message = toMessage(fields, context);
    if (!recent.add(`${message.chatId}:${message.messageId}`)) {
      duplicates += 1;
      return;
    }
    received += 1;
    onMessage(message);
  };
  const unsubscribe = onRawUpdate(client, (update) => {
    try {
      take(update);
    } catch (error) {
      options.onError?.(error, (update as { className?: string }).className ?? "update");
    }
  });
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      unsubscribe();
    },
    stats: () => ({ received, duplicates }),
  };
}

/** The message an update carries, if it is a new message; its entities go to the directory. */
function messageFieldsOf(update: RawUpdate, context: ConversionContext): MessageFields | undefined {
  if (update instanceof Api.UpdateNewMessage || update instanceof Api.UpdateNewChannelMessage) {
    context.directory.note(entitiesOf(update));
    return update.message instanceof Api.Message ? fieldsOfMessage(update.message) : undefined;
  }
  if (update instanceof Api.UpdateShortMessage) {
    context.directory.noteMention(update.userId.toString(), update.id);
    return {
      id: update.id,
      peer: new Api.PeerUser({ userId: update.userId }),
      out: update.out === true,
      text: update.message,
      replyTo: update.replyTo ?? undefined,
      date: update.date,
      post: false,
    };
  }
  if (update instanceof Api.UpdateShortChatMessage) {
    context.directory.noteMention(update.fromId.toString(), update.id);
    return {
      id: update.id,
      peer: new Api.PeerChat({ chatId: update.chatId }),
      from: new Api.PeerUser({ userId: update.fromId }),
      out: update.out === true,
      text: update.message,
      replyTo: update.replyTo ?? undefined,
      date: update.date,
      post: false,
    };
  }
  return undefined;
}

/** A bounded set of recent keys: `add` is false for a key already present. */
class RecentKeys {
  private readonly keys = new Set<string>();

  constructor(private readonly limit: number) {}

  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    if (this.keys.size >= this.limit) this.keys.delete(this.keys.values().next().value as string);
    this.keys.add(key);
    return true;
  }
}
