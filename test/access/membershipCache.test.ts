import { describe, expect, it } from "vitest";
import { type CacheLifetimes, type MembershipCache, SqliteMembershipCache } from "../../src/access/membershipCache.js";
import { migrateAccess } from "../../src/access/schema.js";
import { memoryDatabases } from "../kit/memoryDatabases.js";

const freshDatabase = memoryDatabases();

/** Every MembershipCache, fresh, with its lifetimes and clock: a new implementation joins this list. */
const implementations: [string, (lifetimes: CacheLifetimes, now: () => number) => MembershipCache][] = [
  [
    "SqliteMembershipCache",
    (lifetimes, now) => {
      const db = freshDatabase();
      migrateAccess(db);
      return new SqliteMembershipCache(db, lifetimes, now);
    },
  ],
];

const GROUP = "-100500";

describe.each(implementations)("MembershipCache: %s", (_name, open) => {
  const setup = () => {
    let now = 1_000_000;
    const cache = open({ presentMs: 600_000, absentMs: 60_000 }, () => now);
    return { cache, advance: (ms: number) => void (now += ms) };
  };

  it("keeps answers that someone is in the chat longer than answers that they are not", () => {
    const { cache, advance } = setup();
    cache.put(GROUP, "1", "member", "rpc");
    cache.put(GROUP, "2", "left", "rpc");
    cache.put(GROUP, "3", "restricted", "update");
    cache.put(GROUP, "4", "kicked", "update");
    expect(["1", "2", "3", "4"].map((user) => cache.get(GROUP, user))).toEqual(["member", "left", "restricted", "kicked"]);
    expect(cache.get("-100600", "1")).toBeUndefined();
    advance(60_000);
    expect(["1", "2", "3", "4"].map((user) => cache.get(GROUP, user))).toEqual(["member", undefined, "restricted", undefined]);
    advance(540_000);
    expect(cache.get(GROUP, "1")).toBeUndefined();
  });

  it("takes many answers at once, replaces a chat's by a complete list, and forgets one or all", () => {
    const { cache } = setup();
    cache.putMany(
      GROUP,
      [
        { userId: "1", status: "admin" },
        { userId: "2", status: "member" },
      ],
      "list",
    );
    cache.put("-100600", "1", "member", "rpc");
    cache.replaceChat(GROUP, [{ userId: "3", status: "creator" }], "list");
    expect(["1", "2", "3"].map((user) => cache.get(GROUP, user))).toEqual([undefined, undefined, "creator"]);
    expect(cache.get("-100600", "1")).toBe("member");
    cache.putMany(GROUP, [{ userId: "4", status: "member" }], "list");
    cache.forget(GROUP, "3");
    expect(cache.get(GROUP, "3")).toBeUndefined();
    expect(cache.get(GROUP, "4")).toBe("member");
    cache.forget(GROUP);
    expect(cache.get(GROUP, "4")).toBeUndefined();
    expect(cache.get("-100600", "1")).toBe("member");
  });

  it("has a chat's list while an unexpired answer from a member list is cached", () => {
    const { cache, advance } = setup();
    cache.put(GROUP, "1", "member", "rpc");
    expect(cache.hasList(GROUP)).toBe(false);
    cache.replaceChat(GROUP, [{ userId: "2", status: "member" }], "list");
    expect(cache.hasList(GROUP)).toBe(true);
    expect(cache.hasList("-100600")).toBe(false);
    advance(600_000);
    expect(cache.hasList(GROUP)).toBe(false);
  });

  it("prunes expired answers and says how many", () => {
    const { cache, advance } = setup();
    cache.put(GROUP, "1", "member", "rpc");
    cache.put(GROUP, "2", "none", "rpc");
    cache.put(GROUP, "3", "left", "update");
    expect(cache.prune()).toBe(0);
    advance(60_000);
    expect(cache.prune()).toBe(2);
    expect(cache.get(GROUP, "1")).toBe("member");
  });
});
