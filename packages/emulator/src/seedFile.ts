/**
 * Seed files: a world described in JSON, loaded at start (`npm run emulator -- --seed FILE`).
 * People and chats are named by refs, since their ids are only known once created:
 *
 * {
 *   "users": [{ "ref": "owner", "firstName": "Olivia", "phone": "9996621234", "password": "pw" }],
 *   "chats": [{ "ref": "team", "type": "supergroup", "title": "Team", "creator": "owner",
 *               "members": [{ "user": "alice", "role": "admin" }], "generatedMembers": 25000 }],
 *   "messages": [{ "from": "alice", "to": "team", "text": "hello" }]
 * }
 *
 * "to" names a user or a chat ref. Each entry of "users" takes the fields of POST /users.
 */
import { createChat } from "./model/chats.js";
import type { PeerRef, Role } from "./model/records.js";
import { seedMembers } from "./model/seed.js";
import { postMessage } from "./model/sending.js";
import { createUser, type UserSpec } from "./model/users.js";
import type { World } from "./model/world.js";

/** A person of the seed: the fields of POST /users, named by a ref. */
export type SeedUser = UserSpec & { ref: string };

export interface SeedChat {
  ref: string;
  type: "group" | "supergroup" | "channel";
  title: string;
  username?: string;
  creator: string;
  participantsHidden?: boolean;
  members?: { user: string; role: Role }[];
  generatedMembers?: number;
}

export interface SeedFile {
  users?: SeedUser[];
  chats?: SeedChat[];
  messages?: { from: string; to: string; text: string }[];
}

/** Ref to id (decimal string), plus bot tokens by ref for bots. */
export type SeedResult = Record<string, { id: string; phone?: string; botToken?: string }>;

/** A seed file that does not make sense: the message names the entry and what is wrong. */
export class SeedError extends Error {
  override name = "SeedError";
}

/** Create everything the seed describes; throws SeedError naming the first bad entry. */
export function applySeed(world: World, seed: SeedFile): SeedResult {
  const result: SeedResult = {};
  const refs = new Map<string, PeerRef>();
  const refOf = (ref: unknown, where: string): PeerRef => {
    const peer = typeof ref === "string" ? refs.get(ref) : undefined;
    if (!peer) throw new SeedError(`${where}: unknown ref ${JSON.stringify(ref)}`);
    return peer;
  };
  const define = (ref: unknown, where: string, peer: PeerRef) => {
    if (typeof ref !== "string" || !ref) throw new SeedError(`${where}: "ref" must be a non-empty string`);
    if (refs.has(ref)) throw new SeedError(`${where}: ref ${JSON.stringify(ref)} is used twice`);
    refs.set(ref, peer);
  };

  (seed.users ?? []).forEach((u, i) => {
    const where = `users[${i}]`;
    if (typeof u.firstName !== "string" || !u.firstName) throw new SeedError(`${where}: "firstName" is required`);
    const { ref, ...spec } = u;
    const user = wrap(where, () => createUser(world, spec));
    define(ref, where, { type: "user", id: user.id });
    result[ref] = { id: String(user.id), phone: user.phone, botToken: user.botToken };
  });

  (seed.chats ?? []).forEach((c, i) => {
    const where = `chats[${i}]`;
    const creator = refOf(c.creator, `${where}.creator`);
    const members = (c.members ?? []).map((m, j) => ({
      userId: refOf(m.user, `${where}.members[${j}].user`).id,
      role: m.role,
    }));
    const chat = wrap(where, () =>
      createChat(world, {
        type: c.type,
        title: c.title,
        username: c.username,
        creatorId: creator.id,
        participantsHidden: c.participantsHidden,
        members,
      }),
    );
    if (c.generatedMembers) wrap(where, () => seedMembers(world, chat.id, c.generatedMembers!));
    define(c.ref, where, { type: chat.kind === "group" ? "chat" : "channel", id: chat.id });
    result[c.ref] = { id: String(chat.id) };
  });

  (seed.messages ?? []).forEach((m, i) => {
    const where = `messages[${i}]`;
    const from = refOf(m.from, `${where}.from`);
    const to = refOf(m.to, `${where}.to`);
    wrap(where, () => postMessage(world, from.id, to, { text: m.text }));
  });
  return result;
}

function wrap<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new SeedError(`${where}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
