/**
 * The users and chats that updates and messages name, collected so that a container (Updates, a
 * difference, a history page) can carry each of them once, rendered for its viewer.
 */
import { Api } from "telegram";
import { renderChat } from "./chats.js";
import { fromLong } from "./longs.js";
import type { MessageRecord } from "./records.js";
import { renderUsers } from "./users.js";
import type { World } from "./world.js";

/** Ids of the users and chats (basic groups and channels alike) that updates and messages name. */
export interface PeerSet {
  users: Set<number>;
  chats: Set<number>;
}

/** An empty PeerSet. */
export function peerSet(): PeerSet {
  return { users: new Set(), chats: new Set() };
}

function addPeer(set: PeerSet, peer: Api.TypePeer | undefined): void {
  if (peer instanceof Api.PeerUser) set.users.add(fromLong(peer.userId));
  else if (peer instanceof Api.PeerChat) set.chats.add(fromLong(peer.chatId));
  else if (peer instanceof Api.PeerChannel) set.chats.add(fromLong(peer.channelId));
}

/** Add what a message names: its chat, sender, users of a service action, mention-name entities. */
export function collectMessagePeers(set: PeerSet, message: Api.TypeMessage): void {
  if (message instanceof Api.MessageEmpty) return;
  addPeer(set, message.peerId);
  addPeer(set, message.fromId);
  if (message instanceof Api.MessageService) {
    collectActionPeers(set, message.action);
    return;
  }
  for (const entity of message.entities ?? []) {
    if (entity instanceof Api.MessageEntityMentionName) set.users.add(fromLong(entity.userId));
  }
}

/** Add the users and chats a service action names. */
export function collectActionPeers(set: PeerSet, action: Api.TypeMessageAction): void {
  if (action instanceof Api.MessageActionChatCreate || action instanceof Api.MessageActionChatAddUser) {
    for (const id of action.users) set.users.add(fromLong(id));
  } else if (action instanceof Api.MessageActionChatDeleteUser) {
    set.users.add(fromLong(action.userId));
  } else if (action instanceof Api.MessageActionChatJoinedByLink) {
    set.users.add(fromLong(action.inviterId));
  } else if (action instanceof Api.MessageActionChatMigrateTo) {
    set.chats.add(fromLong(action.channelId));
  } else if (action instanceof Api.MessageActionChannelMigrateFrom) {
    set.chats.add(fromLong(action.chatId));
  }
}

/** Add what an update names (its message, peer, chat or user). */
export function collectUpdatePeers(set: PeerSet, update: Api.TypeUpdate): void {
  if (
    update instanceof Api.UpdateNewMessage ||
    update instanceof Api.UpdateEditMessage ||
    update instanceof Api.UpdateNewChannelMessage ||
    update instanceof Api.UpdateEditChannelMessage
  ) {
    collectMessagePeers(set, update.message);
  } else if (update instanceof Api.UpdateReadHistoryInbox || update instanceof Api.UpdateReadHistoryOutbox) {
    addPeer(set, update.peer);
  } else if (update instanceof Api.UpdateBotCallbackQuery) {
    set.users.add(fromLong(update.userId));
    addPeer(set, update.peer);
  } else if (update instanceof Api.UpdateChatParticipantAdd || update instanceof Api.UpdateChatParticipantDelete) {
    set.chats.add(fromLong(update.chatId));
    set.users.add(fromLong(update.userId));
  } else if (update instanceof Api.UpdateChatParticipants) {
    set.chats.add(fromLong(update.participants.chatId));
  } else if (update instanceof Api.UpdateChannel) {
    set.chats.add(fromLong(update.channelId));
  }
}

/** The users and chats of a PeerSet, rendered for `viewerId` (unknown ids are skipped). */
export function renderPeerSet(world: World, viewerId: number, set: PeerSet): { users: Api.TypeUser[]; chats: Api.TypeChat[] } {
  const chats: Api.TypeChat[] = [];
  for (const id of set.chats) {
    const chat = world.chats.get(id);
    if (chat) chats.push(renderChat(world, viewerId, chat));
  }
  return { users: renderUsers(world, viewerId, set.users), chats };
}

/** Updates (seq 0) carrying `updates` with the users and chats they name, rendered for `viewerId`. */
export function wrapUpdates(world: World, viewerId: number, updates: Api.TypeUpdate[]): Api.Updates {
  const set = peerSet();
  for (const update of updates) collectUpdatePeers(set, update);
  return new Api.Updates({ updates, ...renderPeerSet(world, viewerId, set), date: world.now(), seq: 0 });
}

/** Users a stored message names (its sender, the people of a service action), sender first. */
export function messageUserIds(record: MessageRecord): number[] {
  const set = peerSet();
  set.users.add(record.fromId);
  if (record.action) collectActionPeers(set, record.action);
  return [...set.users];
}
