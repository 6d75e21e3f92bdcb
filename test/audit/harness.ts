/**
 * End-to-end setup for audits: an in-process emulator, a megagroup of generated people plus named
 * people in every role and status, a GramJS client signed in as the owner, and the rows the audit
 * must produce, computed from the emulator's model (the oracle the audit is checked against).
 */

import {
  type ChatRecord,
  createChat,
  createUser,
  isMemberRole,
  type Participant,
  participantIndex,
  participantOf,
  seedMembers,
  setMemberRole,
  type UserRecord,
  type UserSpec,
  type World,
} from "@tg-toolkit/emulator/model";
import { Api, type TelegramClient } from "telegram";
import { adminRightNames, bannedRightNames } from "../../src/audit/member.js";
import type { LastSeen, MemberRole, MemberRow } from "../../src/audit/types.js";
import { type World as EmulatorWorld, signedInClient, startWorld } from "../kit/world.js";

const DAY = 86_400;

/** An emulator world (test/kit/world.ts) with an owner account and a client signed in as them. */
export interface AuditWorld extends EmulatorWorld {
  /** The emulator's model, where the audits' groups are built. */
  readonly model: World;
  readonly owner: UserRecord;
  readonly client: TelegramClient;
  /** A connected client signed in as another user. */
  clientAs(userId: number): Promise<TelegramClient>;
}

/** Starts the emulator and connects the owner. */
export async function startAuditWorld(): Promise<AuditWorld> {
  const base = await startWorld();
  const model = base.emu.model;
  const owner = createUser(model, { firstName: "Olivia", lastName: "Owner", username: "olivia_audit" });
  const clients: TelegramClient[] = [];
  const clientAs = async (userId: number) => {
    const client = await signedInClient(base.emu, userId);
    clients.push(client);
    return client;
  };
  const client = await clientAs(owner.id);
  return {
    ...base,
    model,
    owner,
    client,
    clientAs,
    async stop() {
      await Promise.all(clients.map((c) => c.destroy()));
      await base.stop();
    },
  };
}

/** People with one of each notable status and flag, created in the world. */
export function namedPeople(world: World, tag: string): Record<string, UserRecord> {
  const now = world.now();
  const make = (key: string, spec: UserSpec) => [key, createUser(world, spec)] as const;
  return Object.fromEntries([
    make("online", { firstName: "Nina", lastName: "Online", username: `nina_${tag}`, status: "online", wasOnline: now + 600 }),
    make("offline", { firstName: "Oscar", lastName: "Offline", status: "offline", wasOnline: now - 2 * DAY }),
    make("week", { firstName: "Wendy", status: "lastWeek", premium: true }),
    make("month", { firstName: "Mark", status: "lastMonth", verified: true }),
    make("longAgo", { firstName: "Lara", status: "longAgo" }),
    make("scam", { firstName: "Sam", lastName: "Scammer", scam: true, username: `sam_${tag}` }),
    make("fake", { firstName: "Fiona", fake: true }),
    make("deleted", { firstName: "", deleted: true }),
    make("bot", { firstName: "Helper", username: `helper_${tag}_bot`, bot: true }),
    make("adminBot", { firstName: "Guard", username: `guard_${tag}_bot`, bot: true }),
    make("mod", { firstName: "Moe", lastName: "Moderator", username: `moe_${tag}` }),
    make("muted", { firstName: "Mia", lastName: "Muted" }),
    make("banned", { firstName: "Bert", lastName: "Banned", username: `bert_${tag}` }),
  ]);
}

/**
 * A megagroup of `generated` seeded people (the seed's mix of roles, statuses, bots, deleted, scam,
 * fake and premium accounts) plus the named people in their roles: an admin with a title and chosen
 * rights, a bot admin, a temporarily restricted member, a banned person. Deleted accounts that are
 * plain members beyond the Recent window are removed by the admins, as group owners do: Telegram's
 * lists cannot reach them there (no name to search for), so a complete enumeration needs them gone.
 */
export function buildMegagroup(
  world: World,
  owner: UserRecord,
  options: { username: string; generated: number; participantsHidden?: boolean },
): { chat: ChatRecord; people: Record<string, UserRecord> } {
  const people = namedPeople(world, options.username.slice(0, 8));
  const chat = createChat(world, {
    type: "supergroup",
    title: `Audit ${options.username}`,
    username: options.username,
    creatorId: owner.id,
    participantsHidden: options.participantsHidden,
  });
  seedMembers(world, chat.id, options.generated);
  for (const person of Object.values(people)) setMemberRole(world, chat.id, person.id, "member", { actorId: owner.id });
  const now = world.now();
  setMemberRole(world, chat.id, people.mod.id, "admin", {
    actorId: owner.id,
    rank: "moderator",
    adminRights: new Api.ChatAdminRights({ deleteMessages: true, banUsers: true, pinMessages: true }),
  });
  setMemberRole(world, chat.id, people.adminBot.id, "admin", { actorId: owner.id, adminRights: new Api.ChatAdminRights({ deleteMessages: true }) });
  setMemberRole(world, chat.id, people.muted.id, "restricted", {
    actorId: people.mod.id,
    bannedRights: new Api.ChatBannedRights({ sendMessages: true, sendMedia: true, untilDate: now + 7 * DAY }),
  });
  setMemberRole(world, chat.id, people.banned.id, "kicked", { actorId: owner.id });
  removeUnreachable(world, chat, owner.id);
  return { chat, people };
}

/** Bans the deleted accounts that are plain members beyond the Recent window. */
export function removeUnreachable(world: World, chat: ChatRecord, adminId: number): number {
  const recent = participantIndex(world, chat).recent;
  const unreachable = recent.slice(world.limits.recentParticipantsCap).filter((p) => p.role === "member" && world.users.get(p.userId)?.deleted);
  for (const p of unreachable) setMemberRole(world, chat.id, p.userId, "kicked", { actorId: adminId });
  return unreachable.length;
}

/** Renames a user in the model (names and username), as a user editing their profile would. */
export function rename(world: World, user: UserRecord, patch: { firstName?: string; username?: string }): void {
  if (patch.firstName !== undefined) user.firstName = patch.firstName;
  if (patch.username !== undefined) {
    if (user.username) world.usernames.delete(user.username.toLowerCase());
    user.username = patch.username;
    world.usernames.set(patch.username.toLowerCase(), { type: "user", id: user.id });
  }
}

/** The bucket a user's status falls in at `now`; an online user's status expires 300 s after the model's clock unless set. */
function lastSeenOf(world: World, user: UserRecord, now: number): { lastSeen: LastSeen; lastOnlineAt: number | null } {
  if (user.bot || user.deleted) return { lastSeen: "unknown", lastOnlineAt: null };
  const byAge = (at: number): LastSeen => (now - at <= 3 * DAY ? "recently" : now - at <= 7 * DAY ? "week" : now - at <= 30 * DAY ? "month" : "long_ago");
  switch (user.status) {
    case "online":
      return { lastSeen: "online", lastOnlineAt: user.wasOnline ?? world.now() + 300 };
    case "offline":
      return { lastSeen: byAge(user.wasOnline ?? now - 3600), lastOnlineAt: user.wasOnline ?? now - 3600 };
    case "recently":
      return { lastSeen: "recently", lastOnlineAt: null };
    case "lastWeek":
      return { lastSeen: "week", lastOnlineAt: null };
    case "lastMonth":
      return { lastSeen: "month", lastOnlineAt: null };
    default:
      return { lastSeen: "long_ago", lastOnlineAt: null };
  }
}

const ROLE_ORDER: MemberRole[] = ["creator", "admin", "member", "restricted", "kicked"];

/** The row the audit must produce for one participant, from the model (basic groups list no rights, titles or promoters). */
export function expectedRow(world: World, chat: ChatRecord, p: Participant, now: number): MemberRow {
  const user = world.users.get(p.userId)!;
  const role = p.role as MemberRole;
  const banned = role === "restricted" || role === "kicked";
  const admin = role === "admin";
  const group = chat.kind === "group";
  return {
    userId: String(p.userId),
    role,
    firstName: user.deleted ? null : user.firstName || null,
    lastName: user.deleted ? null : user.lastName || null,
    username: user.deleted ? null : (user.username ?? null),
    bot: user.bot,
    deleted: user.deleted,
    scam: !user.deleted && user.scam,
    fake: !user.deleted && user.fake,
    premium: !user.deleted && user.premium,
    verified: !user.deleted && user.verified,
    ...lastSeenOf(world, user, now),
    joinedAt: role === "creator" ? null : p.date,
    inviterId: group && role !== "creator" ? String(p.inviterId ?? chat.creatorId) : null,
    actorId: !group && (admin || banned) ? String(p.actorId ?? chat.creatorId) : null,
    rank: !group && (role === "creator" || admin) ? (p.rank ?? null) : null,
    adminRights: !group && (role === "creator" || admin) ? adminRightNames(p.adminRights) : [],
    bannedRights: banned ? bannedRightNames(p.bannedRights) : [],
    bannedUntil: banned ? p.bannedRights?.untilDate || null : null,
  };
}

/** Every row the audit must produce (members and banned people), in the snapshot's order. */
export function expectedRows(world: World, chat: ChatRecord, now: number = world.now()): MemberRow[] {
  const rows: MemberRow[] = [];
  for (const id of chat.participants.keys()) {
    const p = participantOf(world, chat, id)!;
    if (isMemberRole(p.role) || p.role === "kicked") rows.push(expectedRow(world, chat, p, now));
  }
  return rows.sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || Number(a.userId) - Number(b.userId));
}

/** Members of a chat the model counts (participants_count). */
export function modelMemberCount(world: World, chat: ChatRecord): number {
  return participantIndex(world, chat).recent.length;
}

/** Members of the chat in a role, by id, oldest first, skipping the ones given. */
export function pick(world: World, chat: ChatRecord, count: number, test: (p: Participant, u: UserRecord) => boolean, skip: Set<number>): number[] {
  const picked: number[] = [];
  for (const p of chat.participants.values()) {
    const user = world.users.get(p.userId)!;
    if (picked.length >= count) break;
    if (skip.has(p.userId) || !test(p, user)) continue;
    picked.push(p.userId);
    skip.add(p.userId);
  }
  return picked;
}
