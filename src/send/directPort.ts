/**
 * A ScriptPort on a GramJS client: the script's own connection (`npm run send` with no `npm start` running),
 * or, in `npm start`, the running client the local socket's calls go through (src/bridge/). Sends are paced
 * by the session's shared pacer and retried through short flood waits (deliver.ts); resolved chats are kept
 * by id so that later calls name them by id alone.
 */
import type { TelegramClient } from "telegram";
import type { CallbackQuery } from "../handlers/callback.js";
import type { Logger } from "../log.js";
import { callbackAnswerer, callbackQueryOf } from "../telegram/callbacks.js";
import { PeerDirectory } from "../telegram/convert.js";
import type { FloodWaitPolicy } from "../telegram/floodWait.js";
import { onRawUpdate } from "../telegram/internals.js";
import type { PeerInput } from "../telegram/peers.js";
import { gramjsUpdateSource } from "../telegram/updateSource.js";
import { startIntake } from "../updates/intake.js";
import { deliver, editDelivered } from "./deliver.js";
import { deliverFile } from "./deliverFile.js";
import type { KnownPeers } from "./knownPeers.js";
import type { Pacer } from "./pace.js";
import { resolveUserIds } from "./people.js";
import type { ChatMessage, ChatRef, ScriptPort } from "./port.js";
import { resolveTarget, type Target } from "./target.js";

/** What a direct port needs. */
export interface DirectPortOptions {
  readonly client: TelegramClient;
  readonly mode: "user" | "bot";
  readonly selfId: string;
  readonly known?: KnownPeers;
  readonly pacer: Pacer;
  readonly flood: FloodWaitPolicy;
  readonly log: Logger;
  /** "own connection" unless said otherwise. */
  readonly via?: string;
  /** Called by close() (a script disconnects its own client). */
  readonly close?: () => Promise<void>;
}

/** Resolved chats kept, at most. */
const TARGETS_KEPT = 1000;

/** A ScriptPort over a connected GramJS client. */
export function directPort(options: DirectPortOptions): ScriptPort {
  const { client, mode, selfId, pacer, flood, log } = options;
  const targets = new Map<string, Target>();
  const targetOf = (chatId: string): Target => {
    const target = targets.get(chatId);
    if (target === undefined) throw new Error(`chat ${chatId} was not resolved on this connection`);
    return target;
  };
  return {
    mode,
    selfId,
    via: options.via ?? "own connection",
    async chat(peer: PeerInput): Promise<ChatRef> {
      const target = await resolveTarget(client, peer, { mode, selfId, known: options.known });
      if (targets.size >= TARGETS_KEPT) targets.delete(targets.keys().next().value as string);
      targets.set(target.chatId, target);
      return { chatId: target.chatId, kind: target.kind, label: target.label };
    },
    users: (people) => resolveUserIds(client, people, selfId),
    send: (chatId, parts, sendOptions = {}) => deliver(client, targetOf(chatId), parts, { pacer, flood, ...sendOptions }),
    sendFile: (chatId, file, caption, sendOptions = {}) => deliverFile(client, targetOf(chatId), file, caption, { pacer, flood, ...sendOptions }),
    edit: (chatId, messageId, part, keyboard) => editDelivered(client, targetOf(chatId), messageId, part, { flood, keyboard }),
    answer: (queryId, answer) => callbackAnswerer(client).answerCallback(queryId, answer),
    onPress(prefix: string, listener: (press: CallbackQuery) => void): () => void {
      return onRawUpdate(client, (update) => {
        const press = callbackQueryOf(update, selfId);
        if (press?.data.startsWith(prefix)) listener(press);
      });
    },
    onMessage(chatId: string, after: () => number | undefined, listener: (message: ChatMessage) => void): () => void {
      const directory = new PeerDirectory(selfId);
      const intake = startIntake(gramjsUpdateSource(client, { mode, selfId, directory }), {
        onMessage: (message) => {
          const since = after();
          if (message.chatId !== chatId || since === undefined || message.messageId <= since) return;
          listener({ ...chatMessageOf(message), sender: message.sender ?? (message.senderId === undefined ? undefined : directory.user(message.senderId)) });
        },
      });
      return () => intake.stop();
    },
    async close() {
      try {
        await options.close?.();
      } catch (err) {
        log.warn({ err }, "could not close the connection cleanly");
      }
    },
  };
}

/** The part of a runtime message a script watching a chat gets. */
export function chatMessageOf(message: ChatMessage): ChatMessage {
  return {
    chatId: message.chatId,
    messageId: message.messageId,
    replyToMessageId: message.replyToMessageId,
    text: message.text,
    senderId: message.senderId,
    sender: message.sender,
  };
}
