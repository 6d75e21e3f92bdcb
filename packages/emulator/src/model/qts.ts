/**
 * The secondary event sequence (qts) of an account, as core.telegram.org/api/updates describes it:
 * "secret chats, certain bot events and other kinds of updates have yet another common secondary event
 * sequence". Each event carries its own qts, numbered from 1 per account (qts_count is always 1); the
 * account's qts is in updates.State, and updates.getDifference replays the events after the client's qts
 * (difference.ts). The emulator has no secret chats: its qts events are the bot updates it models,
 * updateChannelParticipant, updateChatParticipant and updateBotStopped.
 *
 * Events are kept per account in a bounded log (world.limits.qtsLogSize), like the pts events of a box but
 * with a cap: how long Telegram keeps them is not documented (the Bot API keeps a bot's updates 24 hours).
 * Older ones are forgotten; a client asking from before the log starts gets what is left.
 */
import { Api } from "telegram";
import { fromLong } from "./longs.js";
import type { PeerSet } from "./peerSet.js";
import type { QtsBox, QtsEvent } from "./records.js";
import type { World } from "./world.js";

/** The account's qts box, created on first use. */
export function qtsBoxOf(world: World, userId: number): QtsBox {
  const user = world.users.get(userId);
  if (!user) throw new Error(`no user ${userId}`);
  return (user.qts ??= { qts: 0, log: [], first: 0 });
}

/** The account's current qts (0 until its first qts event). */
export function currentQts(world: World, userId: number): number {
  return world.users.get(userId)?.qts?.qts ?? 0;
}

/**
 * Advances the account's qts by one and logs the update that does so. `make` receives the new qts and
 * builds the update carrying it.
 */
export function advanceQts<U extends Api.TypeUpdate>(world: World, userId: number, make: (qts: number) => U): U {
  const box = qtsBoxOf(world, userId);
  const qts = box.qts + 1;
  const update = make(qts);
  box.qts = qts;
  box.log.push({ qts, date: world.now(), pts: world.boxOf(userId).pts, update });
  const keep = Math.max(1, world.limits.qtsLogSize);
  if (box.log.length - box.first > keep) box.first = box.log.length - keep;
  if (box.first * 2 > box.log.length) {
    box.log = box.log.slice(box.first);
    box.first = 0;
  }
  return update;
}

/** The logged events with qts greater than `afterQts`, oldest first (the log is consecutive). */
export function qtsEventsAfter(box: QtsBox, afterQts: number): QtsEvent[] {
  if (box.first >= box.log.length) return [];
  const oldest = box.log[box.first].qts;
  return box.log.slice(box.first + Math.max(0, afterQts + 1 - oldest));
}

/** What the bot gets an update in: a container with the users and chats it names, for `updates`. */
export type Wrap = (updates: Api.TypeUpdate[]) => Api.TypeUpdates;

/** How a numbered update reaches its bot. */
export interface QtsDelivery {
  /** Updates sent with it in the same container (not numbered: updateChannel, ...). */
  readonly extra?: Api.TypeUpdate[];
  /** Who made the change; when it is the bot, its calling session gets the update in the call result. */
  readonly actorId?: number;
  readonly exceptSessionKey?: string;
}

/**
 * Numbers an update for `botId` (logged for getDifference whether or not the bot is online) and pushes it
 * to the bot's connected sessions. Returns it when the bot's own call made the change: that session was
 * skipped and gets it in the call result.
 */
export function sendNumbered(
  world: World,
  botId: number,
  make: (qts: number) => Api.TypeUpdate,
  wrap: Wrap,
  delivery: QtsDelivery = {},
): Api.TypeUpdate | undefined {
  const update = advanceQts(world, botId, make);
  const except = botId === delivery.actorId ? delivery.exceptSessionKey : undefined;
  if (world.onlineUsers().has(botId)) world.push(botId, wrap([...(delivery.extra ?? []), update]), except);
  return except === undefined ? undefined : update;
}

/** Adds the users and chats a qts update names (for the users and chats of a difference). */
export function collectQtsPeers(set: PeerSet, update: Api.TypeUpdate): void {
  if (update instanceof Api.UpdateChannelParticipant) {
    set.chats.add(fromLong(update.channelId));
    set.users.add(fromLong(update.actorId)).add(fromLong(update.userId));
  } else if (update instanceof Api.UpdateChatParticipant) {
    set.chats.add(fromLong(update.chatId));
    set.users.add(fromLong(update.actorId)).add(fromLong(update.userId));
  } else if (update instanceof Api.UpdateBotStopped) {
    set.users.add(fromLong(update.userId));
  }
}
