/**
 * Signing in, as https://core.telegram.org/api/auth describes: login codes (test numbers 99966XYYYY
 * take code XXXXX), sign-up, 2FA with SRP, bot tokens, QR login tokens, log-out. A successful
 * sign-in binds the auth key to the account in `world.authorizations`.
 */
import { randomBytes, randomInt } from "node:crypto";
import { Api } from "telegram";
import { checkPhoneDc, homeDcOf, migrateError } from "./dcs.js";
import { badRequest, notAcceptable, unauthorized } from "./errors.js";
import { toLong } from "./longs.js";
import type { UserRecord } from "./records.js";
import { challengeFor, checkProof, SRP_G, SRP_PRIME } from "./srp.js";
import { createUser, normalizePhone, renderUser } from "./users.js";
import type { LoginToken, SentCode, World } from "./world.js";

/** How long a login code stays valid, in seconds. */
export const CODE_TTL = 300;
/** How long a QR login token stays valid, in seconds. */
export const LOGIN_TOKEN_TTL = 30;

/** The last login code sent to a phone number (the control API's stand-in for the SMS). */
export function lastLoginCode(world: World, phone: string): string | undefined {
  const normalized = normalizePhone(phone);
  return normalized === undefined ? undefined : world.login.lastCodes.get(normalized);
}

function phoneOrThrow(raw: string): string {
  const phone = normalizePhone(raw ?? "");
  if (phone === undefined) throw notAcceptable("PHONE_NUMBER_INVALID");
  return phone;
}

/** The account registered under a phone number, unless deleted. */
function accountOf(world: World, phone: string): UserRecord | undefined {
  const id = world.phones.get(phone);
  const user = id === undefined ? undefined : world.users.get(id);
  return user && !user.deleted ? user : undefined;
}

/** Bind an auth key to an account and answer as auth.signIn does. */
function bind(world: World, authKeyId: string, user: UserRecord): Api.auth.Authorization {
  world.login.awaitingPassword.delete(authKeyId);
  world.authorizations.set(authKeyId, { userId: user.id, date: world.now() });
  return new Api.auth.Authorization({ user: renderUser(world, user.id, user) });
}

/** Bind, or, for an account with 2FA, remember the key and ask for the password (401). */
function bindOrAskPassword(world: World, authKeyId: string, user: UserRecord): Api.auth.Authorization {
  if (user.password) {
    world.login.awaitingPassword.set(authKeyId, user.id);
    throw unauthorized("SESSION_PASSWORD_NEEDED");
  }
  return bind(world, authKeyId, user);
}

/**
 * 303 PHONE_MIGRATE_X when a sign-in with this number is begun or continued on a DC other than its own
 * (dcs.ts): the account's DC, or for a new test number 99966XYYYY DC X.
 */
export function checkSignInDc(world: World, authKeyId: string, phoneNumber: string): void {
  const phone = phoneOrThrow(phoneNumber);
  checkPhoneDc(world, authKeyId, phone, accountOf(world, phone));
}

/**
 * auth.sendCode: issue a code and its phone_code_hash; in-app when the account has a signed-in key. An
 * account that must set up a login email first gets auth.sentCodeTypeSetUpEmailRequired and no code
 * (core.telegram.org/api/auth, "Email verification": the user should add and verify an email address,
 * account.sendVerifyEmailCode with emailVerifyPurposeLoginSetup, before logging in; not modelled further).
 */
export function sendCode(world: World, phoneNumber: string, apiId: number, apiHash: string): Api.auth.SentCode {
  const phone = phoneOrThrow(phoneNumber);
  if (!(apiId > 0) || !apiHash) throw badRequest("API_ID_INVALID");
  if (accountOf(world, phone)?.loginEmailRequired) {
    return new Api.auth.SentCode({ type: new Api.auth.SentCodeTypeSetUpEmailRequired({}), phoneCodeHash: randomBytes(9).toString("hex") });
  }
  const test = /^99966(\d)\d{4}$/.exec(phone);
  const code = test ? test[1].repeat(5) : String(randomInt(0, 100_000)).padStart(5, "0");
  const hash = randomBytes(9).toString("hex");
  const state = world.login;
  state.codes.set(hash, { phone, code, expires: world.now() + CODE_TTL, verified: false });
  state.lastCodes.set(phone, code);
  const user = accountOf(world, phone);
  const signedInElsewhere = user !== undefined && [...world.authorizations.values()].some((a) => a.userId === user.id);
  return new Api.auth.SentCode({
    type: signedInElsewhere ? new Api.auth.SentCodeTypeApp({ length: 5 }) : new Api.auth.SentCodeTypeSms({ length: 5 }),
    phoneCodeHash: hash,
  });
}

/** auth.resendCode: the same code again, by SMS, valid for another CODE_TTL. */
export function resendCode(world: World, phoneNumber: string, phoneCodeHash: string): Api.auth.SentCode {
  const phone = phoneOrThrow(phoneNumber);
  const entry = codeEntry(world, phone, phoneCodeHash);
  entry.expires = world.now() + CODE_TTL;
  return new Api.auth.SentCode({ type: new Api.auth.SentCodeTypeSms({ length: 5 }), phoneCodeHash });
}

/** The live code entry behind a phone_code_hash, with Telegram's errors for missing or stale ones. */
function codeEntry(world: World, phone: string, hash: string): SentCode {
  if (!hash) throw badRequest("PHONE_CODE_HASH_EMPTY");
  const entry = world.login.codes.get(hash);
  if (!entry || entry.phone !== phone || entry.expires < world.now()) throw badRequest("PHONE_CODE_EXPIRED");
  return entry;
}

/**
 * auth.signIn: check the code; an unknown number answers auth.authorizationSignUpRequired, an
 * account with 2FA answers 401 SESSION_PASSWORD_NEEDED, any other binds the key.
 */
export function signIn(world: World, authKeyId: string, phoneNumber: string, phoneCodeHash: string, phoneCode: string | undefined): Api.auth.TypeAuthorization {
  const phone = phoneOrThrow(phoneNumber);
  if (!phoneCodeHash) throw badRequest("PHONE_CODE_HASH_EMPTY");
  if (!phoneCode) throw badRequest("PHONE_CODE_EMPTY");
  const entry = codeEntry(world, phone, phoneCodeHash);
  if (entry.code !== phoneCode) throw badRequest("PHONE_CODE_INVALID");
  const user = accountOf(world, phone);
  if (!user) {
    entry.verified = true;
    return new Api.auth.AuthorizationSignUpRequired({});
  }
  world.login.codes.delete(phoneCodeHash);
  return bindOrAskPassword(world, authKeyId, user);
}

/** auth.signUp: create the account for a number whose code auth.signIn accepted, and bind the key. */
export function signUp(
  world: World,
  authKeyId: string,
  phoneNumber: string,
  phoneCodeHash: string,
  firstName: string,
  lastName: string,
): Api.auth.Authorization {
  const phone = phoneOrThrow(phoneNumber);
  const entry = codeEntry(world, phone, phoneCodeHash);
  if (accountOf(world, phone)) throw badRequest("PHONE_NUMBER_OCCUPIED");
  if (!entry.verified) throw badRequest("PHONE_CODE_EMPTY");
  const first = firstName.trim();
  if (first.length === 0 || first.length > 64) throw badRequest("FIRSTNAME_INVALID");
  world.login.codes.delete(phoneCodeHash);
  world.phones.delete(phone); // a deleted account may still hold the number
  const user = createUser(world, { firstName: first, lastName: lastName.trim() || undefined, phone, status: "online" });
  // A new account lives on the DC it signed up on.
  const here = world.dcOfKey(authKeyId);
  if (here !== undefined && here !== homeDcOf(world, user)) world.homeDcs.set(user.id, here);
  return bind(world, authKeyId, user);
}

/** The account a key acts for in the password step: the one signed in, else the one awaiting 2FA. */
function passwordSubject(world: World, authKeyId: string): UserRecord {
  const id = world.userOfKey(authKeyId) ?? world.login.awaitingPassword.get(authKeyId);
  const user = id === undefined ? undefined : world.users.get(id);
  if (!user) throw unauthorized("AUTH_KEY_UNREGISTERED");
  return user;
}

/** account.getPassword: the SRP parameters (salts, g, p, srp_B, srp_id, hint) or "no password". */
export function passwordSettings(world: World, authKeyId: string): Api.account.Password {
  const user = passwordSubject(world, authKeyId);
  const newAlgo = new Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow({
    salt1: randomBytes(8),
    salt2: randomBytes(16),
    g: SRP_G,
    p: SRP_PRIME,
  });
  const common = {
    newAlgo,
    newSecureAlgo: new Api.SecurePasswordKdfAlgoPBKDF2HMACSHA512iter100000({ salt: randomBytes(8) }),
    secureRandom: randomBytes(32),
  };
  const password = user.password;
  if (!password) return new Api.account.Password({ ...common, hasPassword: false });
  return new Api.account.Password({
    ...common,
    hasPassword: true,
    currentAlgo: new Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow({
      salt1: password.salt1,
      salt2: password.salt2,
      g: SRP_G,
      p: SRP_PRIME,
    }),
    srp_B: challengeFor(password).B,
    srpId: toLong(password.srpId),
    hint: password.hint,
  });
}

/** auth.checkPassword: verify the SRP proof M1 and bind the key (PASSWORD_HASH_INVALID, SRP_ID_INVALID). */
export function checkPassword(world: World, authKeyId: string, check: Api.TypeInputCheckPasswordSRP): Api.auth.Authorization {
  const user = passwordSubject(world, authKeyId);
  const password = user.password;
  if (!password || !(check instanceof Api.InputCheckPasswordSRP)) throw badRequest("PASSWORD_HASH_INVALID");
  if (BigInt(check.srpId.toString()) !== password.srpId) throw badRequest("SRP_ID_INVALID");
  if (!checkProof(password, check.A, check.M1)) throw badRequest("PASSWORD_HASH_INVALID");
  return bind(world, authKeyId, user);
}

/** auth.importBotAuthorization: sign a bot in with its token "id:secret" (ACCESS_TOKEN_INVALID). */
export function importBotAuthorization(world: World, authKeyId: string, token: string): Api.auth.Authorization {
  const id = Number(/^(\d+):/.exec(token ?? "")?.[1]);
  const bot = world.users.get(id);
  if (!bot?.bot || bot.deleted || bot.botToken !== token) throw badRequest("ACCESS_TOKEN_INVALID");
  // A bot lives on one DC too (core.telegram.org/api/datacenter, "User migration").
  const here = world.dcOfKey(authKeyId);
  const home = homeDcOf(world, bot);
  if (here !== undefined && here !== home) throw migrateError("USER", home);
  return bind(world, authKeyId, bot);
}

/**
 * Answer for a key whose QR token a logged-in device accepted: bind, or ask for the 2FA password; when the
 * account lives on another DC, auth.loginTokenMigrateTo that DC, where auth.importLoginToken completes it
 * (core.telegram.org/api/qr-login).
 */
function tokenSuccess(world: World, authKeyId: string, login: LoginToken): Api.auth.LoginTokenSuccess | Api.auth.LoginTokenMigrateTo {
  const user = world.users.get(login.acceptedBy ?? -1);
  if (!user || user.deleted) throw badRequest("AUTH_TOKEN_INVALID");
  const here = world.dcOfKey(authKeyId);
  const home = homeDcOf(world, user);
  if (here !== undefined && here !== home) return new Api.auth.LoginTokenMigrateTo({ dcId: home, token: login.token });
  world.login.tokens.delete(login.token.toString("hex"));
  return new Api.auth.LoginTokenSuccess({ authorization: bindOrAskPassword(world, authKeyId, user) });
}

/**
 * auth.exportLoginToken: a fresh QR token for this key, or auth.loginTokenSuccess once another device
 * accepted the key's token.
 */
export function exportLoginToken(world: World, authKeyId: string): Api.auth.TypeLoginToken {
  const state = world.login;
  const now = world.now();
  for (const [hex, login] of state.tokens) {
    if (login.authKeyId !== authKeyId) continue;
    if (login.acceptedBy !== undefined) return tokenSuccess(world, authKeyId, login);
    if (login.expires < now) state.tokens.delete(hex);
  }
  const token = randomBytes(32);
  const login: LoginToken = { authKeyId, token, expires: now + LOGIN_TOKEN_TTL };
  state.tokens.set(token.toString("hex"), login);
  return new Api.auth.LoginToken({ expires: login.expires, token });
}

function liveToken(world: World, token: Buffer): LoginToken {
  const login = world.login.tokens.get(Buffer.from(token).toString("hex"));
  if (!login) throw badRequest("AUTH_TOKEN_INVALID");
  if (login.expires < world.now() && login.acceptedBy === undefined) throw badRequest("AUTH_TOKEN_EXPIRED");
  return login;
}

/** auth.importLoginToken: loginTokenSuccess for an accepted token, the token again while it waits. */
export function importLoginToken(world: World, authKeyId: string, token: Buffer): Api.auth.TypeLoginToken {
  const login = liveToken(world, token);
  if (login.acceptedBy === undefined) return new Api.auth.LoginToken({ expires: login.expires, token: login.token });
  return tokenSuccess(world, authKeyId, login);
}

/**
 * A logged-in device accepts a QR token (auth.acceptLoginToken, the control API): the waiting key
 * gets updateLoginToken and its next exportLoginToken / importLoginToken signs it in.
 */
export function acceptLoginToken(world: World, userId: number, token: Buffer): void {
  const login = liveToken(world, token);
  if (login.acceptedBy !== undefined) throw badRequest("AUTH_TOKEN_ALREADY_ACCEPTED");
  login.acceptedBy = userId;
  world.pushToKey(login.authKeyId, new Api.UpdateShort({ update: new Api.UpdateLoginToken(), date: world.now() }));
}

/** auth.logOut: unbind the key and forget its pending login steps. */
export function logOut(world: World, authKeyId: string): Api.auth.LoggedOut {
  const state = world.login;
  state.awaitingPassword.delete(authKeyId);
  for (const [hex, login] of state.tokens) if (login.authKeyId === authKeyId) state.tokens.delete(hex);
  world.authorizations.delete(authKeyId);
  return new Api.auth.LoggedOut({});
}
