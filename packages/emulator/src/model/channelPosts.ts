/**
 * Posting to megagroups and broadcast channels: one message-id sequence and pts per chat (`chat.box`),
 * the rights Telegram checks, updateNewChannelMessage to every connected member, and the Updates the
 * poster's own call returns.
 */
import { Api } from "telegram";
import { botSeesChannelMessage, noteBotMessage } from "./botPrivacy.js";
import { addMessage, advancePts, channelBox } from "./box.js";
import { holdsAdminRight, isMemberRole, participantOf } from "./chats.js";
import { chatUpdates, type DeliveryOptions, pushToMembers } from "./delivery.js";
import { forbidden, notAcceptable } from "./errors.js";
import { channelMentions, noteChannelMentions } from "./mentions.js";
import { renderMessage } from "./messageRender.js";
import { messageUserIds } from "./peerSet.js";
import type { ChatRecord, MessageBox, MessageContent, MessageRecord, PtsEvent } from "./records.js";
import type { World } from "./world.js";

/**
 * Whether userId may send this content: CHANNEL_PRIVATE when banned, CHAT_WRITE_FORBIDDEN for
 * non-members, members of broadcast channels and people restricted from sending;
 * CHAT_ADMIN_REQUIRED for channel admins without post_messages; CHAT_SEND_PLAIN_FORBIDDEN for text;
 * CHAT_SEND_MEDIA_FORBIDDEN, CHAT_SEND_PHOTOS_FORBIDDEN, CHAT_SEND_DOCS_FORBIDDEN for media.
 */
export function checkCanPost(world: World, chat: ChatRecord, userId: number, content: MessageContent): void {
  const p = participantOf(world, chat, userId);
  if (p?.role === "kicked") throw notAcceptable("CHANNEL_PRIVATE");
  if (!p || !isMemberRole(p.role)) throw forbidden("CHAT_WRITE_FORBIDDEN");
  if (chat.kind === "channel") {
    if (holdsAdminRight(p, "postMessages")) return;
    throw forbidden(p.role === "admin" ? "CHAT_ADMIN_REQUIRED" : "CHAT_WRITE_FORBIDDEN");
  }
  if (p.role !== "restricted") return;
  const rights = p.bannedRights;
  if (rights?.sendMessages) throw forbidden("CHAT_WRITE_FORBIDDEN");
  if (content.media === undefined) {
    if (rights?.sendPlain && content.text) throw forbidden("CHAT_SEND_PLAIN_FORBIDDEN");
    return;
  }
  if (rights?.sendMedia) throw forbidden("CHAT_SEND_MEDIA_FORBIDDEN");
  if (content.media.kind === "photo" && rights?.sendPhotos) throw forbidden("CHAT_SEND_PHOTOS_FORBIDDEN");
  if (content.media.kind === "document" && rights?.sendDocs) throw forbidden("CHAT_SEND_DOCS_FORBIDDEN");
}

/**
 * Post a message to a megagroup/channel: the next id and pts of the channel box, an
 * updateNewChannelMessage to every online member, the members it mentions noted (mentions.ts). Service messages (content.action) skip the
 * posting rights check. Returns the stored record.
 */
export function postChannelMessage(world: World, chat: ChatRecord, fromId: number, content: MessageContent, opts: DeliveryOptions = {}): MessageRecord {
  const box = channelBox(chat);
  if (!content.action) checkCanPost(world, chat, fromId, content);
  const date = world.now();
  const mentioned = channelMentions(world, chat, fromId, content);
  const record = addMessage(box, {
    peer: { type: "channel", id: chat.id },
    fromId,
    out: false,
    text: content.text ?? "",
    date,
    entities: content.entities,
    replyToId: content.replyToId,
    replyMarkup: content.replyMarkup,
    action: content.action,
    media: content.media,
    groupedId: content.groupedId,
    mentionIds: mentioned.length > 0 ? mentioned : undefined,
    fwdFrom: content.fwdFrom,
  });
  noteChannelMentions(chat, record.id, mentioned);
  publishChannelMessage(world, chat, record, Api.UpdateNewChannelMessage, date, fromId, opts);
  noteBotMessage(world, chat, fromId, content);
  return record;
}

/**
 * Log a new or edited message in its channel box (one pts) and push every online member the update
 * with the message as they see it; the actor's calling session is skipped, and so are bots whose
 * privacy mode hides the message (botPrivacy.ts: they see the pts move past it, as a gap).
 */
export function publishChannelMessage(
  world: World,
  chat: ChatRecord,
  record: MessageRecord,
  Update: typeof Api.UpdateNewChannelMessage | typeof Api.UpdateEditChannelMessage,
  date: number,
  actorId: number,
  opts: DeliveryOptions,
): void {
  const { event } = advancePts(channelBox(chat), 1, date, (pts) => new Update({ message: renderMessage(world, record), pts, ptsCount: 1 }));
  const build = (viewerId: number) =>
    botSeesChannelMessage(world, viewerId, chat, record) ? [new Update({ message: renderMessage(world, record, viewerId), pts: event.pts, ptsCount: 1 })] : [];
  pushToMembers(world, chat, build, messageUserIds(record), actorId, opts);
}

/** The pts event that created (or last edited) a message in a channel box, newest first. */
export function findMessageEvent(box: MessageBox, messageId: number): PtsEvent | undefined {
  for (let i = box.log.length - 1; i >= 0; i--) {
    const update = box.log[i].update;
    if ((update instanceof Api.UpdateNewChannelMessage || update instanceof Api.UpdateEditChannelMessage) && update.message.id === messageId) {
      return box.log[i];
    }
  }
  return undefined;
}

/**
 * What the sender's own call returns after posting or editing: Updates with the message's
 * channel update as they see it (out set).
 */
export function senderUpdates(world: World, chat: ChatRecord, record: MessageRecord, extra: Api.TypeUpdate[] = []): Api.Updates {
  const event = findMessageEvent(channelBox(chat), record.id);
  if (!event) throw new Error(`message ${record.id} has no pts event in chat ${chat.id}`);
  const message = renderMessage(world, record, record.fromId);
  const update =
    event.update instanceof Api.UpdateEditChannelMessage
      ? new Api.UpdateEditChannelMessage({ message, pts: event.pts, ptsCount: event.ptsCount })
      : new Api.UpdateNewChannelMessage({ message, pts: event.pts, ptsCount: event.ptsCount });
  return chatUpdates(world, record.fromId, chat, [...extra, update], messageUserIds(record));
}
