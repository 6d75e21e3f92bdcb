/**
 * updates.getState and updates.getDifference over an account's common box, as
 * https://core.telegram.org/api/updates describes: the events after the client's pts, whole
 * (difference), in slices (differenceSlice with intermediate_state), or refused when the gap is
 * too large (differenceTooLong). qts and seq are not used by the emulator and stay 0.
 */
import { Api } from "telegram";
import { eventsAfter } from "./box.js";
import { collectUpdatePeers, peerSet, renderPeerSet, totalUnread } from "./messages.js";
import type { World } from "./world.js";

/** The account's update state: pts of its common box, the current date, qts = seq = 0. */
export function currentState(world: World, userId: number, pts = world.boxOf(userId).pts, date = world.now()): Api.updates.State {
  return new Api.updates.State({ pts, qts: 0, date, seq: 0, unreadCount: totalUnread(world, userId) });
}

/** What the client sends with updates.getDifference. */
export interface DifferenceRequest {
  pts: number;
  date: number;
  ptsLimit?: number;
  ptsTotalLimit?: number;
}

/**
 * The difference between the client's pts and the account's box: differenceEmpty when up to date,
 * differenceTooLong (with the current pts) when the gap exceeds world.limits.differenceTooLong or
 * the client's pts_total_limit, or when the client claims a pts the server never reached;
 * otherwise new messages (updateNewMessage) and other updates, in slices of at most
 * world.limits.differenceSlice events (pts_limit narrows a slice further).
 */
export function getDifference(world: World, userId: number, request: DifferenceRequest): Api.updates.TypeDifference {
  const box = world.boxOf(userId);
  const gap = box.pts - request.pts;
  if (gap === 0) return new Api.updates.DifferenceEmpty({ date: world.now(), seq: 0 });
  const tooLong = gap > world.limits.differenceTooLong || (request.ptsTotalLimit !== undefined && gap > request.ptsTotalLimit);
  if (gap < 0 || tooLong) return new Api.updates.DifferenceTooLong({ pts: box.pts });

  const events = eventsAfter(box, request.pts);
  let take = Math.min(events.length, Math.max(world.limits.differenceSlice, 1));
  if (request.ptsLimit !== undefined && request.ptsLimit > 0) {
    const ceiling = request.pts + request.ptsLimit;
    let within = 0;
    while (within < take && events[within].pts <= ceiling) within++;
    take = Math.max(within, 1);
  }
  const included = events.slice(0, take);
  const newMessages: Api.TypeMessage[] = [];
  const otherUpdates: Api.TypeUpdate[] = [];
  const named = peerSet();
  for (const { update } of included) {
    collectUpdatePeers(named, update);
    if (update instanceof Api.UpdateNewMessage) newMessages.push(update.message);
    else otherUpdates.push(update);
  }
  const body = { newMessages, newEncryptedMessages: [], otherUpdates, ...renderPeerSet(world, userId, named) };
  if (take < events.length) {
    const last = included[included.length - 1];
    return new Api.updates.DifferenceSlice({ ...body, intermediateState: currentState(world, userId, last.pts, last.date) });
  }
  return new Api.updates.Difference({ ...body, state: currentState(world, userId) });
}
