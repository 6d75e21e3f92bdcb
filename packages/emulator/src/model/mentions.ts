/**
 * Mentions and messages.readMentions (core.telegram.org/method/messages.readMentions: "Mark mentions as
 * read", returning messages.affectedHistory). A common-box copy knows whether its owner is mentioned
 * (sending.ts); a megagroup message is everybody's, so it keeps the members it mentions, and the chat keeps
 * each member's unread ones.
 *
 * Reading them is an event of the box it acts on: updateReadMessagesContents in the reader's common box,
 * or, in a megagroup, a pts of the megagroup's box seen by the reader alone (the others' differences skip
 * it, though their pts moves past it). The affected history's pts is that box's, as TDLib applies it
 * (MessagesManager::on_get_affected_history: a channel dialog's result goes to the channel's pts).
 */
import { Api } from "telegram";
import { type AffectedHistory, advancePts, channelBox } from "./box.js";
import { chatMessageIds } from "./boxIndex.js";
import { isMemberRole } from "./chats.js";
import type { DeliveryOptions } from "./delivery.js";
import { fromLong, toLong } from "./longs.js";
import { wrapUpdates } from "./peerSet.js";
import type { ChatRecord, MessageContent, PeerRef } from "./records.js";
import type { World } from "./world.js";

/**
 * The members a megagroup message mentions, its sender aside: the author of the message it replies to,
 * mention-name entities, and @usernames in its text.
 */
export function channelMentions(world: World, chat: ChatRecord, fromId: number, content: MessageContent): number[] {
  if (chat.kind !== "megagroup" || content.action) return [];
  const ids = new Set<number>();
  const replied = content.replyToId === undefined ? undefined : channelBox(chat).messages.get(content.replyToId);
  if (replied) ids.add(replied.fromId);
  for (const entity of content.entities ?? []) {
    if (entity instanceof Api.MessageEntityMentionName) ids.add(fromLong(entity.userId));
  }
  for (const match of (content.text ?? "").matchAll(/(?:^|[^\w@])@(\w{5,32})/g)) {
    const ref = world.usernames.get(match[1].toLowerCase());
    if (ref?.type === "user") ids.add(ref.id);
  }
  ids.delete(fromId);
  return [...ids].filter((id) => isMemberRole(chat.participants.get(id)?.role));
}

/** Notes a new megagroup message's mentions as unread for each member it mentions. */
export function noteChannelMentions(chat: ChatRecord, messageId: number, mentioned: readonly number[]): void {
  if (mentioned.length === 0) return;
  const unread = (chat.unreadMentions ??= new Map());
  for (const userId of mentioned) {
    let ids = unread.get(userId);
    if (!ids) unread.set(userId, (ids = new Set()));
    ids.add(messageId);
  }
}

/**
 * messages.readMentions on a megagroup: the reader's unread mentions there are read, one pts of the
 * megagroup's box for the reader alone (their other sessions get updateChannelReadMessagesContents).
 * Nothing unread: the box's pts, no event.
 */
export function readChannelMentions(world: World, chat: ChatRecord, userId: number, opts: DeliveryOptions = {}): AffectedHistory {
  const box = channelBox(chat);
  const unread = chat.unreadMentions?.get(userId);
  if (!unread || unread.size === 0) return { pts: box.pts, ptsCount: 0, offset: 0 };
  chat.unreadMentions?.delete(userId);
  const read = new Api.UpdateChannelReadMessagesContents({ channelId: toLong(chat.id), messages: [...unread].sort((a, b) => a - b) });
  const { event } = advancePts(box, 1, world.now(), () => read);
  event.viewerId = userId;
  if (world.onlineUsers().has(userId)) world.push(userId, new Api.UpdateShort({ update: read, date: world.now() }), opts.exceptSessionKey);
  return { pts: box.pts, ptsCount: 1, offset: 0 };
}

/**
 * messages.readMentions on a private chat or basic group: the reader's copies there that mention them
 * are read, with one updateReadMessagesContents in their common box. Nothing unread: the box's pts, no event.
 */
export function readMentions(world: World, userId: number, peer: PeerRef, opts: DeliveryOptions = {}): AffectedHistory {
  const box = world.boxOf(userId);
  const ids = chatMessageIds(box, peer).filter((id) => {
    const record = box.messages.get(id);
    return record?.mentioned === true && record.mentionRead !== true;
  });
  if (ids.length === 0) return { pts: box.pts, ptsCount: 0, offset: 0 };
  for (const id of ids) box.messages.get(id)!.mentionRead = true;
  const { update } = advancePts(box, 1, world.now(), (pts) => new Api.UpdateReadMessagesContents({ messages: ids, pts, ptsCount: 1 }));
  if (world.onlineUsers().has(userId)) world.push(userId, wrapUpdates(world, userId, [update]), opts.exceptSessionKey);
  return { pts: box.pts, ptsCount: 1, offset: 0 };
}
