/** updates.*: the account's update state and the difference since a given pts and qts. */
import type { Api } from "telegram";
import { currentState, getDifference } from "../model/difference.js";
import type { MethodTable } from "../rpc/context.js";

export const updateMethods: MethodTable = {
  "updates.GetState": (_request: Api.updates.GetState, ctx) => currentState(ctx.world, ctx.requireUser().id),
  "updates.GetDifference": (request: Api.updates.GetDifference, ctx) =>
    getDifference(ctx.world, ctx.requireUser().id, {
      pts: request.pts ?? 0,
      date: request.date ?? 0,
      qts: request.qts ?? 0,
      ptsLimit: request.ptsLimit,
      ptsTotalLimit: request.ptsTotalLimit,
      qtsLimit: request.qtsLimit,
    }),
};
