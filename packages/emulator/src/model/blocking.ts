/**
 * Blocking people (contacts.block / contacts.unblock). Blocking a bot stops it and unblocking restarts it:
 * the bot is told with updateBotStopped, numbered in its qts sequence (qts.ts) like its other bot updates.
 * What a block forbids (the blocked side writing) is not modeled.
 */
import { Api } from "telegram";
import { toLong } from "./longs.js";
import { sendNumbered } from "./qts.js";
import { renderUsers } from "./users.js";
import type { World } from "./world.js";

/** Whether userId blocked targetId. */
export function isBlocked(world: World, userId: number, targetId: number): boolean {
  return world.users.get(userId)?.blocked?.has(targetId) ?? false;
}

/** Blocks or unblocks targetId for userId; a bot whose state changed gets updateBotStopped. Returns whether anything changed. */
export function setBlocked(world: World, userId: number, targetId: number, blocked: boolean): boolean {
  const user = world.users.get(userId);
  const target = world.users.get(targetId);
  if (!user || !target) throw new Error(`setBlocked: no user ${user ? targetId : userId}`);
  if (isBlocked(world, userId, targetId) === blocked) return false;
  user.blocked ??= new Set();
  if (blocked) user.blocked.add(targetId);
  else user.blocked.delete(targetId);
  if (target.bot) {
    const date = world.now();
    const make = (qts: number) => new Api.UpdateBotStopped({ userId: toLong(userId), date, stopped: blocked, qts });
    sendNumbered(world, targetId, make, (updates) => new Api.Updates({ updates, users: renderUsers(world, targetId, [userId]), chats: [], date, seq: 0 }));
  }
  return true;
}
