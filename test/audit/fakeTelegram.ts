/**
 * A small in-memory stand-in for channels.getParticipants, for unit tests of the enumeration strategy
 * and the fetcher: Recent and Search stop at `cap` rows, Search matches word starts of names and the
 * start of the username, Banned and Kicked take a search text too. Pages are answered synchronously.
 */
import type { PageResult, ParticipantsSource } from "../../src/audit/fetcher.js";
import type { EnumerationPlan, PageTask } from "../../src/audit/plan.js";
import type { MemberRole, MemberRow } from "../../src/audit/types.js";

export interface FakePerson {
  id: number;
  role: MemberRole;
  first?: string;
  last?: string;
  username?: string;
  bot?: boolean;
  deleted?: boolean;
}

/** A full row for a fake person. */
export function rowOf(p: FakePerson): MemberRow {
  return {
    userId: String(p.id),
    role: p.role,
    firstName: p.first ?? null,
    lastName: p.last ?? null,
    username: p.username ?? null,
    bot: p.bot ?? false,
    deleted: p.deleted ?? false,
    scam: false,
    fake: false,
    premium: false,
    verified: false,
    lastSeen: "recently",
    lastOnlineAt: null,
    joinedAt: 1_700_000_000 + p.id,
    inviterId: null,
    actorId: null,
    rank: null,
    adminRights: [],
    bannedRights: [],
    bannedUntil: null,
  };
}

function matches(p: FakePerson, q: string): boolean {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const name = ` ${[p.first, p.last]
    .filter(Boolean)
    .join(" ")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")}`;
  return words.every((w) => name.includes(` ${w}`) || (p.username ?? "").toLowerCase().startsWith(w));
}

/** The people of a chat, most recent last, answering pages like Telegram. */
export class FakeChat {
  /** Calls answered, by "filter:q". */
  readonly calls = new Map<string, number>();

  private readonly recent: FakePerson[];
  private readonly members: FakePerson[];

  constructor(
    readonly people: readonly FakePerson[],
    readonly cap = 10_000,
  ) {
    this.recent = [...people].reverse();
    this.members = this.recent.filter((p) => p.role !== "kicked");
  }

  /** Someone joins: they are the most recent member from now on. */
  join(person: FakePerson): void {
    this.recent.unshift(person);
    this.members.unshift(person);
  }

  /** How many people are in the chat (not kicked). */
  get memberCount(): number {
    return this.members.length;
  }

  /** The page a task asks for. */
  page(task: PageTask): PageResult {
    const key = `${task.query.filter}:${task.query.q}`;
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
    const { recent, members } = this;
    let list: FakePerson[];
    let capped = false;
    switch (task.query.filter) {
      case "recent":
        list = members;
        capped = true;
        break;
      case "admins":
        list = members.filter((p) => p.role === "creator" || p.role === "admin");
        break;
      case "bots":
        list = members.filter((p) => p.bot);
        break;
      case "banned":
        list = members.filter((p) => p.role === "restricted" && matches(p, task.query.q));
        break;
      case "kicked":
        list = recent.filter((p) => p.role === "kicked" && matches(p, task.query.q));
        break;
      case "search":
        list = members.filter((p) => matches(p, task.query.q));
        capped = true;
        break;
    }
    const end = Math.min(task.offset + task.limit, capped ? this.cap : Infinity);
    return { count: list.length, rows: task.offset < end ? list.slice(task.offset, end).map(rowOf) : [] };
  }

  /** A ParticipantsSource answering from this chat. */
  source(): ParticipantsSource {
    return { fetch: async (task) => this.page(task) };
  }
}

/** A sink remembering who was seen; returns the counts the plan needs. */
export function seenSink(): { seen: Map<string, MemberRow>; sink: (rows: readonly MemberRow[]) => { newMembers: number; newKicked: number } } {
  const seen = new Map<string, MemberRow>();
  return {
    seen,
    sink(rows) {
      let newMembers = 0;
      let newKicked = 0;
      for (const row of rows) {
        if (seen.has(row.userId)) continue;
        seen.set(row.userId, row);
        if (row.role === "kicked") newKicked++;
        else newMembers++;
      }
      return { newMembers, newKicked };
    },
  };
}

/**
 * Runs a plan against a fake chat without a fetcher: up to `batch` pages are handed out before any
 * is answered, and answers come back in reverse order, as pipelined requests may. Returns the tasks,
 * and in `batches` the tasks handed out together.
 */
export function drive(plan: EnumerationPlan, chat: FakeChat, sink: ReturnType<typeof seenSink>["sink"], batch = 8): PageTask[] & { batches: PageTask[][] } {
  const tasks = Object.assign([] as PageTask[], { batches: [] as PageTask[][] });
  for (;;) {
    const pending: PageTask[] = [];
    let step = plan.next();
    while (step.kind === "page") {
      pending.push(step.task);
      tasks.push(step.task);
      if (pending.length >= batch) break;
      step = plan.next();
    }
    if (pending.length === 0) {
      if (step.kind === "done") return tasks;
      throw new Error("the plan waits with nothing in flight");
    }
    tasks.batches.push([...pending]);
    for (const task of pending.reverse()) {
      const page = chat.page(task);
      const added = sink(page.rows);
      const words = page.rows.flatMap((r) => [r.firstName, r.lastName, r.username].filter((w): w is string => w !== null));
      plan.onPage(task, { count: page.count, rows: page.rows.length, ...added, words });
    }
  }
}
