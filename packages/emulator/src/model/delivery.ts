/**
 * How updates about a group or channel reach people: a container with the chat and the users it names,
 * rendered for each viewer, pushed to every online member, the acting session skipped (it gets the
 * updates in its call result instead).
 */
import { Api } from "telegram";
import { isMemberRole, renderChat } from "./chats.js";
import type { ChatRecord } from "./records.js";
import { renderUsers } from "./users.js";
import type { World } from "./world.js";

/** Delivery options: the caller's own session gets the update in its call result instead. */
export interface DeliveryOptions {
  exceptSessionKey?: string;
}

/** Updates for viewerId about a group or channel: the chat and the named users rendered for them. */
export function chatUpdates(world: World, viewerId: number, chat: ChatRecord, updates: Api.TypeUpdate[], userIds: Iterable<number>): Api.Updates {
  return new Api.Updates({ updates, users: renderUsers(world, viewerId, userIds), chats: [renderChat(world, viewerId, chat)], date: world.now(), seq: 0 });
}

/**
 * Call fn for every online user who is in the chat (restricted members included, kicked and left
 * excluded), iterating the smaller of the member list and the online set.
 */
export function forEachOnlineMember(world: World, chat: ChatRecord, fn: (userId: number) => void): void {
  const online = world.onlineUsers();
  if (online.size <= chat.participants.size) {
    for (const userId of online) {
      if (isMemberRole(chat.participants.get(userId)?.role)) fn(userId);
    }
  } else {
    for (const p of chat.participants.values()) {
      if (isMemberRole(p.role) && online.has(p.userId)) fn(p.userId);
    }
  }
}

/** Push per-viewer updates to every online member; the actor's calling session is skipped, and so is a viewer `build` gives none. */
export function pushToMembers(
  world: World,
  chat: ChatRecord,
  build: (viewerId: number) => Api.TypeUpdate[],
  userIds: number[],
  actorId: number | undefined,
  opts: DeliveryOptions = {},
): void {
  forEachOnlineMember(world, chat, (viewerId) => {
    const updates = build(viewerId);
    if (updates.length === 0) return;
    world.push(viewerId, chatUpdates(world, viewerId, chat, updates, userIds), viewerId === actorId ? opts.exceptSessionKey : undefined);
  });
}
