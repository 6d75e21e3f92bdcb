/** account.*: the 2FA password parameters (also before sign-in) and the online status. */
import type { Api } from "telegram";
import { passwordSettings } from "../model/auth.js";
import type { MethodTable } from "../rpc/context.js";

/** How long "online" lasts after account.updateStatus(offline=false), as Telegram's clients assume. */
const ONLINE_FOR = 300;

export const accountMethods: MethodTable = {
  "account.GetPassword": (_request: Api.account.GetPassword, ctx) => passwordSettings(ctx.world, ctx.authKeyId),
  "account.UpdateStatus": (request: Api.account.UpdateStatus, ctx) => {
    const user = ctx.requireUser();
    const now = ctx.world.now();
    user.status = request.offline ? "offline" : "online";
    user.wasOnline = request.offline ? now : now + ONLINE_FOR;
    return true;
  },
};
