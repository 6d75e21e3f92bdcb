/**
 * Data centres, as core.telegram.org/api/datacenter describes them: every account and every stored file
 * lives on one DC; an auth key belongs to the DC that created it; a call on another DC is answered
 * 303 PHONE_MIGRATE_X (sign-in), USER_MIGRATE_X (the account's calls) or FILE_MIGRATE_X (upload.getFile),
 * X being the DC to repeat it on; auth.exportAuthorization / auth.importAuthorization carry an
 * authorization to another DC. One model serves every DC: only where a call may be answered differs.
 */
import { randomBytes } from "node:crypto";
import { RpcError } from "./errors.js";
import type { UserRecord } from "./records.js";

import type { World } from "./world.js";

/** The DCs the emulator runs, as Telegram's production DCs are numbered. */
export const DC_IDS: readonly number[] = [1, 2, 3, 4, 5];
/** The DC of the ready line's `port` / `dcId`: where accounts without a test number live. */
export const MAIN_DC = 2;
/** How long an exported authorization may be imported, in seconds (Telegram does not say; kept short). */
export const EXPORTED_AUTHORIZATION_TTL = 300;

/** 303 X_MIGRATE_N: repeat the call on DC n (core.telegram.org/api/errors, 303 SEE_OTHER). */
export function migrateError(kind: "PHONE" | "USER" | "FILE" | "NETWORK", dcId: number): RpcError {
  return new RpcError(303, `${kind}_MIGRATE_${dcId}`);
}

/**
 * The DC a test number belongs to: 99966XYYYY lives on DC X (core.telegram.org/api/auth, "Test
 * accounts"; the same page: "a number of another DC is answered PHONE_MIGRATE_X"). Undefined for other
 * numbers and for an X the emulator does not run.
 */
export function testNumberDc(phone: string | undefined): number | undefined {
  const match = /^99966(\d)\d{4}$/.exec(phone ?? "");
  const dc = match ? Number(match[1]) : undefined;
  return dc !== undefined && DC_IDS.includes(dc) ? dc : undefined;
}

/** The DC an account lives on: where it was moved (control API), else its test number's DC, else the main DC. */
export function homeDcOf(world: World, user: Pick<UserRecord, "id" | "phone">): number {
  return world.homeDcs.get(user.id) ?? testNumberDc(user.phone) ?? MAIN_DC;
}

/**
 * The DC a sign-in with this phone number must happen on: the account's if there is one, else the test
 * number's; undefined (any DC) for a new number that is not a test number.
 */
export function phoneDc(world: World, phone: string, account: UserRecord | undefined): number | undefined {
  return account ? homeDcOf(world, account) : testNumberDc(phone);
}

/** 303 PHONE_MIGRATE_X when a sign-in with `phone` is begun on a DC that is not the number's. */
export function checkPhoneDc(world: World, authKeyId: string, phone: string, account: UserRecord | undefined): void {
  const here = world.dcOfKey(authKeyId);
  const home = phoneDc(world, phone, account);
  if (here !== undefined && home !== undefined && here !== home) throw migrateError("PHONE", home);
}

/**
 * The account whose updates a connection on this key receives: its signed-in account, when the key is on
 * the account's home DC (or belongs to no DC, as tests' pre-shared keys). Updates come from the DC the
 * account lives on: a key that imported the authorization elsewhere (files), or one left on the old DC
 * after a move, gets none.
 */
export function updatesUserOfKey(world: World, authKeyId: string): number | undefined {
  const authorization = world.authorizations.get(authKeyId);
  const here = world.dcOfKey(authKeyId);
  const user = authorization && world.users.get(authorization.userId);
  if (user === undefined || here === undefined) return authorization?.userId;
  return homeDcOf(world, user) === here ? user.id : undefined;
}

/**
 * 303 USER_MIGRATE_X for a call made as an account on a DC that is not its home, unless the key imported
 * its authorization there (core.telegram.org/api/datacenter: "when executing any query transmitted to
 * the old DC, the API will return the error 303 USER_MIGRATE_X"; an imported authorization is how a
 * client works with another DC, for files above all). Keys the server did not create (tests' pre-shared
 * keys without a DC) are not checked.
 */
export function checkUserDc(world: World, authKeyId: string): void {
  const authorization = world.authorizations.get(authKeyId);
  const here = world.dcOfKey(authKeyId);
  const user = authorization && world.users.get(authorization.userId);
  if (!user || here === undefined || authorization?.imported) return;
  const home = homeDcOf(world, user);
  if (home !== here) throw migrateError("USER", home);
}

/**
 * auth.exportAuthorization (core.telegram.org/method/auth.exportAuthorization): bytes that sign a key
 * of DC `dcId` in as the same account. DC_ID_INVALID for a DC the emulator does not run or the key's
 * own DC (GramJS reads that answer as "already signed in there"). Answered on the key's DC even after
 * the account moved away: it is how the authorization reaches the new DC (core.telegram.org/api/datacenter,
 * "Authorization transfer").
 */
export function exportAuthorization(world: World, authKeyId: string, userId: number, dcId: number): { id: number; bytes: Buffer } {
  if (!DC_IDS.includes(dcId) || dcId === world.dcOfKey(authKeyId)) throw new RpcError(400, "DC_ID_INVALID");
  const bytes = randomBytes(128);
  world.exportedAuthorizations.set(bytes.toString("hex"), { userId, dcId, expires: world.now() + EXPORTED_AUTHORIZATION_TTL });
  return { id: userId, bytes };
}

/**
 * auth.importAuthorization (core.telegram.org/method/auth.importAuthorization): signs the calling key in
 * with exported bytes, once, on the DC they were exported for: AUTH_BYTES_INVALID otherwise,
 * USER_ID_INVALID when `id` is not the exporting account. The key may then act as the account on that DC.
 */
export function importAuthorization(world: World, authKeyId: string, id: number, bytes: Buffer): UserRecord {
  const key = Buffer.from(bytes ?? []).toString("hex");
  const exported = world.exportedAuthorizations.get(key);
  if (!exported || exported.expires < world.now() || exported.dcId !== world.dcOfKey(authKeyId)) throw new RpcError(400, "AUTH_BYTES_INVALID");
  if (exported.userId !== id) throw new RpcError(400, "USER_ID_INVALID");
  const user = world.users.get(id);
  if (!user || user.deleted) throw new RpcError(400, "USER_ID_INVALID");
  world.exportedAuthorizations.delete(key);
  world.authorizations.set(authKeyId, { userId: id, date: world.now(), imported: true });
  return user;
}

/**
 * Moves an account to another DC (the control API's stand-in for Telegram migrating an account,
 * core.telegram.org/api/datacenter, "User migration"): its calls on the old DC answer USER_MIGRATE_X from
 * now on. Returns the DC it left.
 */
export function moveAccount(world: World, user: UserRecord, dcId: number): number {
  if (!DC_IDS.includes(dcId)) throw new RangeError(`dcId must be one of ${DC_IDS.join(", ")}`);
  const previous = homeDcOf(world, user);
  world.homeDcs.set(user.id, dcId);
  return previous;
}
