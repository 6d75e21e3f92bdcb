/**
 * What the update manager takes in, in the plain shapes the message box (messageBox.ts) judges: each GramJS
 * update with its route (the counter it moves, or the channel updateChannelTooLong asks to fetch), each
 * update container as a push with its seq range and date (short forms expanded), and the access hashes of
 * the channels that came with them.
 */
import { Api } from "telegram";
import { channelChatId, counterOf, expandShortMessage } from "./classify.js";
import type { Entity } from "./fetch.js";
import type { Push, Routed } from "./messageBox.js";

/** Where an update came from: pushed by the server, or the result of one of the account's own calls. */
export type UpdateSource = "push" | "result";

/** An update as the manager carries it through the message box. */
export interface Incoming {
  readonly update: Api.TypeUpdate;
  readonly source: UpdateSource;
  /** Fetched by catch-up rather than received live. */
  readonly catchUp: boolean;
}

/** The update with its route: updateChannelTooLong asks for its channel, updatePtsChanged for a reset; others move their counter (or none). */
export function routed(incoming: Incoming): Routed<Incoming> {
  const { update } = incoming;
  if (update instanceof Api.UpdateChannelTooLong) {
    return { route: { kind: "channelTooLong", chatId: channelChatId(update.channelId), pts: update.pts ?? undefined }, item: incoming };
  }
  if (update instanceof Api.UpdatePtsChanged) return { route: { kind: "ptsChanged" }, item: incoming };
  return { route: counterOf(update), item: incoming };
}

/** An update or message fetched by catch-up. */
export function caughtUp(update: Api.TypeUpdate): Incoming {
  return { update, source: "push", catchUp: true };
}

/**
 * A live container as a push: Updates / UpdatesCombined with their seq range, updateShort with its date,
 * short messages expanded (no seq, no date). Undefined for updatesTooLong (the message box's tooLong) and for
 * updateShortSentMessage (its result is expanded by the caller that knows the peer).
 */
export function pushOf(updates: Api.TypeUpdates, source: UpdateSource, selfId: string): Push<Incoming> | undefined {
  const live = (update: Api.TypeUpdate) => routed({ update, source, catchUp: false });
  if (updates instanceof Api.UpdateShortMessage || updates instanceof Api.UpdateShortChatMessage) {
    return { seq: 0, seqStart: 0, date: 0, updates: [live(expandShortMessage(updates, selfId))] };
  }
  if (updates instanceof Api.UpdateShort) return { seq: 0, seqStart: 0, date: updates.date, updates: [live(updates.update)] };
  if (updates instanceof Api.Updates || updates instanceof Api.UpdatesCombined) {
    const seqStart = updates instanceof Api.UpdatesCombined ? updates.seqStart : updates.seq;
    return { seq: updates.seq, seqStart, date: updates.date, updates: updates.updates.map(live) };
  }
  return undefined;
}

/** The access hashes of the channels among `entities` (min channels carry none that can be used). */
export function channelAccessHashes(entities: readonly Entity[]): { chatId: string; accessHash: string }[] {
  const found: { chatId: string; accessHash: string }[] = [];
  for (const entity of entities) {
    if (!(entity instanceof Api.Channel) || entity.min === true || entity.accessHash == null) continue;
    found.push({ chatId: channelChatId(entity.id), accessHash: entity.accessHash.toString() });
  }
  return found;
}
