/**
 * Users as the emulator keeps and shows them: creation (people, bots, deleted accounts), the User
 * constructor each viewer sees (own access hash, status), and resolution of the InputUser /
 * InputPeer a client sends back, with Telegram's errors for wrong ids and hashes.
 */
import { randomBytes } from "node:crypto";
import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { resolveChannel } from "./chats.js";
import { badRequest } from "./errors.js";
import type { PeerRef, UserRecord, UserStatusKind } from "./records.js";
import { createPasswordRecord } from "./srp.js";
import type { World } from "./world.js";

/** GramJS's TL `long` (a big-integer BigInteger). */
export type Long = ReturnType<typeof returnBigInt>;

/** A TL long from a JavaScript number or bigint. */
export function toLong(value: number | bigint): Long {
  return returnBigInt(value);
}

/** A JavaScript number from a TL long (ids stay below 2^53). */
export function fromLong(value: Long | number | bigint | string): number {
  return typeof value === "number" ? value : Number(value.toString());
}

/** A bigint from a TL long (access hashes use all 64 bits). */
export function bigintOf(value: Long | number | bigint | string): bigint {
  return typeof value === "bigint" ? value : BigInt(value.toString());
}

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

/** The user `input` names, after checking the access hash `viewerId` was given for it. */
export function resolveInputUser(
  world: World,
  viewerId: number,
  input: Api.TypeInputUser | Api.TypeInputPeer,
  errorName: string = input.className.startsWith("InputPeer") ? "PEER_ID_INVALID" : "USER_ID_INVALID",
): UserRecord {
  const found = findInputUser(world, viewerId, input);
  if (!found) throw badRequest(errorName);
  return found;
}

function findInputUser(world: World, viewerId: number, input: Api.TypeInputUser | Api.TypeInputPeer): UserRecord | undefined {
  if (input instanceof Api.InputUserSelf || input instanceof Api.InputPeerSelf) return world.users.get(viewerId);
  if (input instanceof Api.InputUser || input instanceof Api.InputPeerUser) {
    const id = fromLong(input.userId);
    const user = world.users.get(id);
    if (!user || !world.checkAccessHash(viewerId, "user", id, bigintOf(input.accessHash))) return undefined;
    return user;
  }
  if (input instanceof Api.InputUserFromMessage || input instanceof Api.InputPeerUserFromMessage) {
    const id = fromLong(input.userId);
    const user = world.users.get(id);
    if (!user) return undefined;
    const chat = resolveInputPeer(world, viewerId, input.peer);
    const box = chat.type === "channel" ? world.chats.get(chat.id)?.box : world.users.get(viewerId)?.box;
    const seen = box?.messages.get(input.msgId);
    return seen && seen.fromId === id ? user : undefined;
  }
  return undefined;
}

/**
 * The chat `input` names from `viewerId`'s side: the viewer, a user (hash checked), a basic group
 * the viewer belongs or belonged to, or a channel (checked by the channel model).
 */
export function resolveInputPeer(world: World, viewerId: number, input: Api.TypeInputPeer): PeerRef {
  if (input instanceof Api.InputPeerChat) {
    const id = fromLong(input.chatId);
    const chat = world.chats.get(id);
    if (chat?.kind !== "group" || !chat.participants.has(viewerId)) throw badRequest("PEER_ID_INVALID");
    return { type: "chat", id };
  }
  if (input instanceof Api.InputPeerChannel || input instanceof Api.InputPeerChannelFromMessage) {
    return { type: "channel", id: resolveChannel(world, viewerId, input).id };
  }
  return { type: "user", id: resolveInputUser(world, viewerId, input, "PEER_ID_INVALID").id };
}

/** The Peer constructor for a chat reference. */
export function peerOf(ref: PeerRef): Api.TypePeer {
  switch (ref.type) {
    case "user":
      return new Api.PeerUser({ userId: toLong(ref.id) });
    case "chat":
      return new Api.PeerChat({ chatId: toLong(ref.id) });
    case "channel":
      return new Api.PeerChannel({ channelId: toLong(ref.id) });
  }
}

/** The chat reference a Peer constructor names. */
export function refOf(peer: Api.TypePeer): PeerRef {
  if (peer instanceof Api.PeerUser) return { type: "user", id: fromLong(peer.userId) };
  if (peer instanceof Api.PeerChat) return { type: "chat", id: fromLong(peer.chatId) };
  return { type: "channel", id: fromLong(peer.channelId) };
}

/** A map key for a chat reference ("user:5", "chat:7", "channel:9"). */
export function peerKey(ref: PeerRef): string {
  return `${ref.type}:${ref.id}`;
}
