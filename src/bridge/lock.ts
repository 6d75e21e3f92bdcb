/**
 * One `npm start` per session: `sessions/NAME.lock` holds the running process's pid, created exclusively
 * (mode 0600). A lock whose pid is no longer alive (a crashed or killed npm start) is stale and taken over;
 * a live one makes a second npm start refuse. The same folder holds the local socket, `sessions/NAME.sock`,
 * which only the lock's holder creates.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../errors.js";

/** The lock and socket paths of a session. */
export function sessionFiles(dir: string, sessionName: string): { readonly lock: string; readonly socket: string } {
  return { lock: join(dir, `${sessionName}.lock`), socket: join(dir, `${sessionName}.sock`) };
}

/** The pid a lock file's text names, or undefined when it names none (empty, or not a number). */
export function parseLockFile(text: string): number | undefined {
  const match = /^\s*(\d{1,10})\s*$/.exec(text);
  const pid = match === null ? Number.NaN : Number(match[1]);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether a process with this pid is running (one we may not signal counts as running). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The live pid holding the session's lock, or undefined when none does. */
export function lockHolder(dir: string, sessionName: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(sessionFiles(dir, sessionName).lock, "utf8");
  } catch {
    return undefined;
  }
  const pid = parseLockFile(text);
  return pid !== undefined && isAlive(pid) ? pid : undefined;
}

/** A second npm start on a session that one already runs. */
export class SessionBusyError extends UserError {}

/** A held lock. */
export interface SessionLock {
  readonly lock: string;
  readonly socket: string;
  /** Removes the lock (and the socket) if this process still holds it. */
  release(): void;
}

/** Takes the session's lock for this process; SessionBusyError (exit 2) when a live process holds it. */
export function acquireSessionLock(dir: string, sessionName: string, pid = process.pid): SessionLock {
  const files = sessionFiles(dir, sessionName);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 3; attempt += 1) {
    let fd: number;
    try {
      fd = openSync(files.lock, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = lockHolder(dir, sessionName);
      if (holder !== undefined && holder !== pid)
        throw new SessionBusyError(
          `npm start is already running for session "${sessionName}" (pid ${holder}): stop it first, or run another session with --session NAME`,
        );
      removeQuietly(files.lock); // a dead process's lock (or our own, left behind): taken over
      continue;
    }
    try {
      writeSync(fd, `${pid}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return {
      ...files,
      release() {
        let text = "";
        try {
          text = readFileSync(files.lock, "utf8");
        } catch {
          return;
        }
        if (parseLockFile(text) !== pid) return;
        removeQuietly(files.socket);
        removeQuietly(files.lock);
      },
    };
  }
  throw new SessionBusyError(`could not take the lock ${files.lock}: another npm start keeps taking it; try again`);
}

/** Deletes a file, ignoring one already gone. */
export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
