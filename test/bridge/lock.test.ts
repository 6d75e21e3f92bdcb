import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireSessionLock, isAlive, lockHolder, parseLockFile, SessionBusyError, sessionFiles } from "../../src/bridge/lock.js";

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(child.stdout);
}

describe("the session lock", () => {
  it("reads a pid from the lock file's text, and nothing from anything else", () => {
    expect(parseLockFile("1234\n")).toBe(1234);
    expect(parseLockFile("")).toBeUndefined();
    expect(parseLockFile("12ab")).toBeUndefined();
    expect(parseLockFile("0")).toBeUndefined();
  });

  it("is taken once: 0600, holding the pid; a second taker is refused in one line naming the pid", () => {
    const dir = mkdtempSync(join(tmpdir(), "lock-"));
    const held = acquireSessionLock(dir, "work");
    expect(statSync(held.lock).mode & 0o777).toBe(0o600);
    expect(readFileSync(held.lock, "utf8")).toBe(`${process.pid}\n`);
    expect(lockHolder(dir, "work")).toBe(process.pid);
    expect(() => acquireSessionLock(dir, "work", process.pid + 1)).toThrow(SessionBusyError);
    try {
      acquireSessionLock(dir, "work", process.pid + 1);
    } catch (error) {
      expect((error as SessionBusyError).message).toBe(
        `npm start is already running for session "work" (pid ${process.pid}): stop it first, or run another session with --session NAME`,
      );
      expect((error as SessionBusyError).exitCode).toBe(2);
    }
    held.release();
    expect(existsSync(held.lock)).toBe(false);
    expect(lockHolder(dir, "work")).toBeUndefined();
  });

  it("left by a dead process (and its socket file) is taken over", () => {
    const dir = mkdtempSync(join(tmpdir(), "lock-"));
    const files = sessionFiles(dir, "default");
    const dead = deadPid();
    expect(isAlive(dead)).toBe(false);
    writeFileSync(files.lock, `${dead}\n`);
    writeFileSync(files.socket, "");
    expect(lockHolder(dir, "default")).toBeUndefined();
    const held = acquireSessionLock(dir, "default");
    expect(lockHolder(dir, "default")).toBe(process.pid);
    held.release();
    expect(existsSync(files.socket)).toBe(false);
  });

  it("is released only by its holder", () => {
    const dir = mkdtempSync(join(tmpdir(), "lock-"));
    const held = acquireSessionLock(dir, "default");
    writeFileSync(held.lock, "1\n"); // someone else's now (pid 1 is alive)
    held.release();
    expect(readFileSync(held.lock, "utf8")).toBe("1\n");
  });
});
