/**
 * A stored message as the TL Message, or MessageService for service messages: one renderer for
 * private chats, basic groups, megagroups and broadcast channels.
 */
import { Api } from "telegram";
import { renderMedia } from "./files.js";
import { toLong } from "./longs.js";
import { peerOf } from "./peerRefs.js";
import type { MessageRecord } from "./records.js";
import type { World } from "./world.js";

/**
 * A message as its box shows it. Common-box copies (private chats, basic groups) are their owner's:
 * `out` and `mentioned` as stored, media_unread until the mention is read. A channel box is everybody's:
 * `out` only on `viewerId`'s own messages and `mentioned` only on those mentioning them (media_unread
 * until they read it, mentions.ts), when a viewer is given. from_id names the sender in groups and megagroups, in private chats
 * only on outgoing copies, and never in broadcast channels, whose messages are posts of the channel.
 */
export function renderMessage(world: World, record: MessageRecord, viewerId?: number): Api.Message | Api.MessageService {
  const channel = record.peer.type === "channel" ? world.chats.get(record.peer.id) : undefined;
  const broadcast = channel?.kind === "channel";
  const privateIncoming = record.peer.type === "user" && !record.out;
  const fromId = broadcast || privateIncoming ? undefined : new Api.PeerUser({ userId: toLong(record.fromId) });
  const out = (channel ? viewerId !== undefined && record.fromId === viewerId : record.out) || undefined;
  const mentioned = (channel ? viewerId !== undefined && record.mentionIds?.includes(viewerId) : record.mentioned) || undefined;
  const unread = channel ? viewerId !== undefined && channel.unreadMentions?.get(viewerId)?.has(record.id) : !record.mentionRead;
  const post = broadcast || undefined;
  const peerId = peerOf(record.peer);
  const replyTo = record.replyToId ? new Api.MessageReplyHeader({ replyToMsgId: record.replyToId }) : undefined;
  if (record.action) {
    return new Api.MessageService({ out, mentioned, post, id: record.id, fromId, peerId, replyTo, date: record.date, action: record.action });
  }
  return new Api.Message({
    out,
    mentioned,
    mediaUnread: (mentioned && unread) || undefined,
    post,
    id: record.id,
    fromId,
    peerId,
    replyTo,
    date: record.date,
    fwdFrom: record.fwdFrom,
    pinned: record.pinned || undefined,
    message: record.text,
    media: record.media && renderMedia(record.media),
    // Channel messages carry their entity list as stored, an empty one included; common-box copies drop an empty one.
    entities: channel || record.entities?.length ? record.entities : undefined,
    replyMarkup: record.replyMarkup,
    editDate: record.editDate,
    groupedId: record.groupedId === undefined ? undefined : toLong(record.groupedId),
  });
}
