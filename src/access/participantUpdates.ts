/**
 * What the participant updates Telegram pushes say about membership: updateChannelParticipant,
 * updateChatParticipants, updateChatParticipantAdd / Delete / Admin, and the join and leave service
 * messages of groups. Pure: it reads GramJS update objects and returns changes for the cache.
 */
import { Api, utils } from "telegram";
import type { StatusEntry } from "./membershipCache.js";
import { type MemberStatus, statusOfChannelParticipant, statusOfChatParticipant } from "./status.js";

/** A change to apply to the membership cache. */
export type MembershipChange =
  | { readonly kind: "set"; readonly chatId: string; readonly userId: string; readonly status: MemberStatus }
  /** A complete member list of a basic group: everyone else is out. */
  | { readonly kind: "replace"; readonly chatId: string; readonly entries: readonly StatusEntry[] }
  /** Everything known about a chat is stale (the account lost sight of its members). */
  | { readonly kind: "forget"; readonly chatId: string };

const NONE: readonly MembershipChange[] = [];

/** Membership changes carried by one update or update container (Updates, UpdatesCombined, UpdateShort). */
export function membershipChanges(update: unknown): readonly MembershipChange[] {
  if (update instanceof Api.Updates || update instanceof Api.UpdatesCombined) return update.updates.flatMap((u) => membershipChanges(u));
  if (update instanceof Api.UpdateShort) return membershipChanges(update.update);
  if (update instanceof Api.UpdateChannelParticipant) {
    const chatId = utils.getPeerId(new Api.PeerChannel({ channelId: update.channelId }));
    return [{ kind: "set", chatId, userId: update.userId.toString(), status: statusOfChannelParticipant(update.newParticipant) }];
  }
  if (update instanceof Api.UpdateChatParticipants) return fromChatParticipants(update.participants);
  if (update instanceof Api.UpdateChatParticipantAdd) {
    return [{ kind: "set", chatId: basicGroupId(update.chatId), userId: update.userId.toString(), status: "member" }];
  }
  if (update instanceof Api.UpdateChatParticipantDelete) {
    return [{ kind: "set", chatId: basicGroupId(update.chatId), userId: update.userId.toString(), status: "left" }];
  }
  if (update instanceof Api.UpdateChatParticipantAdmin) {
    const status: MemberStatus = update.isAdmin ? "admin" : "member";
    return [{ kind: "set", chatId: basicGroupId(update.chatId), userId: update.userId.toString(), status }];
  }
  if (update instanceof Api.UpdateNewMessage || update instanceof Api.UpdateNewChannelMessage) {
    return update.message instanceof Api.MessageService ? fromServiceMessage(update.message) : NONE;
  }
  return NONE;
}

function basicGroupId(chatId: Api.long): string {
  return utils.getPeerId(new Api.PeerChat({ chatId }));
}

function fromChatParticipants(participants: Api.TypeChatParticipants): readonly MembershipChange[] {
  const chatId = basicGroupId(participants.chatId);
  if (participants instanceof Api.ChatParticipantsForbidden) return [{ kind: "forget", chatId }];
  const entries = participants.participants.map((p) => ({ userId: p.userId.toString(), status: statusOfChatParticipant(p) }));
  return [{ kind: "replace", chatId, entries }];
}

/** Joins and leaves shown as service messages in groups and supergroups. */
function fromServiceMessage(message: Api.MessageService): readonly MembershipChange[] {
  const peer = message.peerId;
  if (!(peer instanceof Api.PeerChat || peer instanceof Api.PeerChannel)) return NONE;
  const chatId = utils.getPeerId(peer);
  const fromId = message.fromId instanceof Api.PeerUser ? message.fromId.userId.toString() : undefined;
  const action = message.action;
  const set = (userId: string, status: MemberStatus): MembershipChange => ({ kind: "set", chatId, userId, status });
  if (action instanceof Api.MessageActionChatAddUser) return action.users.map((id) => set(id.toString(), "member"));
  if (action instanceof Api.MessageActionChatCreate) {
    return action.users.map((id) => set(id.toString(), id.toString() === fromId ? "creator" : "member"));
  }
  if (action instanceof Api.MessageActionChatJoinedByLink || action instanceof Api.MessageActionChatJoinedByRequest) {
    return fromId === undefined ? NONE : [set(fromId, "member")];
  }
  if (action instanceof Api.MessageActionChatDeleteUser) {
    const userId = action.userId.toString();
    // Someone else removing a person from a supergroup bans them; from a basic group it only removes them.
    const removedByOther = fromId !== undefined && fromId !== userId && peer instanceof Api.PeerChannel;
    return [set(userId, removedByOther ? "kicked" : "left")];
  }
  return NONE;
}
