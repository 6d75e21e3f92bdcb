/**
 * Conversations as handlers see them: `await ctx.ask("How old are you?", { validate })` waits for the
 * next message of the same person in the same chat; `ctx.startFlow(flow)` starts a saved multi-step
 * conversation (see src/conversations/flow.ts) that survives a restart.
 */
import type { SendOptions } from "./gateway.js";
import type { Message } from "./message.js";

/** Default wait for an answer. */
export const DEFAULT_ASK_TIMEOUT_MS = 5 * 60_000;

/** Default number of answers a validation may refuse before the question is given up. */
export const DEFAULT_ASK_ATTEMPTS = 3;

/** An answer a validation refused, with the reason the person is told. */
export interface Invalid {
  readonly invalid: string;
}

/** Refuses an answer: the person is told `reason` and asked again. */
export function invalid(reason: string): Invalid {
  return { invalid: reason };
}

/** True for what `invalid` returns. */
export function isInvalid(value: unknown): value is Invalid {
  return typeof value === "object" && value !== null && typeof (value as Partial<Invalid>).invalid === "string";
}

/** Options of ctx.ask. */
export interface AskOptions<T> {
  /** Reads the answer: its value, or invalid(reason) to ask again (default: the text as is). */
  readonly validate?: (text: string, message: Message) => T | Invalid | Promise<T | Invalid>;
  /** How long to wait for each answer (default DEFAULT_ASK_TIMEOUT_MS). */
  readonly timeoutMs?: number;
  /** How many refused answers end the question (default DEFAULT_ASK_ATTEMPTS). */
  readonly attempts?: number;
  /** What the person is told when time runs out (default: a short note; "" for nothing). */
  readonly timeoutText?: string;
  /** How the question is sent (parse mode, buttons). */
  readonly send?: SendOptions;
}

/** Why a conversation ended without an answer. */
export type EndReason = "timeout" | "cancelled" | "invalid" | "replaced" | "stopped";

/** Thrown by ctx.ask when no answer comes: time ran out, the person cancelled, or the runtime stopped. */
export class ConversationEnded extends Error {
  /** Creates the error for a reason. */
  constructor(readonly reason: EndReason) {
    super(`the conversation ended without an answer (${reason})`);
    this.name = "ConversationEnded";
  }
}

/** A multi-step conversation built with defineFlow (its steps stay opaque to the runtime). */
export interface Flow {
  readonly name: string;
}

/** What runs conversations; the runtime offers it to contexts. */
export interface ConversationService {
  /** Asks the sender of `origin` in its chat and resolves with their validated answer. */
  ask<T>(origin: Message, question: string, options?: AskOptions<T>): Promise<T>;
  /** Starts `flow` with the sender of `origin` in its chat (replacing a conversation already running there). */
  startFlow(origin: Message, flow: Flow): Promise<void>;
}
