/**
 * Users as the emulator keeps and shows them: creation (people, bots, deleted accounts) and the User
 * constructor each viewer sees (own access hash, status). inputPeers.ts resolves the InputUser a client
 * sends back.
 */
import { randomBytes } from "node:crypto";
import { Api } from "telegram";
import { toLong } from "./longs.js";
import type { UserRecord, UserStatusKind } from "./records.js";
import { createPasswordRecord } from "./srp.js";
import type { World } from "./world.js";

export interface UserSpec {
  firstName: string;
  lastName?: string;
  username?: string;
  phone?: string;
  bot?: boolean;
  deleted?: boolean;
  scam?: boolean;
  fake?: boolean;
  premium?: boolean;
  verified?: boolean;
  status?: UserStatusKind;
  wasOnline?: number;
  password?: string;
  passwordHint?: string;
  about?: string;
  /** Bots: privacy mode (default on), see botPrivacy.ts. */
  privacyMode?: boolean;
  /** People: auth.sendCode asks them to set up a login email first (auth.ts). */
  loginEmailRequired?: boolean;
}

/** Telegram's phone form: digits only, "+", spaces, dashes and brackets dropped; undefined when malformed. */
export function normalizePhone(raw: string): string | undefined {
  const digits = raw.replace(/[\s()+-]/g, "");
  return /^\d{5,15}$/.test(digits) ? digits : undefined;
}

/** The next free generated number: 999662YYYY (Telegram's test-DC pattern, DC 2), then 13-digit ones. */
function generatePhone(world: World): string {
  let n = world.phoneSerial;
  let phone: string;
  do {
    n++;
    phone = String(n < 10_000 ? 9_996_620_000 + n : 9_996_620_000_000 + n);
  } while (world.phones.has(phone));
  world.phoneSerial = n;
  return phone;
}

/**
 * A number for a generated member (seed.ts): +888 and eight digits, the anonymous numbers Fragment sells,
 * outside the test numbers 99966XYYYY (core.telegram.org/api/auth#test-accounts), which only people
 * meant to log in should take: a world of 200,000 members would otherwise leave none for them.
 */
export function anonymousPhone(world: World): string {
  let n = world.anonymousPhoneSerial;
  let phone: string;
  do {
    n++;
    phone = `888${String(n).padStart(8, "0")}`;
  } while (world.phones.has(phone));
  world.anonymousPhoneSerial = n;
  return phone;
}

/**
 * Add a user to the world: assigns the id, a phone for people without one, a bot token
 * "id:secret" for bots, registers username and phone (both unique: throws when taken) and, with a
 * password, the SRP verifier (slow: PBKDF2 with 100,000 iterations, cached per password).
 */
export function createUser(world: World, spec: UserSpec): UserRecord {
  const deleted = spec.deleted ?? false;
  const bot = spec.bot ?? false;
  const username = deleted ? undefined : spec.username?.replace(/^@/, "");
  if (username !== undefined && world.usernames.has(username.toLowerCase())) {
    throw new Error(`username @${username} is taken`);
  }
  let phone: string | undefined;
  if (!deleted && !bot) {
    if (spec.phone !== undefined) {
      phone = normalizePhone(spec.phone);
      if (phone === undefined) throw new Error(`malformed phone number ${spec.phone}`);
      if (world.phones.has(phone)) throw new Error(`phone ${phone} is taken`);
    } else {
      phone = generatePhone(world);
    }
  }
  const id = world.allocateId();
  const user: UserRecord = {
    id,
    firstName: spec.firstName,
    lastName: spec.lastName,
    username,
    phone,
    bot,
    botToken: bot ? `${id}:${randomBytes(26).toString("base64url")}` : undefined,
    deleted,
    scam: spec.scam ?? false,
    fake: spec.fake ?? false,
    premium: spec.premium ?? false,
    verified: spec.verified ?? false,
    status: spec.status ?? (bot ? "empty" : "recently"),
    wasOnline: spec.wasOnline,
    about: spec.about,
    privacy: bot && spec.privacyMode === false ? { enabled: false, since: 0, before: false } : undefined,
    loginEmailRequired: !bot && spec.loginEmailRequired === true ? true : undefined,
  };
  if (spec.password !== undefined && !deleted && !bot) {
    user.password = createPasswordRecord(world.passwordVerifiers, spec.password, spec.passwordHint);
  }
  world.users.set(id, user);
  if (username !== undefined) world.usernames.set(username.toLowerCase(), { type: "user", id });
  if (phone !== undefined) world.phones.set(phone, id);
  return user;
}

/** The status a user shows: online until `expires`, then offline; bots and deleted accounts show none. */
export function renderUserStatus(world: World, user: UserRecord): Api.TypeUserStatus | undefined {
  if (user.bot || user.deleted) return undefined;
  const now = world.now();
  switch (user.status) {
    case "online": {
      const expires = user.wasOnline ?? now + 300;
      return expires > now ? new Api.UserStatusOnline({ expires }) : new Api.UserStatusOffline({ wasOnline: expires });
    }
    case "offline":
      return new Api.UserStatusOffline({ wasOnline: user.wasOnline ?? now - 3600 });
    case "recently":
      return new Api.UserStatusRecently({});
    case "lastWeek":
      return new Api.UserStatusLastWeek({});
    case "lastMonth":
      return new Api.UserStatusLastMonth({});
    case "longAgo":
    case "empty":
      return new Api.UserStatusEmpty();
  }
}

/**
 * The User constructor `viewerId` sees: its own access hash for this user, `self` for the viewer's
 * own account, the phone only to its owner, and a deleted account as a bare id.
 */
export function renderUser(world: World, viewerId: number, user: UserRecord): Api.User {
  const accessHash = toLong(world.accessHash(viewerId, "user", user.id));
  const self = viewerId === user.id;
  if (user.deleted) {
    return new Api.User({ id: toLong(user.id), accessHash, deleted: true, self });
  }
  return new Api.User({
    id: toLong(user.id),
    accessHash,
    self,
    bot: user.bot,
    botInfoVersion: user.bot ? 1 : undefined,
    // core.telegram.org/constructor/user: bot_chat_history, "Can the bot see all messages in groups?"
    botChatHistory: user.bot && user.privacy?.enabled === false ? true : undefined,
    scam: user.scam,
    fake: user.fake,
    premium: user.premium,
    verified: user.verified,
    firstName: user.firstName,
    lastName: user.lastName,
    username: user.username,
    phone: self ? user.phone : undefined,
    status: renderUserStatus(world, user),
  });
}

/** Render each known user once, for `viewerId`, skipping ids that name no user. */
export function renderUsers(world: World, viewerId: number, ids: Iterable<number>): Api.User[] {
  const out: Api.User[] = [];
  for (const id of new Set(ids)) {
    const user = world.users.get(id);
    if (user) out.push(renderUser(world, viewerId, user));
  }
  return out;
}
