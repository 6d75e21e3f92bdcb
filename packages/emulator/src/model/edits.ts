/**
 * Editing messages: a private or basic-group message in every copy, each owner's box logging its own
 * updateEditMessage; a megagroup or channel message once, with updateEditChannelMessage to every
 * connected member. The errors are Telegram's: MESSAGE_ID_INVALID, MESSAGE_AUTHOR_REQUIRED,
 * MESSAGE_EDIT_TIME_EXPIRED, MESSAGE_NOT_MODIFIED.
 */
import { Api } from "telegram";
import { advancePts, channelBox } from "./box.js";
import { publishChannelMessage } from "./channelPosts.js";
import { holdsAdminRight, isMemberRole, participantOf } from "./chats.js";
import { copiesOf } from "./copies.js";
import type { DeliveryOptions } from "./delivery.js";
import { badRequest, forbidden } from "./errors.js";
import { renderMessage } from "./messageRender.js";
import { peerKey } from "./peerRefs.js";
import { wrapUpdates } from "./peerSet.js";
import type { ChatRecord, MessageRecord, PeerRef } from "./records.js";
import { checkText } from "./sending.js";
import type { World } from "./world.js";

/** Seconds after sending during which a user may edit a message (config edit_time_limit). */
export const EDIT_TIME_LIMIT = 172_800;

/** What messages.editMessage may change. */
export interface MessageEdit {
  text?: string;
  entities?: Api.TypeMessageEntity[];
  replyMarkup?: Api.TypeReplyMarkup;
}

/** Whether two lists of TL objects (entities, markup) serialize the same. */
function sameTl(a: readonly { getBytes(): Buffer }[] | undefined, b: readonly { getBytes(): Buffer }[] | undefined): boolean {
  const left = a ?? [];
  const right = b ?? [];
  return left.length === right.length && left.every((item, i) => item.getBytes().equals(right[i].getBytes()));
}

/** What an edit leaves in a message. */
type Edited = Pick<MessageRecord, "text" | "entities" | "replyMarkup">;

/**
 * The message's text, entities and keyboard after the edit, given the entities it will carry;
 * MESSAGE_NOT_MODIFIED when none of them changes.
 */
function edited(record: MessageRecord, edit: MessageEdit, entities: Api.TypeMessageEntity[] | undefined): Edited {
  const text = edit.text ?? record.text;
  // An edit replaces the inline keyboard: one left out is removed, as Telegram does.
  const markupSame = sameTl(record.replyMarkup ? [record.replyMarkup] : [], edit.replyMarkup ? [edit.replyMarkup] : []);
  if (text === record.text && sameTl(entities, record.entities) && markupSame) throw badRequest("MESSAGE_NOT_MODIFIED");
  return { text, entities, replyMarkup: edit.replyMarkup };
}

/** Write an edit into a stored message. */
function apply(record: MessageRecord, fields: Edited, date: number): void {
  record.text = fields.text;
  record.entities = fields.entities;
  record.replyMarkup = fields.replyMarkup;
  record.editDate = date;
}

/** The message `id` of chat `peer` in the account's box (MESSAGE_ID_INVALID when absent). */
function ownMessage(world: World, ownerId: number, peer: PeerRef, id: number): MessageRecord {
  const record = world.boxOf(ownerId).messages.get(id);
  if (!record || peerKey(record.peer) !== peerKey(peer)) throw badRequest("MESSAGE_ID_INVALID");
  return record;
}

/**
 * Edit a private or basic-group message in every copy: MESSAGE_ID_INVALID, MESSAGE_AUTHOR_REQUIRED,
 * MESSAGE_EDIT_TIME_EXPIRED (not for bots, nor in Saved Messages), MESSAGE_NOT_MODIFIED as Telegram
 * answers; each owner gets updateEditMessage with its own pts. Returns the editor's copy and update.
 */
export function editMessage(
  world: World,
  editorId: number,
  peer: PeerRef,
  id: number,
  edit: MessageEdit,
  opts: DeliveryOptions = {},
): { record: MessageRecord; update: Api.UpdateEditMessage } {
  const record = ownMessage(world, editorId, peer, id);
  if (record.action) throw badRequest("MESSAGE_ID_INVALID");
  if (record.fromId !== editorId) throw forbidden("MESSAGE_AUTHOR_REQUIRED");
  const editor = world.users.get(editorId);
  const savedMessages = peer.type === "user" && peer.id === editorId;
  if (!editor?.bot && !savedMessages && world.now() - record.date > EDIT_TIME_LIMIT) throw badRequest("MESSAGE_EDIT_TIME_EXPIRED");
  if (edit.text !== undefined) checkText(edit.text);
  const fields = edited(record, edit, edit.entities?.length ? edit.entities : edit.text === undefined ? record.entities : undefined);
  const date = world.now();
  const online = world.onlineUsers();
  let result: Api.UpdateEditMessage | undefined;
  for (const { ownerId, id: copyId } of copiesOf(world, editorId, record)) {
    const box = world.boxOf(ownerId);
    const copy = box.messages.get(copyId);
    if (!copy) continue;
    apply(copy, fields, date);
    const { update } = advancePts(box, 1, date, (pts) => new Api.UpdateEditMessage({ message: renderMessage(world, copy), pts, ptsCount: 1 }));
    if (ownerId === editorId) result = update;
    if (online.has(ownerId)) world.push(ownerId, wrapUpdates(world, ownerId, [update]), ownerId === editorId ? opts.exceptSessionKey : undefined);
  }
  if (!result) throw new Error("editMessage: the editor's copy is gone");
  return { record, update: result };
}

/**
 * Edit a channel message: MESSAGE_ID_INVALID for unknown or service messages,
 * MESSAGE_AUTHOR_REQUIRED unless the editor wrote it (or is a broadcast admin with
 * edit_messages), MESSAGE_NOT_MODIFIED when nothing changes; pushes updateEditChannelMessage.
 */
export function editChannelMessage(
  world: World,
  chat: ChatRecord,
  editorId: number,
  messageId: number,
  edit: MessageEdit,
  opts: DeliveryOptions = {},
): MessageRecord {
  const box = channelBox(chat);
  const record = box.messages.get(messageId);
  if (!record || record.action) throw badRequest("MESSAGE_ID_INVALID");
  const p = participantOf(world, chat, editorId);
  if (!p || !isMemberRole(p.role)) throw forbidden("CHAT_WRITE_FORBIDDEN");
  const editsOthers = chat.kind === "channel" && holdsAdminRight(p, "editMessages");
  if (record.fromId !== editorId && !editsOthers) throw forbidden("MESSAGE_AUTHOR_REQUIRED");
  const fields = edited(record, edit, edit.entities ?? (edit.text === undefined ? record.entities : undefined));
  const date = world.now();
  apply(record, fields, date);
  publishChannelMessage(world, chat, record, Api.UpdateEditChannelMessage, date, editorId, opts);
  return record;
}
