/**
 * The one mapping from GramJS updates to the runtime's typed events (handlers/events.ts): a new message,
 * an edit, a deletion, a chat action (service message), a participant change, a callback query, a user's
 * status, typing. A new event kind is one case here plus its type and handler. Updates no kind covers map
 * to nothing (plugins still get them raw, see rawEventOf).
 */
import { Api, utils } from "telegram";
import type { ParticipantStatus, RawUpdate, UpdateEvent, UserStatusEvent } from "../handlers/events.js";
import { type ConversionContext, fieldsOfMessage, toMessage } from "./convert.js";
import { actionOf } from "./messageDetails.js";

/**
 * The typed event of an update, if any. `deletedFrom` names the chat of a deletion in the account's
 * common box (Telegram's updateDeleteMessages names only message ids) when the caller knows it.
 */
export function eventOf(update: Api.TypeUpdate, context: ConversionContext, catchUp: boolean, deletedFrom?: string): UpdateEvent | undefined {
  if (update instanceof Api.UpdateNewMessage || update instanceof Api.UpdateNewChannelMessage) {
    const { message } = update;
    if (message instanceof Api.Message) return { kind: "message", message: toMessage(fieldsOfMessage(message), context, catchUp) };
    if (message instanceof Api.MessageService) {
      return { kind: "chatAction", message: toMessage(fieldsOfMessage(message), context, catchUp), action: actionOf(message.action, message) };
    }
    return undefined;
  }
  if (update instanceof Api.UpdateEditMessage || update instanceof Api.UpdateEditChannelMessage) {
    const { message } = update;
    return message instanceof Api.Message ? { kind: "edited", message: toMessage(fieldsOfMessage(message), context, catchUp) } : undefined;
  }
  if (update instanceof Api.UpdateDeleteMessages) {
    return { kind: "deleted", deletion: { chatId: deletedFrom, messageIds: [...update.messages], isCatchUp: catchUp } };
  }
  if (update instanceof Api.UpdateDeleteChannelMessages) {
    const chatId = utils.getPeerId(new Api.PeerChannel({ channelId: update.channelId }));
    return { kind: "deleted", deletion: { chatId, messageIds: [...update.messages], isCatchUp: catchUp } };
  }
  if (update instanceof Api.UpdateChannelParticipant || update instanceof Api.UpdateChatParticipant) {
    const chatId = utils.getPeerId(
      update instanceof Api.UpdateChannelParticipant ? new Api.PeerChannel({ channelId: update.channelId }) : new Api.PeerChat({ chatId: update.chatId }),
    );
    return {
      kind: "participant",
      participant: {
        chatId,
        userId: update.userId.toString(),
        actorId: update.actorId.toString(),
        before: participantStatus(update.prevParticipant),
        after: participantStatus(update.newParticipant),
        date: update.date,
        isCatchUp: catchUp,
      },
    };
  }
  if (update instanceof Api.UpdateBotCallbackQuery) {
    return {
      kind: "callbackQuery",
      query: {
        queryId: update.queryId.toString(),
        userId: update.userId.toString(),
        chatId: utils.getPeerId(update.peer),
        messageId: update.msgId,
        data: update.data ?? undefined,
      },
    };
  }
  if (update instanceof Api.UpdateUserStatus) return { kind: "userStatus", status: { userId: update.userId.toString(), ...statusOf(update.status) } };
  if (update instanceof Api.UpdateUserTyping) {
    const userId = update.userId.toString();
    return { kind: "typing", typing: { chatId: userId, userId, action: actionName(update.action) } };
  }
  if (update instanceof Api.UpdateChatUserTyping || update instanceof Api.UpdateChannelUserTyping) {
    const peer =
      update instanceof Api.UpdateChatUserTyping ? new Api.PeerChat({ chatId: update.chatId }) : new Api.PeerChannel({ channelId: update.channelId });
    return { kind: "typing", typing: { chatId: utils.getPeerId(peer), userId: utils.getPeerId(update.fromId), action: actionName(update.action) } };
  }
  return undefined;
}

/** The update as plugins' raw handlers get it. */
export function rawEventOf(update: Api.TypeUpdate, catchUp: boolean): RawUpdate {
  return { className: update.className, update, isCatchUp: catchUp };
}

/** A participant's status from a channel's or basic group's participant object (undefined: none). */
function participantStatus(participant: Api.TypeChannelParticipant | Api.TypeChatParticipant | null | undefined): ParticipantStatus | undefined {
  if (participant == null) return undefined;
  if (participant instanceof Api.ChannelParticipantCreator || participant instanceof Api.ChatParticipantCreator) return "creator";
  if (participant instanceof Api.ChannelParticipantAdmin || participant instanceof Api.ChatParticipantAdmin) return "admin";
  if (participant instanceof Api.ChannelParticipantLeft) return "left";
  if (participant instanceof Api.ChannelParticipantBanned)
    return participant.left === true || participant.bannedRights.viewMessages === true ? "banned" : "restricted";
  return "member";
}

function statusOf(status: Api.TypeUserStatus): Omit<UserStatusEvent, "userId"> {
  if (status instanceof Api.UserStatusOnline) return { status: "online", expires: status.expires };
  if (status instanceof Api.UserStatusOffline) return { status: "offline", wasOnline: status.wasOnline };
  if (status instanceof Api.UserStatusRecently) return { status: "recently" };
  if (status instanceof Api.UserStatusLastWeek) return { status: "last_week" };
  if (status instanceof Api.UserStatusLastMonth) return { status: "last_month" };
  return { status: "long_ago" };
}

/** SendMessageUploadPhotoAction → "upload_photo"; SendMessageTypingAction → "typing". */
function actionName(action: Api.TypeSendMessageAction): string {
  const bare = action.className.replace(/^SendMessage/, "").replace(/Action$/, "");
  return bare.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}
