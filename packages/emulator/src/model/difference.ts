/**
 * updates.getState and updates.getDifference over an account's common box and its qts sequence, as
 * https://core.telegram.org/api/updates describes: the pts events after the client's pts and the qts
 * events (bot updates, qts.ts) after the client's qts, merged in the order they happened, whole
 * (difference), in slices (differenceSlice with intermediate_state), or refused when the pts gap is too
 * large (differenceTooLong); the channels with news named by updateChannelTooLong. seq is not used by the
 * emulator and stays 0.
 */
import { Api } from "telegram";
import { eventsAfter } from "./box.js";
import { chatsOf } from "./chats.js";
import { badRequest } from "./errors.js";
import { toLong } from "./longs.js";
import { collectUpdatePeers, peerSet, renderPeerSet } from "./peerSet.js";
import { collectQtsPeers, currentQts, qtsEventsAfter } from "./qts.js";
import { totalUnread } from "./readState.js";
import type { ChatRecord, PtsEvent, QtsEvent } from "./records.js";
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
 * updateChannelTooLong for each megagroup and channel the account is in whose box logged an event (one
 * it may see) at or after `date`, the client's date: "On startup, only updates.getDifference should be
 * called [...] getChannelDifference will be automatically triggered (only for channels that need catching
 * up) by a set of updateChannelTooLong updates that will be returned by the updates.getDifference call"
 * (core.telegram.org/api/updates, Recovering gaps). Its pts is the channel's before those events: "If the
 * channel's PTS isn't currently stored [...] start fetching from the specified pts"
 * (core.telegram.org/constructor/updateChannelTooLong). The date is a whole second, so the events of that
 * second count: an event in the same second as the client's state cannot be told to be older than it.
 * Channels without such events are not named: the client must not fetch every channel.
 */
function channelsWithNews(world: World, userId: number, date: number): { chat: ChatRecord; update: Api.UpdateChannelTooLong }[] {
  const named: { chat: ChatRecord; update: Api.UpdateChannelTooLong }[] = [];
  for (const chat of chatsOf(world, userId)) {
    const log = chat.box?.log;
    if (!log) continue;
    let first: PtsEvent | undefined;
    for (let i = log.length - 1; i >= 0 && log[i].date >= date; i--) {
      if (log[i].viewerId === undefined || log[i].viewerId === userId) first = log[i];
    }
    if (first) named.push({ chat, update: new Api.UpdateChannelTooLong({ channelId: toLong(chat.id), pts: first.pts - first.ptsCount }) });
  }
  return named;
}

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
 * pts and qts and no channel has news; PERSISTENT_TIMESTAMP_INVALID for a pts the server never reached;
 * differenceTooLong (with the current pts) when the pts gap exceeds world.limits.differenceTooLong or the
 * client's pts_total_limit; otherwise new messages (updateNewMessage) and other updates (the pts ones and
 * the qts ones, in the order they happened), in slices of at most world.limits.differenceSlice events
 * (pts_limit and qts_limit narrow a slice further), the last one naming the channels with news
 * (channelsWithNews). Qts events the log forgot are skipped.
 */
export function getDifference(world: World, userId: number, request: DifferenceRequest): Api.updates.TypeDifference {
  const box = world.boxOf(userId);
  const gap = box.pts - request.pts;
  // A pts the server never reached (the account's pts was reset since, or the client is wrong): the method
  // page lists 400 PERSISTENT_TIMESTAMP_INVALID, and TDLib answers it by dropping its pts and calling
  // updates.getState (UpdatesManager::on_failed_get_difference); getChannelDifference does the same for a
  // channel pts beyond the channel's (channelDifference.ts).
  if (gap < 0) throw badRequest("PERSISTENT_TIMESTAMP_INVALID");
  const tooLong = gap > world.limits.differenceTooLong || (request.ptsTotalLimit !== undefined && gap > request.ptsTotalLimit);
  if (tooLong) return new Api.updates.DifferenceTooLong({ pts: box.pts });
  const qtsBox = world.users.get(userId)?.qts;
  const qtsEvents = qtsBox === undefined ? [] : qtsEventsAfter(qtsBox, request.qts);
  const channels = channelsWithNews(world, userId, request.date);
  if (gap === 0 && qtsEvents.length === 0 && channels.length === 0) return new Api.updates.DifferenceEmpty({ date: world.now(), seq: 0 });

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
  const final = take >= steps.length;
  if (final) {
    for (const { chat, update } of channels) {
      otherUpdates.push(update);
      named.chats.add(chat.id);
    }
  }
  const body = { newMessages, newEncryptedMessages: [], otherUpdates, ...renderPeerSet(world, userId, named) };
  if (!final) {
    const last = steps[take - 1].event;
    return new Api.updates.DifferenceSlice({ ...body, intermediateState: currentState(world, userId, pts, last.date, qts) });
  }
  return new Api.updates.Difference({ ...body, state: currentState(world, userId) });
}

/**
 * A server-side reset of an account's common pts (control API POST /users/:id/pts): the box goes on from
 * `pts` and the events logged before are forgotten (a client's getDifference from an older pts gets no
 * replay of them; from a pts above, PERSISTENT_TIMESTAMP_INVALID). Telegram does this rarely: TDLib and
 * mtcute take a pts drop of more than 1,000,009 as one (UpdatesManager::set_pts: "PTS can only go up or
 * drop cardinally"). With `notify`, the account's online sessions get updatePtsChanged ("Common message box
 * sequence PTS has changed, state has to be refetched using updates.getState",
 * core.telegram.org/constructor/updatePtsChanged); by default they are told nothing, as a session offline
 * at the time would not be.
 */
export function resetCommonPts(world: World, userId: number, pts: number, notify = false): void {
  const box = world.boxOf(userId);
  box.pts = pts;
  box.log = [];
  if (notify && world.onlineUsers().has(userId)) world.push(userId, new Api.UpdateShort({ update: new Api.UpdatePtsChanged(), date: world.now() }));
}
