/**
 * messages.*: sending (text and media), editing, deleting, reading and listing messages of private chats
 * and basic groups, dialogs, pins, mentions, and inline-button callbacks. Channel peers go to the channel
 * functions of the model; the calls on a whole history (readMentions, unpinAllMessages, deleteHistory)
 * answer messages.affectedHistory with the pts of the box they acted on: the megagroup's or channel's for
 * a channel peer, the caller's common box's otherwise.
 * (messages.getChats / getFullChat and basic-group membership live in chats.ts.)
 */
import { Api } from "telegram";
import { channelBox } from "../model/box.js";
import { answerCallback, pressButton } from "../model/callbacks.js";
import { senderUpdates } from "../model/channelPosts.js";
import { deleteChannelHistory, deleteCommonHistory, deleteMessages } from "../model/deletes.js";
import { type DialogEntry, dialogPage, listDialogs, renderDialog } from "../model/dialogs.js";
import { currentState } from "../model/difference.js";
import { editChannelMessage, editMessage } from "../model/edits.js";
import { badRequest, RpcError } from "../model/errors.js";
import { historyWindow } from "../model/history.js";
import { resolveInputPeer, resolveInputUser } from "../model/inputPeers.js";
import { bigintOf, toLong } from "../model/longs.js";
import { checkCaption, type PreparedMedia, prepareMedia } from "../model/media.js";
import { readChannelMentions, readMentions } from "../model/mentions.js";
import { renderMessage } from "../model/messageRender.js";
import { peerKey } from "../model/peerRefs.js";
import { collectMessagePeers, type PeerSet, peerSet, renderPeerSet, wrapUpdates } from "../model/peerSet.js";
import { unpinAllMessages, updatePinnedMessage } from "../model/pins.js";
import { readHistory } from "../model/readState.js";
import type { ChatRecord, MessageRecord, PeerRef, UserRecord } from "../model/records.js";
import { checkText, postMessage, randomIdUsed, rememberRandomId } from "../model/sending.js";
import type { World } from "../model/world.js";
import type { CallContext, MethodTable } from "../rpc/context.js";

/** Longest callback answer text Telegram shows. */
const CALLBACK_ANSWER_MAX = 200;
/** Most bytes of data a callback button may carry. */
const CALLBACK_DATA_MAX = 64;

/**
 * Methods only user accounts may call, kept from bots: their pages say "Only users can use this method", and bots calling
 * them get 400 BOT_METHOD_INVALID, "This method can't be used by a bot" (core.telegram.org/method/messages.getDialogs,
 * /method/messages.getHistory, /method/messages.readHistory, /api/errors).
 */
export function requireUserAccount(user: UserRecord): void {
  if (user.bot) throw badRequest("BOT_METHOD_INVALID");
}

function peerOfRequest(ctx: CallContext, user: UserRecord, input: unknown): PeerRef {
  return resolveInputPeer(ctx.world, user.id, input as Api.TypeInputPeer);
}

/** BOT_METHOD_INVALID for the methods whose page says "Only users can use this method". */
function usersOnly(user: UserRecord): void {
  if (user.bot) throw badRequest("BOT_METHOD_INVALID");
}

function channelOf(world: World, peer: PeerRef): ChatRecord {
  const chat = world.chats.get(peer.id);
  if (!chat) throw badRequest("CHANNEL_INVALID");
  return chat;
}

/** Entities as stored: inputMessageEntityMentionName becomes messageEntityMentionName. */
function storedEntities(world: World, viewerId: number, entities: Api.TypeMessageEntity[] | undefined): Api.TypeMessageEntity[] | undefined {
  return entities?.map((entity) => {
    if (!(entity instanceof Api.InputMessageEntityMentionName)) return entity;
    const user = resolveInputUser(world, viewerId, entity.userId, "ENTITY_MENTION_USER_INVALID");
    return new Api.MessageEntityMentionName({ offset: entity.offset, length: entity.length, userId: toLong(user.id) });
  });
}

/** Reply markup as stored: only bots may attach one; callback data is at most 64 bytes. */
function storedMarkup(sender: UserRecord, markup: Api.TypeReplyMarkup | undefined): Api.TypeReplyMarkup | undefined {
  if (!sender.bot || !markup) return undefined;
  if (markup instanceof Api.ReplyInlineMarkup) {
    for (const row of markup.rows) {
      for (const button of row.buttons) {
        if (button instanceof Api.KeyboardButtonCallback && button.data.length > CALLBACK_DATA_MAX) throw badRequest("BUTTON_DATA_INVALID");
      }
    }
  }
  return markup;
}

/** What the sender's own sendMessage call returns. */
function sentResult(world: World, user: UserRecord, peer: PeerRef, record: MessageRecord, randomId: Api.UpdateMessageID["randomId"]): Api.TypeUpdates {
  const messageId = new Api.UpdateMessageID({ id: record.id, randomId });
  if (peer.type === "channel") return senderUpdates(world, channelOf(world, peer), record, [messageId]);
  const announcement = record.announcement;
  if (!announcement) throw new Error(`message ${record.id} was not announced`);
  if (peer.type === "user" && !record.replyMarkup && !record.media) {
    return new Api.UpdateShortSentMessage({
      out: true,
      id: record.id,
      pts: announcement.pts,
      ptsCount: 1,
      date: record.date,
      entities: record.entities,
    });
  }
  return wrapUpdates(world, user.id, [messageId, announcement]);
}

/** messages.messages / messagesSlice / channelMessages with the users and chats the messages name. */
function messagesResult(
  world: World,
  viewerId: number,
  records: MessageRecord[],
  page: { count: number; complete: boolean; offsetIdOffset?: number },
  context: PeerRef | undefined,
): Api.messages.TypeMessages {
  const messages = records.map((record) => renderMessage(world, record, viewerId));
  const named = peerSet();
  for (const message of messages) collectMessagePeers(named, message);
  if (context?.type === "user") named.users.add(context.id);
  else if (context) named.chats.add(context.id);
  const { users, chats } = renderPeerSet(world, viewerId, named);
  if (context?.type === "channel") {
    const pts = channelBox(channelOf(world, context)).pts;
    return new Api.messages.ChannelMessages({ pts, count: page.count, offsetIdOffset: page.offsetIdOffset, messages, topics: [], chats, users });
  }
  if (page.complete) return new Api.messages.Messages({ messages, chats, users });
  return new Api.messages.MessagesSlice({ count: page.count, offsetIdOffset: page.offsetIdOffset, messages, chats, users });
}

/** The stored message an InputMessage names in the account's common box. */
function inputMessage(world: World, userId: number, input: Api.TypeInputMessage): MessageRecord | undefined {
  const box = world.boxOf(userId);
  if (input instanceof Api.InputMessageID || input instanceof Api.InputMessageCallbackQuery) return box.messages.get(input.id);
  if (input instanceof Api.InputMessageReplyTo) {
    const replyToId = box.messages.get(input.id)?.replyToId;
    return replyToId === undefined ? undefined : box.messages.get(replyToId);
  }
  return undefined;
}

function inputMessageId(input: Api.TypeInputMessage): number {
  return "id" in input ? input.id : 0;
}

/** Dialogs, their top messages and the peers they name, rendered for the viewer. */
function dialogsBody(world: World, userId: number, entries: DialogEntry[]) {
  const dialogs = entries.map((entry) => renderDialog(world, userId, entry));
  const messages = entries.flatMap((entry) => (entry.top ? [renderMessage(world, entry.top, userId)] : []));
  const named: PeerSet = peerSet();
  for (const entry of entries) (entry.peer.type === "user" ? named.users : named.chats).add(entry.peer.id);
  for (const message of messages) collectMessagePeers(named, message);
  return { dialogs, messages, ...renderPeerSet(world, userId, named) };
}

/**
 * messages.sendMessage and messages.sendMedia alike: the peer, random_id and permission checks, the post
 * with its updates and pushes, and the sender's result. `attach` prepares the media (sendMedia) after the
 * cheap checks; what it holds is committed only once the message is posted.
 */
function sendContent(
  ctx: CallContext,
  request: Api.messages.SendMessage | Api.messages.SendMedia,
  attach?: (user: UserRecord) => PreparedMedia,
): Api.TypeUpdates {
  const user = ctx.requireUser();
  const world = ctx.world;
  const peer = peerOfRequest(ctx, user, request.peer);
  const randomId = String(request.randomId);
  if (randomIdUsed(world, user.id, randomId)) throw new RpcError(500, "RANDOM_ID_DUPLICATE");
  const replyTo = request.replyTo instanceof Api.InputReplyToMessage ? request.replyTo.replyToMsgId : undefined;
  const entities = storedEntities(world, user.id, request.entities);
  const replyMarkup = storedMarkup(user, request.replyMarkup);
  const prepared = attach?.(user);
  const record = postMessage(
    world,
    user.id,
    peer,
    { text: request.message, entities, replyToId: replyTo, replyMarkup, media: prepared?.media },
    { exceptSessionKey: ctx.sessionKey },
  );
  prepared?.commit();
  rememberRandomId(world, user.id, randomId);
  return sentResult(world, user, peer, record, request.randomId!);
}

export const messageMethods: MethodTable = {
  "messages.SendMessage": (request: Api.messages.SendMessage, ctx) => sendContent(ctx, request),

  "messages.SendMedia": (request: Api.messages.SendMedia, ctx) =>
    sendContent(ctx, request, (user) => {
      checkCaption(ctx.world, user.id, request.message);
      return prepareMedia(ctx.world, user.id, request.media);
    }),

  "messages.EditMessage": (request: Api.messages.EditMessage, ctx) => {
    const user = ctx.requireUser();
    const world = ctx.world;
    const peer = peerOfRequest(ctx, user, request.peer);
    if (request.message !== undefined) checkText(request.message);
    const edit = {
      text: request.message,
      entities: storedEntities(world, user.id, request.entities),
      replyMarkup: storedMarkup(user, request.replyMarkup),
    };
    const opts = { exceptSessionKey: ctx.sessionKey };
    if (peer.type === "channel") {
      const chat = channelOf(world, peer);
      return senderUpdates(world, chat, editChannelMessage(world, chat, user.id, request.id ?? 0, edit, opts));
    }
    const { update } = editMessage(world, user.id, peer, request.id ?? 0, edit, opts);
    return wrapUpdates(world, user.id, [update]);
  },

  "messages.DeleteMessages": (request: Api.messages.DeleteMessages, ctx) => {
    const user = ctx.requireUser();
    const affected = deleteMessages(ctx.world, user.id, request.id ?? [], request.revoke === true, { exceptSessionKey: ctx.sessionKey });
    return new Api.messages.AffectedMessages(affected);
  },

  "messages.GetMessages": (request: Api.messages.GetMessages, ctx) => {
    const user = ctx.requireUser();
    const world = ctx.world;
    const named = peerSet();
    const messages = (request.id ?? []).map((input) => {
      const record = inputMessage(world, user.id, input);
      if (!record) return new Api.MessageEmpty({ id: inputMessageId(input) });
      const message = renderMessage(world, record, user.id);
      collectMessagePeers(named, message);
      return message;
    });
    return new Api.messages.Messages({ messages, ...renderPeerSet(world, user.id, named) });
  },

  "messages.GetHistory": (request: Api.messages.GetHistory, ctx) => {
    const user = ctx.requireUser();
    requireUserAccount(user);
    const world = ctx.world;
    const peer = peerOfRequest(ctx, user, request.peer);
    const box = peer.type === "channel" ? channelBox(channelOf(world, peer)) : world.boxOf(user.id);
    const page = historyWindow(
      box,
      {
        offsetId: request.offsetId ?? 0,
        offsetDate: request.offsetDate ?? 0,
        addOffset: request.addOffset ?? 0,
        limit: request.limit ?? 0,
        maxId: request.maxId ?? 0,
        minId: request.minId ?? 0,
      },
      peer.type === "channel" ? undefined : peer,
    );
    return messagesResult(world, user.id, page.messages, page, peer);
  },

  "messages.GetDialogs": (request: Api.messages.GetDialogs, ctx) => {
    const user = ctx.requireUser();
    requireUserAccount(user);
    const world = ctx.world;
    if (request.folderId === 1) return new Api.messages.Dialogs({ dialogs: [], messages: [], chats: [], users: [] });
    let offsetPeer: PeerRef | undefined;
    if (request.offsetPeer && !(request.offsetPeer instanceof Api.InputPeerEmpty)) {
      try {
        offsetPeer = peerOfRequest(ctx, user, request.offsetPeer);
      } catch (error) {
        if (error instanceof RpcError) throw badRequest("OFFSET_PEER_ID_INVALID");
        throw error;
      }
    }
    const entries = listDialogs(world, user.id);
    const page = dialogPage(entries, { peer: offsetPeer, date: request.offsetDate ?? 0, id: request.offsetId ?? 0 }, request.limit ?? 0);
    const body = dialogsBody(world, user.id, page);
    if (page.length === entries.length) return new Api.messages.Dialogs(body);
    return new Api.messages.DialogsSlice({ count: entries.length, ...body });
  },

  "messages.GetPeerDialogs": (request: Api.messages.GetPeerDialogs, ctx) => {
    const user = ctx.requireUser();
    const world = ctx.world;
    const known = new Map(listDialogs(world, user.id).map((entry) => [peerKey(entry.peer), entry]));
    const entries: DialogEntry[] = [];
    for (const input of request.peers ?? []) {
      if (!(input instanceof Api.InputDialogPeer)) continue;
      const peer = peerOfRequest(ctx, user, input.peer);
      entries.push(known.get(peerKey(peer)) ?? { peer, date: 0 });
    }
    return new Api.messages.PeerDialogs({ ...dialogsBody(world, user.id, entries), state: currentState(world, user.id) });
  },

  "messages.ReadHistory": (request: Api.messages.ReadHistory, ctx) => {
    const user = ctx.requireUser();
    requireUserAccount(user);
    const peer = peerOfRequest(ctx, user, request.peer);
    if (peer.type === "channel") throw badRequest("PEER_ID_INVALID");
    return new Api.messages.AffectedMessages(readHistory(ctx.world, user.id, peer, request.maxId ?? 0, { exceptSessionKey: ctx.sessionKey }));
  },

  "messages.UpdatePinnedMessage": (request: Api.messages.UpdatePinnedMessage, ctx) => {
    const user = ctx.requireUser();
    const peer = peerOfRequest(ctx, user, request.peer);
    return updatePinnedMessage(
      ctx.world,
      user.id,
      peer,
      request.id ?? 0,
      { unpin: request.unpin, pmOneside: request.pmOneside },
      { exceptSessionKey: ctx.sessionKey },
    );
  },

  "messages.UnpinAllMessages": (request: Api.messages.UnpinAllMessages, ctx) => {
    const user = ctx.requireUser();
    const peer = peerOfRequest(ctx, user, request.peer);
    return new Api.messages.AffectedHistory(unpinAllMessages(ctx.world, user.id, peer, { exceptSessionKey: ctx.sessionKey }));
  },

  // core.telegram.org/method/messages.readMentions: only users.
  "messages.ReadMentions": (request: Api.messages.ReadMentions, ctx) => {
    const user = ctx.requireUser();
    usersOnly(user);
    const world = ctx.world;
    const peer = peerOfRequest(ctx, user, request.peer);
    const opts = { exceptSessionKey: ctx.sessionKey };
    const affected = peer.type === "channel" ? readChannelMentions(world, channelOf(world, peer), user.id, opts) : readMentions(world, user.id, peer, opts);
    return new Api.messages.AffectedHistory(affected);
  },

  // core.telegram.org/method/messages.deleteHistory: only users.
  "messages.DeleteHistory": (request: Api.messages.DeleteHistory, ctx) => {
    const user = ctx.requireUser();
    usersOnly(user);
    const world = ctx.world;
    const peer = peerOfRequest(ctx, user, request.peer);
    const opts = { exceptSessionKey: ctx.sessionKey };
    const maxId = request.maxId ?? 0;
    if (peer.type === "channel") {
      const dated = request.minDate !== undefined || request.maxDate !== undefined;
      return new Api.messages.AffectedHistory(deleteChannelHistory(world, channelOf(world, peer), user.id, maxId, dated, opts));
    }
    const revoke = request.revoke === true && request.justClear !== true;
    return new Api.messages.AffectedHistory(deleteCommonHistory(world, user.id, peer, maxId, revoke, opts));
  },

  "messages.GetBotCallbackAnswer": async (request: Api.messages.GetBotCallbackAnswer, ctx) => {
    const user = ctx.requireUser();
    const peer = peerOfRequest(ctx, user, request.peer);
    if (request.game || !request.data) throw badRequest("DATA_INVALID");
    return pressButton(ctx.world, user.id, peer, Number(request.msgId ?? 0), Buffer.from(request.data));
  },

  "messages.SetBotCallbackAnswer": (request: Api.messages.SetBotCallbackAnswer, ctx) => {
    const user = ctx.requireUser();
    if (!user.bot) throw badRequest("USER_BOT_REQUIRED");
    if ((request.message?.length ?? 0) > CALLBACK_ANSWER_MAX) throw badRequest("MESSAGE_TOO_LONG");
    answerCallback(ctx.world, user.id, bigintOf(request.queryId ?? 0), {
      message: request.message,
      alert: request.alert,
      url: request.url,
      cacheTime: request.cacheTime ?? 0,
    });
    return true;
  },
};
