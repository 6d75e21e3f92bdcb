/**
 * Bulk seeding of chat members for tests and benchmarks: generated people with a deterministic
 * mix of roles, statuses and flags, searchable names, with and without usernames. Nothing is
 * pushed. 200,000 members take well under two seconds.
 */

import { seedParticipant } from "./chats.js";
import type { ChatRecord, Participant, Role, UserStatusKind } from "./records.js";
import { anonymousPhone, createUser } from "./users.js";
import type { World } from "./world.js";

/** Options for `seedMembers`. */
export interface SeedOptions {
  /** PRNG seed; the same seed and count give the same people. Defaults to the chat id. */
  seed?: number;
  /** Join date of the first seeded member; each next one joins a second later. */
  startDate?: number;
  /** Share of each role among seeded people (the rest are plain members). */
  roles?: { admin?: number; restricted?: number; kicked?: number; left?: number };
}

const FIRST_NAMES = [
  "Alice",
  "Bob",
  "Carol",
  "David",
  "Emma",
  "Frank",
  "Grace",
  "Henry",
  "Irene",
  "Jack",
  "Karen",
  "Liam",
  "Mia",
  "Noah",
  "Olivia",
  "Peter",
  "Quinn",
  "Rosa",
  "Sam",
  "Tina",
  "Umar",
  "Vera",
  "Walter",
  "Xenia",
  "Yusuf",
  "Zoe",
  "Anna",
  "Maria",
  "Ivan",
  "Olga",
  "Chen",
  "Wei",
  "Aiko",
  "Hiro",
  "Fatima",
  "Omar",
  "Lucas",
  "Sofia",
  "Mateo",
  "Elena",
  "Анна",
  "Дмитрий",
  "Сергей",
  "Наталья",
  "José",
  "Zoë",
  "Björn",
  "Renée",
];
const LAST_NAMES = [
  "Smith",
  "Johnson",
  "Brown",
  "Taylor",
  "Miller",
  "Wilson",
  "Moore",
  "Clark",
  "Lewis",
  "Walker",
  "Hall",
  "Young",
  "King",
  "Wright",
  "Lopez",
  "Hill",
  "Green",
  "Adams",
  "Baker",
  "Nelson",
  "Carter",
  "Mitchell",
  "Perez",
  "Roberts",
  "Turner",
  "Phillips",
  "Campbell",
  "Parker",
  "Evans",
  "Edwards",
  "Ivanov",
  "Petrova",
  "Sokolov",
  "Kuznetsova",
  "Wang",
  "Li",
  "Tanaka",
  "Sato",
  "Müller",
  "Schmidt",
  "Иванов",
  "Смирнова",
  "García",
  "Fernández",
  "O'Brien",
  "van Dijk",
];
const STATUSES: [UserStatusKind, number][] = [
  ["online", 0.03],
  ["offline", 0.25],
  ["recently", 0.3],
  ["lastWeek", 0.15],
  ["lastMonth", 0.12],
  ["longAgo", 0.1],
  ["empty", 0.05],
];

/** mulberry32: a small deterministic PRNG giving floats in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickStatus(r: number): UserStatusKind {
  let acc = 0;
  for (const [status, share] of STATUSES) {
    acc += share;
    if (r < acc) return status;
  }
  return "empty";
}

function pickRole(r: number, chat: ChatRecord, shares: Required<NonNullable<SeedOptions["roles"]>>): Role {
  let acc = shares.admin;
  if (r < acc) return "admin";
  acc += shares.restricted;
  if (r < acc) return chat.kind === "group" ? "member" : "restricted";
  acc += shares.kicked;
  if (r < acc) return "kicked";
  acc += shares.left;
  if (r < acc) return "left";
  return "member";
}

/**
 * Add `count` generated people to a chat and return their user ids (in join order). About 0.02%
 * admins, 1% restricted, 1% kicked, 3% left (tunable); 0.5% bots, 0.5% deleted accounts, some
 * scam / fake / premium / verified; 40% with usernames; statuses from online to long ago.
 */
export function seedMembers(world: World, chatId: number, count: number, opts: SeedOptions = {}): number[] {
  const chat = world.chats.get(chatId);
  if (!chat) throw new Error(`seedMembers: no chat ${chatId}`);
  const random = prng(opts.seed ?? chatId);
  const shares = { admin: 0.0002, restricted: 0.01, kicked: 0.01, left: 0.03, ...opts.roles };
  const now = world.now();
  const startDate = opts.startDate ?? now - count - 3600;
  const tag = chatId.toString(36);
  const ids: number[] = new Array(count);
  const participants = chat.participants;
  for (let i = 0; i < count; i++) {
    const kind = random();
    const bot = kind < 0.005;
    const deleted = !bot && kind < 0.01;
    const first = FIRST_NAMES[Math.floor(random() * FIRST_NAMES.length)];
    const lastRoll = random();
    const last = lastRoll < 0.15 ? undefined : LAST_NAMES[Math.floor(lastRoll * LAST_NAMES.length)];
    const flags = random();
    const rolled = pickStatus(random());
    const status: UserStatusKind = deleted || bot ? "empty" : rolled;
    const ascii = /^[A-Za-z]+$/.test(first) ? first.toLowerCase() : "user";
    const username = bot ? `${ascii}_${tag}_${i}_bot` : !deleted && random() < 0.4 ? `${ascii}_${tag}_${i}` : undefined;
    const user = createUser(world, {
      firstName: deleted ? "" : bot ? `${first} Bot` : first,
      lastName: deleted || bot ? undefined : last,
      username,
      bot,
      deleted,
      phone: bot || deleted ? undefined : anonymousPhone(world),
      scam: flags < 0.001,
      fake: flags >= 0.001 && flags < 0.002,
      verified: flags >= 0.002 && flags < 0.0025,
      premium: !bot && flags >= 0.95,
      status,
      wasOnline: status === "offline" ? now - Math.floor(random() * 30 * 86400) : undefined,
    });
    ids[i] = user.id;
    const role = pickRole(random(), chat, shares);
    const p: Participant = seedParticipant(chat, user.id, role, startDate + i);
    participants.set(user.id, p);
  }
  chat.version++;
  return ids;
}
