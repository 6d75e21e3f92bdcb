/** help.*: the server configuration clients read at start (help.getConfig) and the nearest DC. */
import { Api } from "telegram";
import { EDIT_TIME_LIMIT } from "../model/edits.js";
import { MAX_MESSAGE_LENGTH } from "../model/sending.js";
import type { World } from "../model/world.js";
import type { CallContext, MethodTable } from "../rpc/context.js";

/**
 * The Config Telegram's clients expect: every DC the server listens for in dc_options (ipv4, one port
 * each; core.telegram.org/api/datacenter: "a complete list of proxy access points for these DCs may be
 * obtained using help.getConfig"), this_dc the DC asked, everyday limits.
 */
export function serverConfig(world: World, thisDc: number): Api.Config {
  const now = world.now();
  const { dcId, host, port } = world.server;
  const dcs = world.dcs.length > 0 ? world.dcs : [{ id: dcId, host, port }];
  return new Api.Config({
    date: now,
    expires: now + 3600,
    testMode: false,
    thisDc,
    dcOptions: dcs.map((dc) => new Api.DcOption({ id: dc.id, ipAddress: dc.host, port: dc.port })),
    dcTxtDomainName: "",
    chatSizeMax: 200,
    megagroupSizeMax: 200_000,
    forwardedCountMax: 100,
    onlineUpdatePeriodMs: 210_000,
    offlineBlurTimeoutMs: 5_000,
    offlineIdleTimeoutMs: 30_000,
    onlineCloudTimeoutMs: 300_000,
    notifyCloudDelayMs: 30_000,
    notifyDefaultDelayMs: 1_500,
    pushChatPeriodMs: 60_000,
    pushChatLimit: 2,
    editTimeLimit: EDIT_TIME_LIMIT,
    revokeTimeLimit: 2_147_483_647,
    revokePmTimeLimit: 2_147_483_647,
    ratingEDecay: 2_419_200,
    stickersRecentLimit: 200,
    channelsReadMediaPeriod: 604_800,
    callReceiveTimeoutMs: 20_000,
    callRingTimeoutMs: 90_000,
    callConnectTimeoutMs: 30_000,
    callPacketTimeoutMs: 10_000,
    meUrlPrefix: "https://t.me/",
    captionLengthMax: 1024,
    messageLengthMax: MAX_MESSAGE_LENGTH,
    webfileDcId: dcId,
  });
}

/** The DC a call came to: its key's, or the main DC for pre-shared test keys. */
function thisDcOf(ctx: CallContext): number {
  return ctx.world.dcOfKey(ctx.authKeyId) ?? ctx.world.server.dcId;
}

export const helpMethods: MethodTable = {
  "help.GetConfig": (_request: Api.help.GetConfig, ctx) => serverConfig(ctx.world, thisDcOf(ctx)),
  "help.GetNearestDc": (_request: Api.help.GetNearestDc, ctx) => new Api.NearestDc({ country: "US", thisDc: thisDcOf(ctx), nearestDc: ctx.world.server.dcId }),
};
