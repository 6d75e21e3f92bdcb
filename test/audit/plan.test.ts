import { describe, expect, it } from "vitest";
import { EnumerationPlan, type PageTask, queryKey, searchWords } from "../../src/audit/plan.js";
import type { MemberRole } from "../../src/audit/types.js";
import { drive, FakeChat, type FakePerson, seenSink } from "./fakeTelegram.js";

const FIRST = ["Alice", "Bob", "Carol", "Dmitri", "Émile", "Анна", "Zoë", "Quinn", "Yuki", "Omar"];
const LAST = ["Smith", "Ivanov", "Müller", "O'Brien", "Wang", "Lopez"];

/** `count` people with a creator first (oldest), then mostly members; every 50th an admin, 40th restricted, 30th kicked. */
function people(count: number, options: { deletedAt?: number[] } = {}): FakePerson[] {
  const list: FakePerson[] = [{ id: 1, role: "creator", first: "Owner" }];
  for (let i = 2; i <= count; i++) {
    const role: MemberRole = i % 50 === 0 ? "admin" : i % 40 === 0 ? "restricted" : i % 30 === 0 ? "kicked" : "member";
    const deleted = options.deletedAt?.includes(i) ?? false;
    list.push(
      deleted
        ? { id: i, role, deleted: true }
        : {
            id: i,
            role,
            first: FIRST[i % FIRST.length],
            last: i % 3 === 0 ? undefined : LAST[i % LAST.length],
            username: i % 4 === 0 ? `u${i}` : undefined,
            bot: i % 97 === 0,
          },
    );
  }
  return list;
}

describe("the enumeration plan", () => {
  it("runs no name search for a broadcast channel, whose searches reach only the subscribers Recent showed", () => {
    const chat = new FakeChat(people(5_000), 200);
    const { seen, sink } = seenSink();
    const plan = new EnumerationPlan({ memberCount: chat.memberCount, canListBanned: true, nameSearches: false });
    const tasks = drive(plan, chat, sink);
    expect(tasks.filter((t) => t.query.filter === "search")).toEqual([]);
    expect(new Set(tasks.map((t) => t.query.filter))).toEqual(new Set(["recent", "kicked", "admins", "bots", "banned"]));
    expect(plan.status()).toMatchObject({ complete: false, recentTruncated: true, membersFound: seen.size - (plan.status().kickedFound ?? 0) });
  });

  it("pages Recent all at once when it suffices: ceil(members/200) calls, no search", () => {
    const chat = new FakeChat(people(1_000));
    const plan = new EnumerationPlan({ memberCount: chat.memberCount, canListBanned: false });
    const first = plan.next();
    const batch = [first];
    for (let step = plan.next(); step.kind === "page"; step = plan.next()) batch.push(step);
    expect(batch.map((s) => (s.kind === "page" ? s.task.offset : -1))).toEqual([0, 200, 400, 600, 800]);
    for (const step of batch)
      if (step.kind === "page") plan.onPage(step.task, { count: chat.memberCount, rows: 200, newMembers: 200, newKicked: 0, words: [] });
    expect(plan.next()).toEqual({ kind: "done" });
  });

  it("finds every member and every banned person of a small chat with the fewest calls", () => {
    const chat = new FakeChat(people(3_000));
    const { seen, sink } = seenSink();
    const plan = new EnumerationPlan({ memberCount: chat.memberCount, canListBanned: true });
    const tasks = drive(plan, chat, sink);
    const kicked = chat.people.filter((p) => p.role === "kicked").length;
    expect(seen.size).toBe(chat.people.length);
    expect(tasks.filter((t) => t.query.filter === "recent")).toHaveLength(Math.ceil(chat.memberCount / 200));
    expect(tasks.filter((t) => t.query.filter === "kicked")).toHaveLength(Math.ceil(kicked / 200));
    expect(tasks).toHaveLength(Math.ceil(chat.memberCount / 200) + Math.ceil(kicked / 200));
    expect(plan.status()).toMatchObject({ complete: true, recentTruncated: false, membersFound: chat.memberCount, kickedCount: kicked, kickedFound: kicked });
  });

  it("probes one page past the 10,000 window and pipelines the rest when it comes back full", () => {
    const chat = new FakeChat(people(25_000), 1_000_000);
    const { seen, sink } = seenSink();
    const plan = new EnumerationPlan({ memberCount: chat.memberCount, canListBanned: false });
    const tasks = drive(plan, chat, sink, 1_000);
    expect(seen.size).toBe(chat.memberCount);
    expect(tasks).toHaveLength(Math.ceil(chat.memberCount / 200));
    expect(tasks.batches.map((b) => b.length)).toEqual([50, 1, Math.ceil(chat.memberCount / 200) - 51]);
    expect(tasks.batches[1][0].offset).toBe(10_000);
  });

  it("probes one page past the window when Recent is capped there, then searches", () => {
    const chat = new FakeChat(people(11_000), 10_000);
    const { sink } = seenSink();
    const plan = new EnumerationPlan({ memberCount: chat.memberCount, canListBanned: false });
    const tasks = drive(plan, chat, sink, 1_000);
    const recent = tasks.filter((t) => t.query.filter === "recent");
    expect(recent).toHaveLength(51);
    expect(tasks.batches[0]).toHaveLength(50);
    expect(tasks.batches[1]).toEqual([{ query: { filter: "recent", q: "" }, offset: 10_000, limit: 200 }]);
    expect(plan.status()).toMatchObject({ recentTruncated: true, complete: true });
  });

  it("when Recent stops at its cap, adds the admin, bot and banned lists and letter searches until the count is reached", () => {
    const chat = new FakeChat(people(3_000), 1_000);
    const { seen, sink } = seenSink();
    const plan = new EnumerationPlan({ memberCount: chat.memberCount, canListBanned: true, listingWindow: 1_000 });
    const tasks = drive(plan, chat, sink);
    const members = chat.people.filter((p) => p.role !== "kicked");
    expect([...seen.values()].filter((r) => r.role !== "kicked").length).toBe(members.length);
    expect(seen.size).toBe(chat.people.length);
    const status = plan.status();
    expect(status).toMatchObject({ complete: true, recentTruncated: true, searchExhausted: false });
    expect(status.queries).toMatchObject({ recent: 1, admins: 1, bots: 1, banned: 1, kicked: 1 });
    // Non-Latin initials are learned from names seen in Recent and searched too.
    expect(tasks.some((t) => t.query.filter === "search" && t.query.q === "а")).toBe(true);
  });

  it("refines a search that hits the cap with one more letter", () => {
    // 600 people all called "Al…": "a" alone matches more than the cap of 100.
    const crowd: FakePerson[] = [{ id: 1, role: "creator", first: "Owner" }];
    const tails = ["ice", "an", "ex", "ma", "by", "va"];
    for (let i = 2; i <= 600; i++) crowd.push({ id: i, role: "member", first: `Al${tails[i % tails.length]}${String.fromCharCode(97 + (i % 26))}` });
    const chat = new FakeChat(crowd, 100);
    const { seen, sink } = seenSink();
    const plan = new EnumerationPlan({ memberCount: chat.memberCount, canListBanned: false, listingWindow: 100 });
    const tasks = drive(plan, chat, sink);
    expect(seen.size).toBe(600);
    const queries = new Set(tasks.filter((t) => t.query.filter === "search").map((t) => t.query.q));
    expect(queries.has("a")).toBe(true);
    expect(queries.has("al")).toBe(true);
    expect([...queries].some((q) => q.startsWith("ali"))).toBe(true);
  });

  it("stops searching once every member is found", () => {
    const chat = new FakeChat(people(3_000), 1_000);
    const { sink } = seenSink();
    const plan = new EnumerationPlan({ memberCount: chat.memberCount, canListBanned: true, listingWindow: 1_000 });
    const tasks = drive(plan, chat, sink, 1);
    const searches = new Set(tasks.filter((t) => t.query.filter === "search").map((t) => t.query.q));
    // Ten first names cover everyone: far fewer than the 36 seed letters plus learned ones are needed.
    expect(searches.size).toBeLessThan(20);
  });

  it("reports how incomplete it is when people cannot be searched (deleted accounts beyond the cap)", () => {
    const chat = new FakeChat(people(2_000, { deletedAt: [11, 12, 13, 14, 15] }), 1_000);
    const { seen, sink } = seenSink();
    const plan = new EnumerationPlan({ memberCount: chat.memberCount, canListBanned: false, listingWindow: 1_000 });
    drive(plan, chat, sink);
    const status = plan.status();
    expect(status.complete).toBe(false);
    expect(status.memberCount - status.membersFound).toBe(5);
    expect([...seen.keys()].some((id) => ["11", "12", "13", "14", "15"].includes(id))).toBe(false);
    expect(status.kickedCount).toBeNull();
    expect(status.queries.banned).toBe(0);
  });

  it("reads Recent's first pages again when people join while it is read, instead of searching", () => {
    class Joining extends FakeChat {
      private served = 0;
      override page(task: PageTask) {
        if (++this.served === 3) this.join({ id: 99_999, role: "member", first: "Late" });
        return super.page(task);
      }
    }
    const chat = new Joining(people(1_000), 10_000);
    const { seen, sink } = seenSink();
    const plan = new EnumerationPlan({ memberCount: chat.memberCount, canListBanned: false });
    const tasks = drive(plan, chat, sink, 1);
    expect(seen.has("99999")).toBe(true);
    expect(plan.status()).toMatchObject({ complete: true, recentTruncated: false, recentReread: true, queries: { search: 0, admins: 0 } });
    expect(tasks.map((t) => t.offset)).toEqual([0, 200, 400, 600, 800, 0]);
  });

  it("gives up searching at maxSearchQueries and says so", () => {
    const chat = new FakeChat(people(3_000), 1_000);
    const { sink } = seenSink();
    const plan = new EnumerationPlan({ memberCount: chat.memberCount, canListBanned: false, listingWindow: 1_000, maxSearchQueries: 2 });
    const tasks = drive(plan, chat, sink);
    expect(new Set(tasks.filter((t) => t.query.filter === "search").map((t) => t.query.q)).size).toBe(2);
    expect(plan.status()).toMatchObject({ complete: false, searchExhausted: true });
  });

  it("hands a failed page out again", () => {
    const plan = new EnumerationPlan({ memberCount: 500, canListBanned: false });
    const steps = [plan.next(), plan.next(), plan.next()];
    const tasks = steps.map((s) => (s.kind === "page" ? s.task : undefined));
    expect(tasks.map((t) => t?.offset)).toEqual([0, 200, 400]);
    expect(plan.next()).toEqual({ kind: "wait" });
    plan.retry(tasks[1]!);
    expect(plan.next()).toMatchObject({ kind: "page", task: { offset: 200 } });
  });

  it("splits names into search words as Telegram does", () => {
    expect(searchWords("Jean-Luc O'Brien_3")).toEqual(["jean", "luc", "o", "brien", "3"]);
    expect(queryKey({ filter: "search", q: "ab" })).toBe("search:ab");
  });
});
