/**
 * Sending a message (postMessage): the checks Telegram applies to text and to who may write to whom,
 * a copy for every recipient's common box, the updates each of them gets, and the random_ids already
 * used. Posts to megagroups and channels go to channelPosts.ts.
 */
import { Api } from "telegram";
import { botReceives, noteBotMessage } from "./botPrivacy.js";
import { hasHistory } from "./boxIndex.js";
import { postChannelMessage } from "./channelPosts.js";
import { isMemberRole } from "./chats.js";
import { copyIdsOf, storeCopy } from "./copies.js";
import type { DeliveryOptions } from "./delivery.js";
import { badRequest, forbidden } from "./errors.js";
import { fromLong, toLong } from "./longs.js";
import { checkCaption } from "./media.js";
import { peerKey } from "./peerRefs.js";
import { collectActionPeers, peerSet, wrapUpdates } from "./peerSet.js";
import type { MessageContent, MessageRecord, PeerRef, UserRecord } from "./records.js";
import type { World } from "./world.js";

/** Longest message text Telegram accepts (config message_length_max). */
export const MAX_MESSAGE_LENGTH = 4096;

/** MESSAGE_EMPTY / MESSAGE_TOO_LONG for text that Telegram would refuse. */
export function checkText(text: string | undefined): void {
  if (!text || text.trim() === "") throw badRequest("MESSAGE_EMPTY");
  if (text.length > MAX_MESSAGE_LENGTH) throw badRequest("MESSAGE_TOO_LONG");
}

/** Whether a user already sent a message with this random_id (Telegram answers RANDOM_ID_DUPLICATE). */
export function randomIdUsed(world: World, userId: number, randomId: string): boolean {
  return world.messageLedger.randomIds.has(`${userId}:${randomId}`);
}

/** Record the random_id of a message a user sent. */
export function rememberRandomId(world: World, userId: number, randomId: string): void {
  world.messageLedger.randomIds.add(`${userId}:${randomId}`);
}

/** What the box owner's sessions receive for a new copy: the short forms where Telegram uses them. */
function announce(world: World, ownerId: number, record: MessageRecord, update: Api.UpdateNewMessage): Api.TypeUpdates {
  // updateShortMessage / updateShortChatMessage have no grouped_id (core.telegram.org/constructor/updateShortMessage):
  // an album's messages come as full updates.
  if (!record.action && !record.replyMarkup && !record.media && !record.fwdFrom && record.groupedId === undefined && record.peer.type !== "channel") {
    const common = {
      out: record.out || undefined,
      mentioned: record.mentioned || undefined,
      mediaUnread: record.mentioned || undefined,
      id: record.id,
      message: record.text,
      pts: update.pts,
      ptsCount: 1,
      date: record.date,
      replyTo: record.replyToId ? new Api.MessageReplyHeader({ replyToMsgId: record.replyToId }) : undefined,
      entities: record.entities?.length ? record.entities : undefined,
    };
    if (record.peer.type === "user") return new Api.UpdateShortMessage({ ...common, userId: toLong(record.peer.id) });
    return new Api.UpdateShortChatMessage({ ...common, fromId: toLong(record.fromId), chatId: toLong(record.peer.id) });
  }
  return wrapUpdates(world, ownerId, [update]);
}

/** Whether a copy mentions its owner: a reply to their message, @username, a mention-name entity. */
function mentions(world: World, owner: UserRecord, text: string, entities: Api.TypeMessageEntity[] | undefined, replyToId: number | undefined): boolean {
  if (replyToId !== undefined && world.boxOf(owner.id).messages.get(replyToId)?.out) return true;
  if (entities?.some((e) => e instanceof Api.MessageEntityMentionName && fromLong(e.userId) === owner.id)) return true;
  if (!owner.username) return false;
  return new RegExp(`(^|[^\\w@])@${owner.username}(?!\\w)`, "i").test(text);
}

/**
 * Send a message: the one way any message gets sent (messages.sendMessage and sendMedia, the control
 * API's simulated people, service messages); a message with media has a caption (MEDIA_CAPTION_TOO_LONG).
 * Private chats get a copy in each side's box, basic groups one in every member's box, channels go
 * to their own box (channelPosts.ts). Online recipients get
 * updateShortMessage / updateShortChatMessage where Telegram uses them, else Updates with
 * updateNewMessage; the sender's session named in opts is skipped. Returns the sender's copy.
 */
export function postMessage(world: World, fromId: number, peer: PeerRef, content: MessageContent, opts: DeliveryOptions = {}): MessageRecord {
  if (content.media) checkCaption(world, fromId, content.text);
  else if (!content.action) checkText(content.text);
  const sender = world.users.get(fromId);
  if (!sender) throw new Error(`postMessage: no user ${fromId}`);
  if (peer.type === "channel") {
    const chat = world.chats.get(peer.id);
    if (!chat || chat.kind === "group") throw badRequest("CHANNEL_INVALID");
    return postChannelMessage(world, chat, fromId, content, opts);
  }
  const replyTarget = world.boxOf(fromId).messages.get(content.replyToId ?? 0);
  const replyIds = copyIdsOf(world, fromId, replyTarget && peerKey(replyTarget.peer) === peerKey(peer) ? replyTarget : undefined);
  const recipients = peer.type === "user" ? privateRecipients(world, sender, peer.id) : groupRecipients(world, fromId, peer.id, content, replyIds);
  const base = {
    fromId,
    text: content.action ? "" : (content.text ?? ""),
    date: world.now(),
    entities: content.entities?.length ? content.entities : undefined,
    replyMarkup: content.replyMarkup,
    action: content.action,
    media: content.media,
    groupedId: content.groupedId,
    fwdFrom: content.fwdFrom,
    globalKey: world.messageLedger.nextGlobalKey++,
  };
  const online = world.onlineUsers();
  let sent: MessageRecord | undefined;
  for (const owner of recipients) {
    const ownReply = replyIds.get(owner.id);
    const { record, update } = storeCopy(world, owner.id, {
      ...base,
      peer: peer.type === "user" ? { type: "user", id: owner.id === fromId ? peer.id : fromId } : peer,
      out: owner.id === fromId,
      replyToId: ownReply,
      mentioned: owner.id !== fromId && peer.type === "chat" && mentions(world, owner, base.text, base.entities, ownReply) ? true : undefined,
    });
    if (owner.id === fromId) sent = record;
    if (online.has(owner.id)) {
      world.push(owner.id, announce(world, owner.id, record, update), owner.id === fromId ? opts.exceptSessionKey : undefined);
    }
  }
  if (!sent) throw new Error("postMessage: the sender got no copy");
  return sent;
}

/** Sender and receiver of a private message, with Telegram's refusals. */
function privateRecipients(world: World, sender: UserRecord, receiverId: number): UserRecord[] {
  const receiver = world.users.get(receiverId);
  if (!receiver) throw badRequest("PEER_ID_INVALID");
  if (receiver.id === sender.id) return [sender];
  if (receiver.deleted) throw badRequest("INPUT_USER_DEACTIVATED");
  if (sender.bot && receiver.bot) throw badRequest("USER_IS_BOT");
  // Bots cannot start conversations: the person must have written to the bot first.
  if (sender.bot && !hasHistory(world, sender.id, { type: "user", id: receiver.id })) throw badRequest("PEER_ID_INVALID");
  return [sender, receiver];
}

/**
 * Who gets a copy of a basic-group message: the members (sender first); service messages also
 * reach the sender and the people the action names (a removed member sees their removal). A bot gets
 * no copy of a message its privacy mode hides from it (botPrivacy.ts); replyIds are the copies of the
 * replied message by owner.
 */
function groupRecipients(world: World, fromId: number, chatId: number, content: MessageContent, replyIds: Map<number, number>): UserRecord[] {
  const chat = world.chats.get(chatId);
  if (chat?.kind !== "group") throw badRequest("PEER_ID_INVALID");
  const ids = new Set<number>();
  if (content.action) {
    ids.add(fromId);
    const named = peerSet();
    collectActionPeers(named, content.action);
    for (const id of named.users) ids.add(id);
  } else if (chat.deactivated || !isMemberRole(chat.participants.get(fromId)?.role)) {
    throw forbidden("CHAT_WRITE_FORBIDDEN");
  } else {
    ids.add(fromId);
  }
  for (const p of chat.participants.values()) if (isMemberRole(p.role)) ids.add(p.userId);
  const users: UserRecord[] = [];
  const probe = { fromId, text: content.text ?? "", action: content.action };
  for (const id of ids) {
    const user = world.users.get(id);
    if (!user || user.deleted) continue;
    if (user.bot && !botReceives(world, user, chat, { ...probe, repliesToBot: world.boxOf(id).messages.get(replyIds.get(id) ?? 0)?.out === true })) {
      continue;
    }
    users.push(user);
  }
  noteBotMessage(world, chat, fromId, content);
  return users;
}
