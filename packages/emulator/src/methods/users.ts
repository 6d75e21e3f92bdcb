/** users.*: users by InputUser (self included) and a user's full profile. */
import { Api } from "telegram";
import { chatsOf } from "../model/chats.js";
import { RpcError } from "../model/errors.js";
import { resolveInputUser } from "../model/inputPeers.js";
import { toLong } from "../model/longs.js";
import type { UserRecord } from "../model/records.js";
import { renderUser } from "../model/users.js";
import type { World } from "../model/world.js";
import type { MethodTable } from "../rpc/context.js";

/** Groups and channels both users are in, for userFull.common_chats_count. */
function commonChatsCount(world: World, viewerId: number, user: UserRecord): number {
  if (viewerId === user.id) return 0;
  return chatsOf(world, viewerId).filter((chat) => chatsOf(world, user.id).includes(chat)).length;
}

/** users.userFull for `viewerId`: about, bot info for bots, the user rendered in `users`. */
export function fullUser(world: World, viewerId: number, user: UserRecord): Api.users.UserFull {
  const id = toLong(user.id);
  return new Api.users.UserFull({
    fullUser: new Api.UserFull({
      id,
      about: user.about,
      settings: new Api.PeerSettings({}),
      notifySettings: new Api.PeerNotifySettings({}),
      commonChatsCount: commonChatsCount(world, viewerId, user),
      botInfo: user.bot ? new Api.BotInfo({ userId: id, description: user.about ?? "", commands: [] }) : undefined,
    }),
    chats: [],
    users: [renderUser(world, viewerId, user)],
  });
}

export const userMethods: MethodTable = {
  "users.GetUsers": (request: Api.users.GetUsers, ctx) => {
    const viewer = ctx.requireUser();
    const users: Api.User[] = [];
    for (const input of request.id) {
      try {
        users.push(renderUser(ctx.world, viewer.id, resolveInputUser(ctx.world, viewer.id, input as Api.TypeInputUser)));
      } catch (error) {
        // Telegram leaves users it cannot resolve out of the vector.
        if (!(error instanceof RpcError)) throw error;
      }
    }
    return users;
  },
  "users.GetFullUser": (request: Api.users.GetFullUser, ctx) => {
    const viewer = ctx.requireUser();
    return fullUser(ctx.world, viewer.id, resolveInputUser(ctx.world, viewer.id, request.id as Api.TypeInputUser, "USER_ID_INVALID"));
  },
};
