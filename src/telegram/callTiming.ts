/**
 * Timing every call a client makes (its own, the gateway's, catch-up's and handlers' through ctx.client):
 * `TelegramClient.invoke` wrapped on one client instance, for a feature that wants RPC latency and flood
 * waits by method (metrics). Nothing is wrapped unless asked, so a client without an observer pays nothing.
 */
import type { TelegramClient } from "telegram";
import { floodWaitSeconds } from "../errors.js";

/** One finished call: the TL method ("messages.SendMessage"), how long it took, and how it ended. */
export interface CallRecord {
  readonly method: string;
  readonly ms: number;
  readonly ok: boolean;
  /** Seconds of a FLOOD_WAIT_X (or similar) answer. */
  readonly floodWaitSeconds?: number;
}

/** Calls `listener` after each call the client makes; returns the function that stops observing. */
export function observeCalls(client: TelegramClient, listener: (call: CallRecord) => void): () => void {
  const original = client.invoke;
  const timed = async function (this: TelegramClient, ...args: Parameters<TelegramClient["invoke"]>) {
    const method = (args[0] as { className?: string }).className ?? "unknown";
    const begun = performance.now();
    try {
      const result = await original.apply(this, args);
      listener({ method, ms: performance.now() - begun, ok: true });
      return result;
    } catch (error) {
      listener({ method, ms: performance.now() - begun, ok: false, floodWaitSeconds: floodWaitSeconds(error) });
      throw error;
    }
  } as TelegramClient["invoke"];
  client.invoke = timed;
  return () => {
    if (client.invoke === timed) client.invoke = original;
  };
}
