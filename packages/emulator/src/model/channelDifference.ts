/**
 * updates.getChannelDifference over a megagroup/channel box, as core.telegram.org/api/updates
 * and the method's page describe it: channelDifferenceEmpty when nothing is new,
 * channelDifference (final unless `limit` cut it), channelDifferenceTooLong with the dialog and
 * the latest messages when the gap is beyond what the server replays or what the caller may fetch.
 */
import { Api } from "telegram";
import { botSeesChannelMessage } from "./botPrivacy.js";
import { channelBox, eventsAfter } from "./box.js";
import { renderChat } from "./chats.js";
import { renderDialog } from "./dialogs.js";
import { badRequest } from "./errors.js";
import { renderMessage } from "./messageRender.js";
import { messageUserIds } from "./peerSet.js";
import type { ChatRecord, MessageRecord } from "./records.js";
import { renderUsers } from "./users.js";
import type { World } from "./world.js";

/** Seconds after which clients should poll the channel again (the `timeout` field). */
export const CHANNEL_DIFFERENCE_TIMEOUT = 30;
/** Most updates one call returns: ordinary users are supposed to pass 10-100, bots up to 100000. */
export const USER_CHANNEL_DIFFERENCE_LIMIT = 100;
export const BOT_CHANNEL_DIFFERENCE_LIMIT = 100_000;

/** The newest `count` messages of a channel box, newest first. */
function latestMessages(chat: ChatRecord, count: number): MessageRecord[] {
  const box = channelBox(chat);
  const found: MessageRecord[] = [];
  for (let id = box.lastMessageId; id > 0 && found.length < count; id--) {
    const record = box.messages.get(id);
    if (record) found.push(record);
  }
  return found;
}

function tooLong(world: World, viewerId: number, chat: ChatRecord, messageCount: number): Api.updates.ChannelDifferenceTooLong {
  const latest = latestMessages(chat, messageCount).filter((record) => botSeesChannelMessage(world, viewerId, chat, record));
  const dialog = renderDialog(world, viewerId, { peer: { type: "channel", id: chat.id }, top: latest[0], date: latest[0]?.date ?? chat.date });
  return new Api.updates.ChannelDifferenceTooLong({
    final: true,
    timeout: CHANNEL_DIFFERENCE_TIMEOUT,
    dialog,
    messages: latest.map((record) => renderMessage(world, record, viewerId)),
    chats: [renderChat(world, viewerId, chat)],
    users: renderUsers(world, viewerId, latest.flatMap(messageUserIds)),
  });
}

/**
 * The difference of a channel box since `pts` for viewerId (access already checked).
 * PERSISTENT_TIMESTAMP_EMPTY for pts <= 0, PERSISTENT_TIMESTAMP_INVALID beyond the box's pts.
 * Too long when the gap exceeds `limits.channelDifferenceTooLong` or the log no longer reaches
 * back to pts, and for non-bots when pts + limit < remote pts (their limit is at most 100);
 * bots get slices of `limit` pts with final unset until they catch up. Events of one member's alone
 * (records.ts PtsEvent.viewerId) are shown to that member only; the pts moves past them for everyone.
 */
export function channelDifference(
  world: World,
  viewerId: number,
  chat: ChatRecord,
  pts: number,
  limit: number,
  isBot: boolean,
): Api.updates.TypeChannelDifference {
  const box = channelBox(chat);
  if (pts <= 0) throw badRequest("PERSISTENT_TIMESTAMP_EMPTY");
  if (pts > box.pts) throw badRequest("PERSISTENT_TIMESTAMP_INVALID");
  const maxLimit = isBot ? BOT_CHANNEL_DIFFERENCE_LIMIT : USER_CHANNEL_DIFFERENCE_LIMIT;
  const effectiveLimit = Math.min(Math.max(limit, 1), maxLimit);
  const gap = box.pts - pts;
  if (gap === 0) return new Api.updates.ChannelDifferenceEmpty({ final: true, pts: box.pts, timeout: CHANNEL_DIFFERENCE_TIMEOUT });
  const events = eventsAfter(box, pts);
  const logReaches = events.length > 0 && events[0].pts - events[0].ptsCount <= pts;
  if (gap > world.limits.channelDifferenceTooLong || !logReaches || (!isBot && gap > effectiveLimit)) {
    return tooLong(world, viewerId, chat, Math.min(effectiveLimit, USER_CHANNEL_DIFFERENCE_LIMIT));
  }
  let end = events.length;
  if (gap > effectiveLimit) {
    end = events.findIndex((event) => event.pts > pts + effectiveLimit);
    if (end <= 0) end = 1;
  }
  const slice = events.slice(0, end);
  const final = end === events.length;
  const newMessages: Api.TypeMessage[] = [];
  const otherUpdates: Api.TypeUpdate[] = [];
  const userIds: number[] = [];
  const shown = new Set<number>();
  for (const event of slice) {
    // An event of another member's alone (their readMentions): their pts step, nothing to show this viewer.
    if (event.viewerId !== undefined && event.viewerId !== viewerId) continue;
    const update = event.update;
    if (update instanceof Api.UpdateNewChannelMessage || update instanceof Api.UpdateEditChannelMessage) {
      const record = box.messages.get(update.message.id);
      if (!record || shown.has(record.id)) continue;
      shown.add(record.id);
      // A bot in privacy mode is told only what it would have been pushed (botPrivacy.ts).
      if (isBot && !botSeesChannelMessage(world, viewerId, chat, record)) continue;
      userIds.push(...messageUserIds(record));
      const message = renderMessage(world, record, viewerId);
      if (update instanceof Api.UpdateNewChannelMessage) newMessages.push(message);
      else otherUpdates.push(new Api.UpdateEditChannelMessage({ message, pts: event.pts, ptsCount: event.ptsCount }));
    } else {
      otherUpdates.push(update);
    }
  }
  return new Api.updates.ChannelDifference({
    final: final || undefined,
    pts: final ? box.pts : slice[slice.length - 1].pts,
    timeout: final ? CHANNEL_DIFFERENCE_TIMEOUT : undefined,
    newMessages,
    otherUpdates,
    chats: [renderChat(world, viewerId, chat)],
    users: renderUsers(world, viewerId, userIds),
  });
}
