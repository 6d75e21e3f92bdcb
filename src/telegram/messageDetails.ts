/**
 * What a GramJS message carries besides chat, sender, text and date, in the runtime's own shapes: media
 * (kind, file name, mime type, size, dimensions, duration), forward origin, entities, the mention flag,
 * album id, via bot, reply-to, edit date, views and forwards, and a service message's action.
 */
import { Api, utils } from "telegram";
import type { ChatAction, EntityType, ForwardOrigin, Media, Message, MessageEntity, ReplyTo } from "../handlers/message.js";

/** The optional fields of Message that a full or service message fills. */
export type MessageDetails = Pick<
  Message,
  "media" | "forward" | "entities" | "mentioned" | "groupedId" | "viaBotId" | "replyTo" | "editDate" | "views" | "forwards" | "action"
>;

/** The details of a message (GramJS reads absent optional fields as null; they become undefined). */
export function detailsOf(message: Api.Message | Api.MessageService): MessageDetails {
  if (message instanceof Api.MessageService) {
    return compact({ action: actionOf(message.action, message), mentioned: message.mentioned === true || undefined, replyTo: replyOf(message.replyTo) });
  }
  const text = message.message ?? "";
  return compact({
    media: mediaOf(message.media),
    forward: forwardOf(message.fwdFrom),
    entities: (message.entities ?? []).map((entity) => entityOf(entity, text)),
    mentioned: message.mentioned === true,
    groupedId: message.groupedId?.toString(),
    viaBotId: message.viaBotId?.toString(),
    replyTo: replyOf(message.replyTo),
    editDate: message.editDate ?? undefined,
    views: message.views ?? undefined,
    forwards: message.forwards ?? undefined,
  });
}

/** The message's media as handlers see it, if it has any. */
export function mediaOf(media: Api.TypeMessageMedia | null | undefined): Media | undefined {
  if (media == null || media instanceof Api.MessageMediaEmpty) return undefined;
  if (media instanceof Api.MessageMediaPhoto) {
    const photo = media.photo instanceof Api.Photo ? media.photo : undefined;
    const largest = photo === undefined ? undefined : largestSize(photo.sizes);
    return compact({ kind: "photo", mimeType: "image/jpeg", size: largest?.size, width: largest?.w, height: largest?.h }) as Media;
  }
  if (media instanceof Api.MessageMediaDocument) {
    return media.document instanceof Api.Document ? documentMedia(media.document) : { kind: "document" };
  }
  if (media instanceof Api.MessageMediaPoll) return { kind: "poll" };
  if (media instanceof Api.MessageMediaGeo || media instanceof Api.MessageMediaGeoLive || media instanceof Api.MessageMediaVenue) return { kind: "location" };
  if (media instanceof Api.MessageMediaContact) return { kind: "contact" };
  if (media instanceof Api.MessageMediaWebPage) return { kind: "webpage" };
  return { kind: "other" };
}

/** A document's kind from its attributes (sticker, animation, voice, audio, video, else document) and its file facts. */
function documentMedia(document: Api.Document): Media {
  let kind: Media["kind"] = "document";
  let fileName: string | undefined;
  let width: number | undefined;
  let height: number | undefined;
  let duration: number | undefined;
  let animated = false;
  let sticker = false;
  for (const attribute of document.attributes) {
    if (attribute instanceof Api.DocumentAttributeFilename) fileName = attribute.fileName;
    else if (attribute instanceof Api.DocumentAttributeSticker) sticker = true;
    else if (attribute instanceof Api.DocumentAttributeAnimated) animated = true;
    else if (attribute instanceof Api.DocumentAttributeImageSize) {
      width = attribute.w;
      height = attribute.h;
    } else if (attribute instanceof Api.DocumentAttributeVideo) {
      if (kind === "document") kind = "video";
      width = attribute.w;
      height = attribute.h;
      duration = attribute.duration;
    } else if (attribute instanceof Api.DocumentAttributeAudio) {
      kind = attribute.voice === true ? "voice" : "audio";
      duration = attribute.duration;
    }
  }
  if (sticker) kind = "sticker";
  else if (animated) kind = "animation";
  return compact({ kind, fileName, mimeType: document.mimeType, size: Number(document.size.toString()), width, height, duration }) as Media;
}

function largestSize(sizes: readonly Api.TypePhotoSize[]): { w: number; h: number; size?: number } | undefined {
  let best: { w: number; h: number; size?: number } | undefined;
  for (const size of sizes) {
    let candidate: { w: number; h: number; size?: number } | undefined;
    if (size instanceof Api.PhotoSize) candidate = { w: size.w, h: size.h, size: size.size };
    else if (size instanceof Api.PhotoSizeProgressive) candidate = { w: size.w, h: size.h, size: Math.max(0, ...size.sizes) };
    else if (size instanceof Api.PhotoCachedSize) candidate = { w: size.w, h: size.h, size: size.bytes.length };
    if (candidate !== undefined && (best === undefined || candidate.w * candidate.h > best.w * best.h)) best = candidate;
  }
  return best;
}

function forwardOf(header: Api.MessageFwdHeader | null | undefined): ForwardOrigin | undefined {
  if (header == null) return undefined;
  return compact({
    fromId: header.fromId == null ? undefined : utils.getPeerId(header.fromId),
    fromName: header.fromName ?? undefined,
    messageId: header.channelPost ?? undefined,
    postAuthor: header.postAuthor ?? undefined,
    date: header.date,
  }) as ForwardOrigin;
}

const ENTITY_TYPES: readonly [new (...args: never[]) => Api.TypeMessageEntity, EntityType][] = [
  [Api.MessageEntityMention, "mention"],
  [Api.MessageEntityMentionName, "mention_name"],
  [Api.InputMessageEntityMentionName, "mention_name"],
  [Api.MessageEntityHashtag, "hashtag"],
  [Api.MessageEntityCashtag, "cashtag"],
  [Api.MessageEntityBotCommand, "bot_command"],
  [Api.MessageEntityUrl, "url"],
  [Api.MessageEntityTextUrl, "text_link"],
  [Api.MessageEntityEmail, "email"],
  [Api.MessageEntityPhone, "phone"],
  [Api.MessageEntityCustomEmoji, "custom_emoji"],
  [Api.MessageEntityBold, "bold"],
  [Api.MessageEntityItalic, "italic"],
  [Api.MessageEntityUnderline, "underline"],
  [Api.MessageEntityStrike, "strike"],
  [Api.MessageEntitySpoiler, "spoiler"],
  [Api.MessageEntityCode, "code"],
  [Api.MessageEntityPre, "pre"],
  [Api.MessageEntityBlockquote, "blockquote"],
];

function entityOf(entity: Api.TypeMessageEntity, text: string): MessageEntity {
  const type = ENTITY_TYPES.find(([type]) => entity instanceof type)?.[1] ?? "other";
  const base = { type, offset: entity.offset, length: entity.length, text: text.slice(entity.offset, entity.offset + entity.length) };
  if (entity instanceof Api.MessageEntityTextUrl) return { ...base, url: entity.url };
  if (entity instanceof Api.MessageEntityMentionName) return { ...base, userId: entity.userId.toString() };
  if (entity instanceof Api.MessageEntityCustomEmoji) return { ...base, customEmojiId: entity.documentId.toString() };
  return base;
}

function replyOf(header: Api.TypeMessageReplyHeader | null | undefined): ReplyTo | undefined {
  if (!(header instanceof Api.MessageReplyHeader)) return undefined;
  const reply = compact({
    messageId: header.replyToMsgId ?? undefined,
    chatId: header.replyToPeerId == null ? undefined : utils.getPeerId(header.replyToPeerId),
    threadId: header.replyToTopId ?? (header.forumTopic === true ? header.replyToMsgId : undefined) ?? undefined,
  });
  return Object.keys(reply).length === 0 ? undefined : (reply as ReplyTo);
}

/** A service message's action as handlers see it: who joined, left, was added or removed; title, photo, pin. */
export function actionOf(action: Api.TypeMessageAction, message: Api.MessageService): ChatAction {
  const actor = message.fromId == null ? undefined : utils.getPeerId(message.fromId);
  if (action instanceof Api.MessageActionChatAddUser) {
    const userIds = action.users.map((id) => id.toString());
    // Someone who adds only themselves joined (a public group's join answers with chatAddUser naming the joiner).
    return userIds.length === 1 && userIds[0] === actor ? { type: "join", userIds } : { type: "add", userIds };
  }
  if (action instanceof Api.MessageActionChatJoinedByLink)
    return { type: "join", userIds: actor === undefined ? [] : [actor], inviterId: action.inviterId.toString() };
  if (action instanceof Api.MessageActionChatJoinedByRequest) return { type: "join", userIds: actor === undefined ? [] : [actor] };
  if (action instanceof Api.MessageActionChatDeleteUser) {
    const userId = action.userId.toString();
    return userId === actor ? { type: "leave", userId } : { type: "kick", userId };
  }
  if (action instanceof Api.MessageActionChatEditTitle) return { type: "title", title: action.title };
  if (action instanceof Api.MessageActionChatEditPhoto) return { type: "photo" };
  if (action instanceof Api.MessageActionChatDeletePhoto) return { type: "photo_removed" };
  if (action instanceof Api.MessageActionPinMessage) {
    const pinned = message.replyTo instanceof Api.MessageReplyHeader ? (message.replyTo.replyToMsgId ?? undefined) : undefined;
    return pinned === undefined ? { type: "pin" } : { type: "pin", messageId: pinned };
  }
  if (action instanceof Api.MessageActionChatCreate || action instanceof Api.MessageActionChannelCreate) return { type: "create", title: action.title };
  return { type: "other", name: action.className };
}

/** The object without its undefined fields (so that tests compare what is there). */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
