/** auth.*: login codes, sign-up, 2FA password check, bot tokens, QR login tokens, log-out. */
import { randomBytes } from "node:crypto";
import { Api } from "telegram";
import {
  acceptLoginToken,
  checkPassword,
  checkSignInDc,
  exportLoginToken,
  importBotAuthorization,
  importLoginToken,
  logOut,
  resendCode,
  sendCode,
  signIn,
  signUp,
} from "../model/auth.js";
import { exportAuthorization, importAuthorization } from "../model/dcs.js";
import { badRequest } from "../model/errors.js";
import { toLong } from "../model/longs.js";
import { renderUser } from "../model/users.js";
import type { MethodTable } from "../rpc/context.js";

/** auth.acceptLoginToken's answer: the session just signed in, as account.getAuthorizations lists it. */
function acceptedAuthorization(now: number): Api.Authorization {
  return new Api.Authorization({
    hash: toLong(randomBytes(8).readBigInt64LE(0)),
    deviceModel: "Emulator",
    platform: "emulator",
    systemVersion: "1.0",
    apiId: 0,
    appName: "Telegram emulator",
    appVersion: "1.0",
    dateCreated: now,
    dateActive: now,
    ip: "127.0.0.1",
    country: "",
    region: "",
  });
}

export const authMethods: MethodTable = {
  "auth.SendCode": (request: Api.auth.SendCode, ctx) => {
    checkSignInDc(ctx.world, ctx.authKeyId, request.phoneNumber);
    return sendCode(ctx.world, request.phoneNumber, request.apiId, request.apiHash);
  },
  "auth.ResendCode": (request: Api.auth.ResendCode, ctx) => {
    checkSignInDc(ctx.world, ctx.authKeyId, request.phoneNumber);
    return resendCode(ctx.world, request.phoneNumber, request.phoneCodeHash);
  },
  "auth.SignIn": (request: Api.auth.SignIn, ctx) => {
    checkSignInDc(ctx.world, ctx.authKeyId, request.phoneNumber);
    return signIn(ctx.world, ctx.authKeyId, request.phoneNumber, request.phoneCodeHash, request.phoneCode);
  },
  "auth.SignUp": (request: Api.auth.SignUp, ctx) => {
    checkSignInDc(ctx.world, ctx.authKeyId, request.phoneNumber);
    return signUp(ctx.world, ctx.authKeyId, request.phoneNumber, request.phoneCodeHash, request.firstName, request.lastName);
  },
  "auth.ExportAuthorization": (request: Api.auth.ExportAuthorization, ctx) => {
    const user = ctx.requireUser();
    const exported = exportAuthorization(ctx.world, ctx.authKeyId, user.id, request.dcId);
    return new Api.auth.ExportedAuthorization({ id: toLong(BigInt(exported.id)), bytes: exported.bytes });
  },
  "auth.ImportAuthorization": (request: Api.auth.ImportAuthorization, ctx) => {
    const user = importAuthorization(ctx.world, ctx.authKeyId, Number(request.id.toString()), Buffer.from(request.bytes));
    return new Api.auth.Authorization({ user: renderUser(ctx.world, user.id, user) });
  },
  "auth.CheckPassword": (request: Api.auth.CheckPassword, ctx) => checkPassword(ctx.world, ctx.authKeyId, request.password),
  "auth.ImportBotAuthorization": (request: Api.auth.ImportBotAuthorization, ctx) => importBotAuthorization(ctx.world, ctx.authKeyId, request.botAuthToken),
  "auth.ExportLoginToken": (_request: Api.auth.ExportLoginToken, ctx) => exportLoginToken(ctx.world, ctx.authKeyId),
  "auth.ImportLoginToken": (request: Api.auth.ImportLoginToken, ctx) => importLoginToken(ctx.world, ctx.authKeyId, request.token),
  "auth.AcceptLoginToken": (request: Api.auth.AcceptLoginToken, ctx) => {
    const user = ctx.requireUser();
    if (user.bot) throw badRequest("BOT_METHOD_INVALID");
    acceptLoginToken(ctx.world, user.id, request.token);
    return acceptedAuthorization(ctx.world.now());
  },
  "auth.LogOut": (_request: Api.auth.LogOut, ctx) => {
    ctx.requireUser();
    return logOut(ctx.world, ctx.authKeyId);
  },
};
