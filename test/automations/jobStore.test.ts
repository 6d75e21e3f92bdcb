/** The scheduler's store: a conformance suite, run on the SQLite implementation (in memory and reopened from a file). */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type JobStore, SqliteJobStore } from "../../src/automations/jobStore.js";
import { openDatabase } from "../../src/store/database.js";
import { memoryDatabases } from "../kit/memoryDatabases.js";

/** What every JobStore must do. */
function jobStoreConformance(name: string, open: () => JobStore): void {
  describe(`${name} (JobStore)`, () => {
    it("answers undefined for an unknown job", () => {
      expect(open().get("p/none")).toBeUndefined();
    });
    it("saves, replaces and clears due times", () => {
      const store = open();
      store.save({ id: "p/a", when: "every 2000", nextRunAt: 12_000 });
      expect(store.get("p/a")).toEqual({ id: "p/a", when: "every 2000", nextRunAt: 12_000 });
      store.save({ id: "p/a", when: "every 2000", nextRunAt: 14_000, lastRunAt: 12_000 });
      expect(store.get("p/a")).toEqual({ id: "p/a", when: "every 2000", nextRunAt: 14_000, lastRunAt: 12_000 });
      store.save({ id: "p/a", when: "at x", lastRunAt: 14_000 });
      expect(store.get("p/a")).toEqual({ id: "p/a", when: "at x", lastRunAt: 14_000 });
      expect(store.get("p/b")).toBeUndefined();
    });
  });
}

const database = memoryDatabases();
jobStoreConformance("SqliteJobStore", () => new SqliteJobStore(database()));

describe("SqliteJobStore", () => {
  it("keeps due times across a reopen of the session database", () => {
    const file = join(mkdtempSync(join(tmpdir(), "jobs-")), "s.db");
    const first = openDatabase(file);
    new SqliteJobStore(first).save({ id: "schedule/standup", when: "cron 0 9 * * * UTC", nextRunAt: 99 });
    first.close();
    const second = openDatabase(file);
    expect(new SqliteJobStore(second).get("schedule/standup")).toEqual({ id: "schedule/standup", when: "cron 0 9 * * * UTC", nextRunAt: 99 });
    second.close();
  });
});
