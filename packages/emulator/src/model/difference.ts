/**
 * updates.getState and updates.getDifference over an account's common box and its qts sequence, as
 * https://core.telegram.org/api/updates describes: the pts events after the client's pts and the qts
 * events (bot updates, qts.ts) after the client's qts, merged in the order they happened, whole
 * (difference), in slices (differenceSlice with intermediate_state), or refused when the pts gap is too
 * large (differenceTooLong). seq is not used by the emulator and stays 0.
 */
import { Api } from "telegram";
import { eventsAfter } from "./box.js";
import { collectUpdatePeers, peerSet, renderPeerSet } from "./peerSet.js";
import { collectQtsPeers, currentQts, qtsEventsAfter } from "./qts.js";
import { totalUnread } from "./readState.js";
import type { PtsEvent, QtsEvent } from "./records.js";
import type { World } from "./world.js";

/** The account's update state: pts of its common box, its qts, the current date, seq = 0. */
export function currentState(
  world: World,
  userId: number,
  pts = world.boxOf(userId).pts,
  date = world.now(),
  qts = currentQts(world, userId),
): Api.updates.State {
  return new Api.updates.State({ pts, qts, date, seq: 0, unreadCount: totalUnread(world, userId) });
}

/** What the client sends with updates.getDifference. */
export interface DifferenceRequest {
  pts: number;
  date: number;
  qts: number;
  ptsLimit?: number;
  ptsTotalLimit?: number;
  qtsLimit?: number;
}

type Step = { kind: "pts"; event: PtsEvent } | { kind: "qts"; event: QtsEvent };

/**
 * The pts and qts events in the order they happened: a qts event records the pts its account had then,
 * so it comes after the pts events up to that pts and before the later ones.
 */
function merge(ptsEvents: PtsEvent[], qtsEvents: QtsEvent[]): Step[] {
  const steps: Step[] = [];
  let q = 0;
  for (const event of ptsEvents) {
    while (q < qtsEvents.length && qtsEvents[q].pts < event.pts) steps.push({ kind: "qts", event: qtsEvents[q++] });
    steps.push({ kind: "pts", event });
  }
  while (q < qtsEvents.length) steps.push({ kind: "qts", event: qtsEvents[q++] });
  return steps;
}

/**
 * The difference between the client's state and the account's: differenceEmpty when up to date in both
 * pts and qts; differenceTooLong (with the current pts) when the pts gap exceeds
 * world.limits.differenceTooLong or the client's pts_total_limit, or when the client claims a pts the
 * server never reached; otherwise new messages (updateNewMessage) and other updates (the pts ones and
 * the qts ones, in the order they happened), in slices of at most world.limits.differenceSlice events
 * (pts_limit and qts_limit narrow a slice further). Qts events the log forgot are skipped.
 */
export function getDifference(world: World, userId: number, request: DifferenceRequest): Api.updates.TypeDifference {
  const box = world.boxOf(userId);
  const gap = box.pts - request.pts;
  const tooLong = gap > world.limits.differenceTooLong || (request.ptsTotalLimit !== undefined && gap > request.ptsTotalLimit);
  if (gap < 0 || tooLong) return new Api.updates.DifferenceTooLong({ pts: box.pts });
  const qtsBox = world.users.get(userId)?.qts;
  const qtsEvents = qtsBox === undefined ? [] : qtsEventsAfter(qtsBox, request.qts);
  if (gap === 0 && qtsEvents.length === 0) return new Api.updates.DifferenceEmpty({ date: world.now(), seq: 0 });

  const steps = merge(gap === 0 ? [] : eventsAfter(box, request.pts), qtsEvents);
  const ptsCeiling = request.ptsLimit !== undefined && request.ptsLimit > 0 ? request.pts + request.ptsLimit : Infinity;
  const qtsCeiling = request.qtsLimit !== undefined && request.qtsLimit > 0 ? request.qts + request.qtsLimit : Infinity;
  const most = Math.max(world.limits.differenceSlice, 1);
  let take = 0;
  while (take < steps.length && take < most) {
    const step = steps[take];
    if (step.kind === "pts" ? step.event.pts > ptsCeiling : step.event.qts > qtsCeiling) break;
    take++;
  }
  take = Math.max(take, 1);

  const newMessages: Api.TypeMessage[] = [];
  const otherUpdates: Api.TypeUpdate[] = [];
  const named = peerSet();
  let pts = request.pts;
  let qts = request.qts;
  for (const step of steps.slice(0, take)) {
    const update = step.event.update;
    if (step.kind === "qts") {
      collectQtsPeers(named, update);
      otherUpdates.push(update);
      qts = step.event.qts;
      continue;
    }
    collectUpdatePeers(named, update);
    if (update instanceof Api.UpdateNewMessage) newMessages.push(update.message);
    else otherUpdates.push(update);
    pts = step.event.pts;
  }
  const body = { newMessages, newEncryptedMessages: [], otherUpdates, ...renderPeerSet(world, userId, named) };
  if (take < steps.length) {
    const last = steps[take - 1].event;
    return new Api.updates.DifferenceSlice({ ...body, intermediateState: currentState(world, userId, pts, last.date, qts) });
  }
  return new Api.updates.Difference({ ...body, state: currentState(world, userId) });
}
