/**
 * Fresh ":memory:" session databases for the store conformance tests (test/<feature>/<store>.test.ts),
 * each closed after the test that opened it.
 */
import { afterEach } from "vitest";
import { type Db, openDatabase } from "../../src/store/database.js";

/** Registers the closing with the calling test file; the function it returns opens one database a call. */
export function memoryDatabases(): () => Db {
  const opened: Db[] = [];
  afterEach(() => {
    for (const db of opened.splice(0)) db.close();
  });
  return () => {
    const db = openDatabase(":memory:");
    opened.push(db);
    return db;
  };
}
