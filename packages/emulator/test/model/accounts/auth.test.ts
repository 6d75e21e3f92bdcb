import { Api } from "telegram";
import { computeCheck } from "telegram/Password.js";
import { describe, expect, it } from "vitest";
import { accountMethods } from "../../../src/methods/account.js";
import { authMethods } from "../../../src/methods/auth.js";
import { acceptLoginToken, lastLoginCode } from "../../../src/model/auth.js";
import { SRP_PRIME } from "../../../src/model/srp.js";
import { createUser } from "../../../src/model/users.js";
import { call, harness, rpcError } from "./harness.js";

const sendCode = (phoneNumber: string, apiId = 12345) =>
  new Api.auth.SendCode({ phoneNumber, apiId, apiHash: "0123456789abcdef", settings: new Api.CodeSettings({}) });

describe("auth.sendCode / auth.signIn / auth.signUp", () => {
  it("asks an account that must set up a login email first to do so, sending no code it could sign in with", async () => {
    const h = harness();
    createUser(h.world, { firstName: "Emma", phone: "9996621235", loginEmailRequired: true });
    const ctx = h.ctx("k1");
    const sent = await call<Api.auth.SentCode>(authMethods, sendCode("9996621235"), ctx);
    expect(sent.type).toBeInstanceOf(Api.auth.SentCodeTypeSetUpEmailRequired);
    expect(lastLoginCode(h.world, "9996621235")).toBeUndefined();
    const signIn = new Api.auth.SignIn({ phoneNumber: "9996621235", phoneCodeHash: sent.phoneCodeHash, phoneCode: "22222" });
    expect(await rpcError(() => call(authMethods, signIn, ctx))).toMatch(/PHONE_CODE_|PHONE_HASH/);
  });

  it("signs in a test number with its DC code and binds the key", async () => {
    const h = harness();
    const user = createUser(h.world, { firstName: "Test", phone: "9996621234" });
    const ctx = h.ctx("k1");
    const sent = await call<Api.auth.SentCode>(authMethods, sendCode("+999 66 2 1234"), ctx);
    expect(sent.type).toBeInstanceOf(Api.auth.SentCodeTypeSms);
    expect(sent.phoneCodeHash.length).toBeGreaterThan(0);
    const auth = await call<Api.auth.Authorization>(
      authMethods,
      new Api.auth.SignIn({ phoneNumber: "9996621234", phoneCodeHash: sent.phoneCodeHash, phoneCode: "22222" }),
      ctx,
    );
    expect(auth.user).toBeInstanceOf(Api.User);
    expect((auth.user as Api.User).self).toBe(true);
    expect(h.world.userOfKey("k1")).toBe(user.id);
    const again = await call<Api.auth.SentCode>(authMethods, sendCode("9996621234"), h.ctx("k2"));
    expect(again.type).toBeInstanceOf(Api.auth.SentCodeTypeApp);
  });

  it("sends other numbers a random five-digit code the control API can read", async () => {
    const h = harness();
    createUser(h.world, { firstName: "Real", phone: "15550001111" });
    const sent = await call<Api.auth.SentCode>(authMethods, sendCode("+1 555 000 1111"), h.ctx("k"));
    const code = lastLoginCode(h.world, "+15550001111");
    expect(code).toMatch(/^\d{5}$/);
    await call(authMethods, new Api.auth.SignIn({ phoneNumber: "15550001111", phoneCodeHash: sent.phoneCodeHash, phoneCode: code }), h.ctx("k"));
    expect(h.world.userOfKey("k")).toBeDefined();
  });

  it("answers the documented errors", async () => {
    const h = harness();
    createUser(h.world, { firstName: "T", phone: "9996625555" });
    const ctx = h.ctx("k");
    expect(await rpcError(call(authMethods, sendCode("12ab"), ctx))).toBe("406 PHONE_NUMBER_INVALID");
    expect(await rpcError(call(authMethods, sendCode("9996625555", 0), ctx))).toBe("400 API_ID_INVALID");
    const { phoneCodeHash } = await call<Api.auth.SentCode>(authMethods, sendCode("9996625555"), ctx);
    const signIn = (phoneCode: string | undefined, hash = phoneCodeHash, phoneNumber = "9996625555") =>
      call(authMethods, new Api.auth.SignIn({ phoneNumber, phoneCodeHash: hash, phoneCode }), ctx);
    expect(await rpcError(signIn("22222", ""))).toBe("400 PHONE_CODE_HASH_EMPTY");
    expect(await rpcError(signIn(undefined))).toBe("400 PHONE_CODE_EMPTY");
    expect(await rpcError(signIn("12345"))).toBe("400 PHONE_CODE_INVALID");
    expect(await rpcError(signIn("22222", "feedfacefeedfacefe"))).toBe("400 PHONE_CODE_EXPIRED");
    expect(await rpcError(signIn("22222", phoneCodeHash, "9996620000"))).toBe("400 PHONE_CODE_EXPIRED");
    expect(await rpcError(signIn("22222", phoneCodeHash, "x"))).toBe("406 PHONE_NUMBER_INVALID");
    const now = h.world.now();
    h.world.now = () => now + 301;
    expect(await rpcError(signIn("22222"))).toBe("400 PHONE_CODE_EXPIRED");
    h.world.now = () => now;
    await signIn("22222");
    expect(await rpcError(signIn("22222"))).toBe("400 PHONE_CODE_EXPIRED");
  });

  it("asks unknown numbers to sign up, then creates and signs in the account", async () => {
    const h = harness();
    const ctx = h.ctx("k");
    const { phoneCodeHash } = await call<Api.auth.SentCode>(authMethods, sendCode("9996627777"), ctx);
    const signUp = (firstName: string) =>
      call<Api.auth.Authorization>(authMethods, new Api.auth.SignUp({ phoneNumber: "9996627777", phoneCodeHash, firstName, lastName: "" }), ctx);
    expect(await rpcError(signUp("New"))).toBe("400 PHONE_CODE_EMPTY");
    const result = await call(authMethods, new Api.auth.SignIn({ phoneNumber: "9996627777", phoneCodeHash, phoneCode: "22222" }), ctx);
    expect(result).toBeInstanceOf(Api.auth.AuthorizationSignUpRequired);
    expect(h.world.userOfKey("k")).toBeUndefined();
    expect(await rpcError(signUp("  "))).toBe("400 FIRSTNAME_INVALID");
    const auth = await signUp("New");
    expect((auth.user as Api.User).firstName).toBe("New");
    expect(h.world.phones.get("9996627777")).toBe(h.world.userOfKey("k"));
    const other = h.ctx("k2");
    const second = await call<Api.auth.SentCode>(authMethods, sendCode("9996627777"), other);
    expect(
      await rpcError(
        call(authMethods, new Api.auth.SignUp({ phoneNumber: "9996627777", phoneCodeHash: second.phoneCodeHash, firstName: "X", lastName: "" }), other),
      ),
    ).toBe("400 PHONE_NUMBER_OCCUPIED");
  });

  it("logs out: the key is no longer bound", async () => {
    const h = harness();
    const ctx = h.as(createUser(h.world, { firstName: "A" }));
    expect(await call(authMethods, new Api.auth.LogOut(), ctx)).toBeInstanceOf(Api.auth.LoggedOut);
    expect(ctx.userId).toBeUndefined();
    expect(await rpcError(call(authMethods, new Api.auth.LogOut(), ctx))).toBe("401 AUTH_KEY_UNREGISTERED");
  });
});

describe("2FA (SRP)", () => {
  it("requires the password, offers Telegram's SRP parameters and accepts GramJS's proof", async () => {
    const h = harness();
    const user = createUser(h.world, { firstName: "Safe", phone: "9996623333", password: "correct horse", passwordHint: "horse" });
    const ctx = h.ctx("k");
    const { phoneCodeHash } = await call<Api.auth.SentCode>(authMethods, sendCode("9996623333"), ctx);
    expect(await rpcError(call(authMethods, new Api.auth.SignIn({ phoneNumber: "9996623333", phoneCodeHash, phoneCode: "22222" }), ctx))).toBe(
      "401 SESSION_PASSWORD_NEEDED",
    );
    expect(h.world.userOfKey("k")).toBeUndefined();

    const password = await call<Api.account.Password>(accountMethods, new Api.account.GetPassword(), ctx);
    const algo = password.currentAlgo as Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow;
    expect(password.hasPassword).toBe(true);
    expect(password.hint).toBe("horse");
    expect(algo.g).toBe(3);
    expect(Buffer.compare(algo.p, SRP_PRIME)).toBe(0);
    expect(password.srp_B!.length).toBe(256);

    const wrong = await computeCheck(password, "wrong horse");
    expect(await rpcError(call(authMethods, new Api.auth.CheckPassword({ password: wrong }), ctx))).toBe("400 PASSWORD_HASH_INVALID");
    const right = await computeCheck(password, "correct horse");
    const stale = new Api.InputCheckPasswordSRP({ srpId: right.srpId.add(1), A: right.A, M1: right.M1 });
    expect(await rpcError(call(authMethods, new Api.auth.CheckPassword({ password: stale }), ctx))).toBe("400 SRP_ID_INVALID");
    expect(await rpcError(call(authMethods, new Api.auth.CheckPassword({ password: new Api.InputCheckPasswordEmpty() }), ctx))).toBe(
      "400 PASSWORD_HASH_INVALID",
    );
    const auth = await call<Api.auth.Authorization>(authMethods, new Api.auth.CheckPassword({ password: right }), ctx);
    expect((auth.user as Api.User).id.toJSNumber()).toBe(user.id);
    expect(h.world.userOfKey("k")).toBe(user.id);
  });

  it("answers account.getPassword without a password, and AUTH_KEY_UNREGISTERED for strangers", async () => {
    const h = harness();
    const ctx = h.as(createUser(h.world, { firstName: "Open" }));
    const password = await call<Api.account.Password>(accountMethods, new Api.account.GetPassword(), ctx);
    expect(password.hasPassword).toBeFalsy();
    expect(password.newAlgo).toBeInstanceOf(Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow);
    expect(await rpcError(call(accountMethods, new Api.account.GetPassword(), h.ctx("nobody")))).toBe("401 AUTH_KEY_UNREGISTERED");
  });
});

describe("bot tokens", () => {
  it("signs a bot in with its token and refuses a wrong one", async () => {
    const h = harness();
    const bot = createUser(h.world, { firstName: "Bot", bot: true });
    const ctx = h.ctx("k");
    const importBot = (botAuthToken: string) =>
      call<Api.auth.Authorization>(authMethods, new Api.auth.ImportBotAuthorization({ flags: 0, apiId: 1, apiHash: "h", botAuthToken }), ctx);
    expect(await rpcError(importBot(`${bot.id}:nope`))).toBe("400 ACCESS_TOKEN_INVALID");
    expect(await rpcError(importBot("garbage"))).toBe("400 ACCESS_TOKEN_INVALID");
    const auth = await importBot(bot.botToken!);
    expect((auth.user as Api.User).bot).toBe(true);
    expect(h.world.userOfKey("k")).toBe(bot.id);
  });
});

describe("QR login", () => {
  const exportToken = new Api.auth.ExportLoginToken({ apiId: 1, apiHash: "h", exceptIds: [] });

  it("signs the waiting key in once a logged-in device accepts the token", async () => {
    const h = harness();
    const user = createUser(h.world, { firstName: "Phone" });
    const phone = h.as(user);
    const waiting = h.ctx("qr");
    const first = await call<Api.auth.LoginToken>(authMethods, exportToken, waiting);
    expect(first).toBeInstanceOf(Api.auth.LoginToken);
    expect(first.expires).toBeGreaterThan(h.world.now());
    expect(await call(authMethods, new Api.auth.ImportLoginToken({ token: first.token }), waiting)).toBeInstanceOf(Api.auth.LoginToken);

    const accepted = await call(authMethods, new Api.auth.AcceptLoginToken({ token: first.token }), phone);
    expect(accepted).toBeInstanceOf(Api.Authorization);
    expect(h.keyPushes).toHaveLength(1);
    expect(h.keyPushes[0].authKeyId).toBe("qr");
    expect((h.keyPushes[0].updates as Api.UpdateShort).update).toBeInstanceOf(Api.UpdateLoginToken);
    expect(await rpcError(() => acceptLoginToken(h.world, user.id, first.token))).toBe("400 AUTH_TOKEN_ALREADY_ACCEPTED");

    const success = await call<Api.auth.LoginTokenSuccess>(authMethods, exportToken, waiting);
    expect(success).toBeInstanceOf(Api.auth.LoginTokenSuccess);
    expect(((success.authorization as Api.auth.Authorization).user as Api.User).id.toJSNumber()).toBe(user.id);
    expect(h.world.userOfKey("qr")).toBe(user.id);
  });

  it("rejects unknown and expired tokens", async () => {
    const h = harness();
    const user = createUser(h.world, { firstName: "Phone" });
    expect(await rpcError(() => acceptLoginToken(h.world, user.id, Buffer.alloc(32)))).toBe("400 AUTH_TOKEN_INVALID");
    const token = await call<Api.auth.LoginToken>(authMethods, exportToken, h.ctx("qr"));
    const now = h.world.now();
    h.world.now = () => now + 31;
    expect(await rpcError(() => acceptLoginToken(h.world, user.id, token.token))).toBe("400 AUTH_TOKEN_EXPIRED");
  });

  it("asks for the 2FA password after the token is accepted", async () => {
    const h = harness();
    const user = createUser(h.world, { firstName: "Safe", password: "pw" });
    const waiting = h.ctx("qr");
    const token = await call<Api.auth.LoginToken>(authMethods, exportToken, waiting);
    acceptLoginToken(h.world, user.id, token.token);
    expect(await rpcError(call(authMethods, new Api.auth.ImportLoginToken({ token: token.token }), waiting))).toBe("401 SESSION_PASSWORD_NEEDED");
    const password = await call<Api.account.Password>(accountMethods, new Api.account.GetPassword(), waiting);
    await call(authMethods, new Api.auth.CheckPassword({ password: await computeCheck(password, "pw") }), waiting);
    expect(h.world.userOfKey("qr")).toBe(user.id);
  });
});
