/**
 * What a script (`npm run send`, `npm run confirm`) does on Telegram, whichever connection carries it: its
 * own (directPort.ts, when `npm start` is not running for the session) or the running `npm start`'s, through
 * the local socket (src/bridge/). Telegram sends an authorization's updates to its last active connection
 * only (https://core.telegram.org/api/updates#subscribing-to-updates), so a script beside `npm start` must
 * not open a second one: it would take the presses and replies away from one of them.
 */
import type { CallbackAnswer, CallbackQuery } from "../handlers/callback.js";
import type { InlineKeyboard } from "../handlers/keyboard.js";
import type { UserInfo } from "../handlers/message.js";
import type { PeerInput } from "../telegram/peers.js";
import type { FileToSend } from "./fileInput.js";
import type { FormattedText } from "./formatted.js";
import type { TargetKind } from "./target.js";

/** A resolved chat as a script sees it (the input peer stays with the connection). */
export interface ChatRef {
  readonly chatId: string;
  readonly kind: TargetKind;
  /** How messages name it: "Saved Messages", "@alice", "Team (-100123)". */
  readonly label: string;
}

/** How a message is sent. */
export interface SendOptions {
  readonly silent?: boolean;
  readonly linkPreview?: boolean;
  /** Buttons under the last part (bot mode). */
  readonly keyboard?: InlineKeyboard;
}

/** A new message in a chat a script watches (a reply confirm waits for). */
export interface ChatMessage {
  readonly chatId: string;
  readonly messageId: number;
  readonly replyToMessageId?: number;
  readonly text: string;
  readonly senderId?: string;
  readonly sender?: UserInfo;
}

/** A script's way to Telegram. */
export interface ScriptPort {
  readonly mode: "user" | "bot";
  readonly selfId: string;
  /** "own connection" or "through npm start (pid N)", for messages. */
  readonly via: string;
  /** Resolves a chat reference; a PeerError (exit 2) when there is no such chat. */
  chat(peer: PeerInput): Promise<ChatRef>;
  /** Resolves people to their ids. */
  users(people: readonly PeerInput[]): Promise<string[]>;
  /** Sends the parts in order (paced, through short flood waits); resolves with their ids. */
  send(chatId: string, parts: readonly FormattedText[], options?: SendOptions): Promise<number[]>;
  /** Uploads and sends one file, the caption under it. */
  sendFile(
    chatId: string,
    file: FileToSend,
    caption: FormattedText | undefined,
    options?: SendOptions & { onProgress?: (bytes: number) => void },
  ): Promise<number>;
  /** Edits a message sent before; an empty keyboard removes its buttons. */
  edit(chatId: string, messageId: number, part: FormattedText, keyboard?: InlineKeyboard): Promise<void>;
  /** Answers a button press. */
  answer(queryId: string, answer: CallbackAnswer): Promise<void>;
  /** Hears presses of buttons whose data starts with `prefix` (bot mode); returns the function that stops. */
  onPress(prefix: string, listener: (press: CallbackQuery) => void): () => void;
  /** Hears new messages in a chat with ids above `after`; returns the function that stops. */
  onMessage(chatId: string, after: () => number | undefined, listener: (message: ChatMessage) => void): () => void;
  /** Lets go of the connection (disconnects a script's own, leaves npm start's). */
  close(): Promise<void>;
}
