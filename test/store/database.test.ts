import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { migrate, openDatabase, sessionDatabasePath } from "../../src/store/database.js";

describe("session database", () => {
  it("creates the file with mode 0600 inside a 0700 folder", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "store-")), "sessions");
    const file = sessionDatabasePath(dir, "main");
    const db = openDatabase(file);
    db.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it("applies each feature's migrations once, in order, and only the new ones later", () => {
    const db = openDatabase(":memory:");
    migrate(db, "notes", [
      { version: 2, up: "ALTER TABLE notes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0" },
      { version: 1, up: "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)" },
    ]);
    migrate(db, "notes", [{ version: 1, up: "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)" }]);
    db.prepare("INSERT INTO notes (text, pinned) VALUES ('a', 1)").run();
    migrate(db, "other", [{ version: 1, up: "CREATE TABLE other (x)" }]);
    const versions = db.prepare("SELECT feature, version FROM schema_versions ORDER BY feature").all();
    expect(versions).toEqual([
      { feature: "notes", version: 2 },
      { feature: "other", version: 1 },
    ]);
  });

  it("rolls a failing migration back and leaves the version where it was", () => {
    const db = openDatabase(":memory:");
    migrate(db, "t", [{ version: 1, up: "CREATE TABLE t (x)" }]);
    expect(() => migrate(db, "t", [{ version: 2, up: "CREATE TABLE half (y); THIS IS NOT SQL" }])).toThrow();
    expect(db.prepare("SELECT version FROM schema_versions WHERE feature = 't'").get()).toEqual({ version: 1 });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
  });

  it("migrates once when another process is migrating the same database at that moment", async () => {
    // The other process takes the write lock, creates the tables and records their version, then holds the
    // lock a while before committing; this process's migrate must wait for it and then find nothing to do.
    const file = join(mkdtempSync(join(tmpdir(), "store-")), "race.db");
    const steps = [{ version: 1, up: "CREATE TABLE t (x)" }];
    openDatabase(file).close();
    const script = `
      import Database from "better-sqlite3";
      const db = new Database(${JSON.stringify(file)});
      db.exec("BEGIN IMMEDIATE; CREATE TABLE t (x); INSERT INTO schema_versions (feature, version) VALUES ('t', 1)");
      process.stdout.write("locked\\n");
      setTimeout(() => { db.exec("COMMIT"); db.close(); }, 400);`;
    const other = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    const exited = once(other, "exit");
    await once(other.stdout, "data");
    const db = openDatabase(file);
    migrate(db, "t", steps);
    expect(db.prepare("SELECT version FROM schema_versions WHERE feature = 't'").get()).toEqual({ version: 1 });
    expect(await exited).toEqual([0, null]);
  });
});
