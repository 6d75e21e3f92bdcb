import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StringSession } from "telegram/sessions/index.js";
import { describe, expect, it } from "vitest";
import { isValidSessionName, isWellFormedSession, SessionError, SessionStore } from "../../src/telegram/sessionStore.js";
import { parseSessionString, toTelethonString } from "../../src/telegram/sessionString.js";

/** A session string laid out the way GramJS's StringSession.save() writes it. */
function sessionString(address = "127.0.0.1", port = 4430): string {
  const length = Buffer.alloc(2);
  length.writeInt16BE(Buffer.byteLength(address));
  const portBytes = Buffer.alloc(2);
  portBytes.writeInt16BE(port);
  return `1${Buffer.concat([Buffer.from([2]), length, Buffer.from(address), portBytes, randomBytes(256)]).toString("base64")}`;
}

/** A store over a fresh temporary folder, with a fixed clock. */
function freshStore(): SessionStore {
  const root = mkdtempSync(join(tmpdir(), "sessions-"));
  return new SessionStore(join(root, "sessions"), () => new Date("2025-01-02T03:04:05.678Z"));
}

/** The SessionError that the action throws. */
function sessionError(action: () => unknown): SessionError {
  try {
    action();
  } catch (error) {
    if (error instanceof SessionError) return error;
    throw error;
  }
  throw new Error("expected a SessionError");
}

describe("session strings", () => {
  it("accepts what GramJS writes and parses", () => {
    const text = sessionString("emulator.local", 32767);
    expect(isWellFormedSession(text)).toBe(true);
    const parsed = new StringSession(text);
    expect(parsed.serverAddress).toBe("emulator.local");
    expect(parsed.port).toBe(32767);
  });

  it("rejects truncated, non-base64 and foreign strings", () => {
    const good = sessionString();
    for (const bad of [good.slice(0, -8), `2${good.slice(1)}`, good.replace(/.$/, "!"), "1", "hello"]) {
      expect(isWellFormedSession(bad), bad.slice(0, 12)).toBe(false);
    }
  });
});

describe("SessionStore", () => {
  it("saves atomically into a 0700 folder as a 0600 file, and loads it back", () => {
    const store = freshStore();
    const session = sessionString();
    store.save("default", session);
    expect(store.load("default")).toBe(session);
    expect(statSync(store.dir).mode & 0o777).toBe(0o700);
    expect(statSync(store.pathOf("default")).mode & 0o777).toBe(0o600);
    expect(readdirSync(store.dir)).toEqual(["default.session"]);
  });

  it("tightens an existing folder to 0700", () => {
    const store = freshStore();
    store.save("a", sessionString());
    chmodSync(store.dir, 0o755);
    store.save("b", sessionString());
    expect(statSync(store.dir).mode & 0o777).toBe(0o700);
  });

  it("keeps a replaced session aside instead of overwriting it", () => {
    const store = freshStore();
    const first = sessionString();
    store.save("work", first);
    store.save("work", first);
    expect(readdirSync(store.dir)).toEqual(["work.session"]);
    store.save("work", sessionString());
    expect(readdirSync(store.dir).sort()).toEqual(["work.session", "work.session.replaced-20250102T030405Z"]);
    expect(readFileSync(join(store.dir, "work.session.replaced-20250102T030405Z"), "utf8").trim()).toBe(first);
  });

  it("refuses to save something that is not a session string", () => {
    const store = freshStore();
    expect(() => store.save("default", "")).toThrow(/neither GramJS.s nor Telethon.s/);
    expect(store.exists("default")).toBe(false);
  });

  it("reports a missing session with one line pointing to npm run login", () => {
    const store = freshStore();
    const error = sessionError(() => store.load("default"));
    expect(error.problem).toBe("missing");
    expect(error.message).toMatch(/^No saved session "default" .*run `npm run login` first\.$/);
    expect(error.message).not.toContain("\n");
    expect(sessionError(() => store.load("work")).message).toContain("TELEGRAM_SESSION=work npm run login");
  });

  it("keeps an empty or corrupt file aside (renamed, not deleted) and says to log in again", () => {
    const store = freshStore();
    store.save("default", sessionString());
    writeFileSync(store.pathOf("default"), "\n");
    const empty = sessionError(() => store.load("default"));
    expect(empty.problem).toBe("empty");
    expect(empty.keptAs).toBe(`${store.pathOf("default")}.empty-20250102T030405Z`);
    expect(empty.message).toMatch(/is empty \(kept as .*\): run `npm run login` to sign in again\.$/);

    writeFileSync(store.pathOf("default"), "1not-a-session");
    const corrupt = sessionError(() => store.load("default"));
    expect(corrupt.problem).toBe("corrupt");
    expect(readFileSync(corrupt.keptAs!, "utf8")).toBe("1not-a-session");
    expect(store.exists("default")).toBe(false);
  });

  it("keeps a revoked session aside, numbering clashes", () => {
    const store = freshStore();
    store.save("default", sessionString());
    const first = store.revoked("default");
    store.save("default", sessionString());
    const second = store.revoked("default");
    expect(first.problem).toBe("revoked");
    expect(first.message).toMatch(/was revoked or expired \(kept as .*revoked-20250102T030405Z\): run `npm run login`/);
    expect(second.keptAs).toMatch(/revoked-20250102T030405Z-2$/);
    expect(store.revoked("default").keptAs).toBeUndefined();
  });

  it("rejects session names that could escape the folder", () => {
    const store = freshStore();
    for (const name of ["../x", "a/b", "..", ".hidden", "a.b", "", "x".repeat(65), "a\\b", "nul\0"]) {
      expect(isValidSessionName(name), name).toBe(false);
      expect(sessionError(() => store.load(name)).problem).toBe("invalid-name");
      expect(() => store.save(name, sessionString())).toThrow(SessionError);
    }
    expect(isValidSessionName("my-bot_2")).toBe(true);
  });
});

describe("a Telethon session string in a session file", () => {
  it("is loaded as the same session in GramJS's layout, not set aside as corrupt", () => {
    const store = freshStore();
    const telethon = toTelethonString(parseSessionString(sessionString("127.0.0.1", 20400))!);
    mkdirSync(store.dir, { recursive: true });
    writeFileSync(store.pathOf("imported"), `${telethon}\n`, { mode: 0o600 });
    const loaded = store.load("imported");
    expect(parseSessionString(loaded)).toMatchObject({ format: "gramjs", address: "127.0.0.1", port: 20400 });
    expect(readdirSync(store.dir)).toEqual(["imported.session"]);
  });
});
