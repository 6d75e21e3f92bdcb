import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../errors.js";
import { parseSessionString, toGramjsString } from "./sessionString.js";

/** What a valid session name looks like, for error messages. */
export const SESSION_NAME_RULE = "1-64 letters, digits, '-' or '_' (no dots or slashes)";

const SESSION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** True for a session name that is safe as a file name (no path traversal). */
export function isValidSessionName(name: string): boolean {
  return SESSION_NAME.test(name);
}

/** Why a session cannot be used. */
export type SessionProblem = "invalid-name" | "missing" | "empty" | "corrupt" | "revoked";

/** A session that cannot be used; the message is the one line to print, telling the user to run `npm run login`. */
export class SessionError extends UserError {
  /** Creates the error; `keptAs` is where the unusable file was moved. */
  constructor(
    readonly problem: SessionProblem,
    message: string,
    readonly keptAs?: string,
  ) {
    super(message);
  }
}

/** Why a session file is moved aside. */
export type KeepAsideReason = "empty" | "corrupt" | "revoked" | "duplicated" | "replaced";

/**
 * True when the text is a session string GramJS can use: GramJS's own StringSession, or Telethon's
 * (URL-safe base64, the address as packed IP bytes), see sessionString.ts.
 */
export function isWellFormedSession(text: string): boolean {
  return parseSessionString(text) !== undefined;
}

/** A session string in GramJS's own layout (a Telethon string converted), or undefined when it is neither. */
export function normalizeSession(text: string): string | undefined {
  const session = parseSessionString(text);
  if (session === undefined) return undefined;
  if (session.format === "gramjs") return text.trim();
  return session.port > 32_767 ? undefined : toGramjsString(session);
}

/** Session strings under sessions/NAME.session: atomic writes, 0600 files in a 0700 folder, bad files kept aside. */
export class SessionStore {
  /** Creates a store over a folder (default "sessions"); `now` names kept-aside files. */
  constructor(
    readonly dir: string = "sessions",
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Path of a session's file; throws SessionError for an invalid name. */
  pathOf(name: string): string {
    if (!isValidSessionName(name)) {
      throw new SessionError("invalid-name", `Session name ${JSON.stringify(name)} is invalid: use ${SESSION_NAME_RULE}.`);
    }
    return join(this.dir, `${name}.session`);
  }

  /** True when the session file exists. */
  exists(name: string): boolean {
    return existsSync(this.pathOf(name));
  }

  /** Reads a session string; a missing, empty or corrupt file throws SessionError (the bad file is kept aside). */
  load(name: string): string {
    const path = this.pathOf(name);
    let text: string;
    try {
      text = readFileSync(path, "utf8").trim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new SessionError("missing", `No saved session ${JSON.stringify(name)} (${path}): ${loginHint(name)} first.`);
      }
      throw error;
    }
    if (text === "") return this.reject(name, "empty", "is empty");
    const session = normalizeSession(text);
    if (session === undefined) return this.reject(name, "corrupt", "is corrupt");
    return session;
  }

  /**
   * Saves a session string atomically (temporary file, fsync, rename), a Telethon one in GramJS's layout; a
   * different previous file is kept aside.
   */
  save(name: string, given: string): void {
    const path = this.pathOf(name);
    const session = normalizeSession(given);
    if (session === undefined) throw new Error("refusing to save a session string that is neither GramJS's nor Telethon's");
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    if (existsSync(path) && readFileSync(path, "utf8").trim() !== session) this.keepAside(name, "replaced");
    const temp = join(this.dir, `.${name}.session.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    try {
      const fd = openSync(temp, "wx", 0o600);
      try {
        writeSync(fd, `${session}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      chmodSync(temp, 0o600);
      renameSync(temp, path);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
    syncDir(this.dir);
  }

  /** Moves a session file aside as NAME.session.REASON-TIMESTAMP (never deletes it); returns the new path, if any. */
  keepAside(name: string, reason: KeepAsideReason): string | undefined {
    const path = this.pathOf(name);
    if (!existsSync(path)) return undefined;
    const stamp = this.now()
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d+Z$/, "Z");
    let target = `${path}.${reason}-${stamp}`;
    for (let n = 2; existsSync(target); n += 1) target = `${path}.${reason}-${stamp}-${n}`;
    renameSync(path, target);
    return target;
  }

  /**
   * Keeps a session Telegram revoked aside and returns the error to report; `duplicated` when Telegram
   * ended it for being used from two places at once (AUTH_KEY_DUPLICATED).
   */
  revoked(name: string, duplicated = false): SessionError {
    const keptAs = this.keepAside(name, duplicated ? "duplicated" : "revoked");
    const where = keptAs === undefined ? "" : ` (kept as ${keptAs})`;
    if (duplicated) {
      return new SessionError(
        "revoked",
        `Telegram ended session ${JSON.stringify(name)}${where} because it was used from two places at once (AUTH_KEY_DUPLICATED): ` +
          `${loginHint(name)} to sign in again, and use each session from one program at a time.`,
        keptAs,
      );
    }
    return new SessionError("revoked", `Session ${JSON.stringify(name)} was revoked or expired${where}: ${loginHint(name)} to sign in again.`, keptAs);
  }

  private reject(name: string, problem: "empty" | "corrupt", what: string): never {
    const keptAs = this.keepAside(name, problem);
    throw new SessionError(problem, `Session ${JSON.stringify(name)} ${what} (kept as ${keptAs}): ${loginHint(name)} to sign in again.`, keptAs);
  }
}

function loginHint(name: string): string {
  return name === "default" ? "run `npm run login`" : `run \`TELEGRAM_SESSION=${name} npm run login\``;
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Directory fsync is not supported everywhere; the rename itself is already atomic.
  }
}
