/** contacts.*: username resolution (users and channels), a minimal contact list, blocking. */
import { Api } from "telegram";
import { setBlocked } from "../model/blocking.js";
import { renderChat } from "../model/chats.js";
import { badRequest } from "../model/errors.js";
import { resolveInputPeer } from "../model/inputPeers.js";
import { peerOf } from "../model/peerRefs.js";
import { renderUser } from "../model/users.js";
import type { World } from "../model/world.js";
import type { CallContext, MethodTable } from "../rpc/context.js";

/** What Telegram accepts as a username: 5–32 letters, digits and underscores, starting with a letter. */
const USERNAME = /^[a-z][a-z0-9_]{3,30}[a-z0-9]$/i;

/**
 * contacts.resolveUsername: the user or channel owning a username, rendered for the viewer;
 * USERNAME_INVALID for malformed names that nobody holds, USERNAME_NOT_OCCUPIED for free ones.
 */
export function resolveUsername(world: World, viewerId: number, raw: string): Api.contacts.ResolvedPeer {
  const username = raw.replace(/^@/, "");
  const ref = world.usernames.get(username.toLowerCase());
  if (!ref) throw badRequest(USERNAME.test(username) ? "USERNAME_NOT_OCCUPIED" : "USERNAME_INVALID");
  if (ref.type === "user") {
    const user = world.users.get(ref.id);
    if (!user || user.deleted) throw badRequest("USERNAME_NOT_OCCUPIED");
    return new Api.contacts.ResolvedPeer({ peer: peerOf(ref), chats: [], users: [renderUser(world, viewerId, user)] });
  }
  const chat = world.chats.get(ref.id);
  if (!chat) throw badRequest("USERNAME_NOT_OCCUPIED");
  return new Api.contacts.ResolvedPeer({ peer: peerOf(ref), chats: [renderChat(world, viewerId, chat)], users: [] });
}

/** contacts.block / contacts.unblock of a user: CONTACT_ID_INVALID for oneself or a chat, BOT_METHOD_INVALID for bots. */
function block(request: Api.contacts.Block | Api.contacts.Unblock, ctx: CallContext): boolean {
  const me = ctx.requireUser();
  if (me.bot) throw badRequest("BOT_METHOD_INVALID");
  const ref = resolveInputPeer(ctx.world, me.id, request.id as Api.TypeInputPeer);
  if (ref.type !== "user" || ref.id === me.id) throw badRequest("CONTACT_ID_INVALID");
  setBlocked(ctx.world, me.id, ref.id, request instanceof Api.contacts.Block);
  return true;
}

export const contactMethods: MethodTable = {
  "contacts.Block": block,
  "contacts.Unblock": block,
  "contacts.ResolveUsername": (request: Api.contacts.ResolveUsername, ctx) => resolveUsername(ctx.world, ctx.requireUser().id, request.username),
  "contacts.GetContacts": (_request: Api.contacts.GetContacts, ctx) => {
    ctx.requireUser();
    return new Api.contacts.Contacts({ contacts: [], savedCount: 0, users: [] });
  },
};
