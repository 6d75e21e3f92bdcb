/**
 * The away reply (autoReply: in automations.yaml): `.afk [reason]` sets the owner away, `.back` (or any
 * other message the owner writes) ends it; while away, a person writing in private gets the reply at
 * most once per interval, never the owner. The decision is pure; its state lives in a KeyValueStore.
 */

import type { Message } from "../handlers/message.js";
import type { KeyValueStore } from "../handlers/pluginStore.js";
import type { AutoReply } from "./schema.js";

/** What one message means for the away reply. */
export type AwayDecision =
  | { readonly kind: "afk"; readonly reason?: string }
  | { readonly kind: "back"; readonly command: boolean }
  | { readonly kind: "reply"; readonly chatId: string; readonly personId: string; readonly text: string }
  | { readonly kind: "none" };

/** Where the away state is: away with a reason, since when; and when each person was last answered. */
export interface AwayState {
  readonly away?: { readonly reason?: string; readonly since: number };
  lastReplied(personId: string): number | undefined;
}

/** Decides what a message means; `prefix` starts commands ("."). */
export function decideAway(message: Message, meId: string, prefix: string, state: AwayState, config: AutoReply, now: number): AwayDecision {
  const fromOwner = message.out || message.senderId === meId;
  if (fromOwner) {
    const text = message.text.trim();
    const afk = new RegExp(`^${escapeRegExp(prefix)}afk(?:\\s+([\\s\\S]*))?$`).exec(text);
    if (afk !== null) return { kind: "afk", reason: afk[1]?.trim() || undefined };
    if (text === `${prefix}back`) return { kind: "back", command: true };
    return state.away === undefined ? { kind: "none" } : { kind: "back", command: false };
  }
  if (state.away === undefined || message.senderId === undefined || message.sender?.isBot === true) return { kind: "none" };
  const privateChat = message.chatType === "private";
  if (!privateChat && !(config.mentions && message.mentioned === true)) return { kind: "none" };
  const last = state.lastReplied(message.senderId);
  if (last !== undefined && now - last < config.interval) return { kind: "none" };
  const text = state.away.reason === undefined ? config.text : `${config.text}\nReason: ${state.away.reason}`;
  return { kind: "reply", chatId: message.chatId, personId: message.senderId, text };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The away state in a key-value store: key "away" and "replied:<person id>". */
export class StoredAwayState implements AwayState {
  constructor(private readonly store: KeyValueStore) {}

  get away(): { reason?: string; since: number } | undefined {
    return this.store.get("away");
  }

  lastReplied(personId: string): number | undefined {
    return this.store.get<number>(`replied:${personId}`);
  }

  /** Sets the owner away (forgetting who was answered last time). */
  setAway(reason: string | undefined, now: number): void {
    this.store.transaction((store) => {
      for (const [key] of store.list("replied:")) store.delete(key);
      store.set("away", reason === undefined ? { since: now } : { reason, since: now });
    });
  }

  /** Ends the away time. */
  setBack(): void {
    this.store.delete("away");
  }

  /** Records that a person was answered. */
  replied(personId: string, now: number): void {
    this.store.set(`replied:${personId}`, now);
  }
}
