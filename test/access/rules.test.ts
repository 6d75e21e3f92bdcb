import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AccessInputError, parseCommandList, parseStatusList, passingStatuses, type RuleTarget, ruleKey, SqliteAccessRules } from "../../src/access/rules.js";
import { migrateAccess } from "../../src/access/schema.js";
import { type Db, openDatabase } from "../../src/store/database.js";

const chat: RuleTarget = { subject: "chat", peerId: "-100777", label: "@club" };
const dirs: string[] = [];

function store(file = ":memory:"): { db: Db; rules: SqliteAccessRules } {
  const db = openDatabase(file);
  migrateAccess(db);
  return { db, rules: new SqliteAccessRules(db) };
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("rules store", () => {
  it("adds commands to an allow list and takes them out of the deny list, and the reverse", () => {
    const { rules } = store();
    expect(rules.allow(chat, ["ping"])).toMatchObject({ allow: { commands: ["ping"] } });
    expect(rules.allow(chat, ["whois", "ping"]).allow?.commands).toEqual(["ping", "whois"]);
    const after = rules.deny(chat, ["ping"]);
    expect(after.allow?.commands).toEqual(["whois"]);
    expect(after.deny?.commands).toEqual(["ping"]);
    const back = rules.allow(chat, ["ping"]);
    expect(back.deny).toBeUndefined();
    expect(back.allow?.commands).toEqual(["ping", "whois"]);
  });

  it("makes 'every command' reset the other side: allow all lifts denials, deny all drops allowances", () => {
    const { rules } = store();
    rules.deny(chat, ["ping"]);
    expect(rules.allow(chat, null)).toEqual({ allow: expect.objectContaining({ commands: null }) });
    expect(rules.deny(chat, null)).toEqual({ deny: expect.objectContaining({ commands: null }) });
    // Allowing a command of a chat denied everything keeps the denial and records the exception.
    const except = rules.allow(chat, ["ping"]);
    expect(except.deny?.commands).toBeNull();
    expect(except.allow?.commands).toEqual(["ping"]);
    expect(rules.remove("chat", chat.peerId)).toBe(true);
    expect(rules.remove("chat", chat.peerId)).toBe(false);
    expect(rules.snapshot().rules.size).toBe(0);
  });

  it("keeps gates and lists everything sorted", () => {
    const { rules } = store();
    rules.setGate({ name: "vip", chatId: "-100500", accessHash: "-1234567890123", label: "@vipclub", passing: passingStatuses(true) });
    rules.allow({ subject: "user", peerId: "5", label: "@bob" }, ["ping"]);
    rules.allow(chat, null);
    const { rules: list, gates } = rules.list();
    expect(list.map((r) => `${r.subject}:${r.label}`)).toEqual(["chat:@club", "user:@bob"]);
    expect(gates).toEqual([
      { name: "vip", chatId: "-100500", accessHash: "-1234567890123", label: "@vipclub", passing: ["creator", "admin", "member", "restricted"] },
    ]);
    expect(rules.removeGate("vip")).toBe(true);
    expect(rules.snapshot().gates.size).toBe(0);
    expect(() => rules.setGate({ name: "Bad Name", chatId: "-1", label: "x", passing: ["member"] })).toThrow(AccessInputError);
  });

  it("sees changes another connection made (the CLI while the runtime runs) from the next turn of the event loop", async () => {
    const dir = mkdtempSync(join(tmpdir(), "access-rules-"));
    dirs.push(dir);
    const file = join(dir, "s.db");
    const runtime = store(file);
    const cli = store(file);
    const first = runtime.rules.snapshot();
    expect(runtime.rules.snapshot()).toBe(first);
    cli.rules.allow(chat, ["ping"]);
    // Within one turn the snapshot stands (a burst of messages asks SQLite once); the next turn sees the change.
    expect(runtime.rules.snapshot()).toBe(first);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(runtime.rules.snapshot().rules.get(ruleKey("chat", chat.peerId))?.allow?.commands).toEqual(["ping"]);
    runtime.db.close();
    cli.db.close();
  });

  it("checks command and status lists, naming the bad item", () => {
    expect(parseCommandList([])).toBeNull();
    expect(parseCommandList(["*"])).toBeNull();
    expect(parseCommandList(["/Ping,whois", ".id", "whois"])).toEqual(["id", "ping", "whois"]);
    expect(() => parseCommandList(["ok", "no way"])).toThrow(/"no way" is not a command name/);
    expect(parseStatusList("member, restricted")).toEqual(["member", "restricted"]);
    expect(() => parseStatusList("member,friend")).toThrow(/"friend" is not a status/);
    expect(() => parseStatusList(",")).toThrow(/at least one/);
  });
});
