/**
 * Bad input to rules and gates (unknown chats, bad usernames, malformed links, chats the account cannot
 * see): one clear line, nothing stored. Checked in-process through the functions the owner's commands use,
 * and through `npm run access` as its own process on a saved session against the emulator.
 */
import { join } from "node:path";
import type { TelegramClient } from "telegram";
import type { StringSession } from "telegram/sessions/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteAccessLog } from "../../src/access/accessLog.js";
import { changeRule, defineGate } from "../../src/access/admin.js";
import { passingStatuses, SqliteAccessRules } from "../../src/access/rules.js";
import { migrateAccess } from "../../src/access/schema.js";
import { telegramSource } from "../../src/access/telegramSource.js";
import { openDatabase, sessionDatabasePath } from "../../src/store/database.js";
import { customServerConnection } from "../../src/telegram/customServer.js";
import { runCli as runCommand } from "../kit/cli.js";
import { seedClub } from "../kit/club.js";
import { signedInClient, startWorld, type World, workingDir } from "../kit/world.js";

let world: World;
let client: TelegramClient;
let ids: Record<string, string>;

beforeAll(async () => {
  world = await startWorld();
  const { control } = world;
  ({ ids } = await seedClub(control, { people: ["olivia", "gus", "frank"], members: { olivia: "member" } }));
  ids.secretClub = (await control.createChat({ type: "supergroup", title: "Hidden", creatorId: ids.gus })).id;
  await control.createChat({ type: "supergroup", title: "Elsewhere", username: "elsewhere_club", creatorId: ids.gus });
  client = await signedInClient(world.emu, ids.olivia, { connection: customServerConnection(world.emu.host, world.emu.port) });
});

afterAll(async () => {
  await client?.destroy();
  await world?.stop();
});

describe("rules and gates from bad input", () => {
  it("rejects unknown, malformed and invisible chats with one line, storing nothing", async () => {
    const db = openDatabase(":memory:");
    migrateAccess(db);
    const rules = new SqliteAccessRules(db);
    const source = telegramSource(client);
    const cases: [() => Promise<unknown>, RegExp][] = [
      [
        () => changeRule(client, rules, "allow", `-100${ids.secretClub}`, ["ping"]),
        new RegExp(`^this account has no chat or contact with id -100${ids.secretClub}: use the chat's @username`),
      ],
      [() => changeRule(client, rules, "allow", "-100999999", []), /^this account has no chat or contact with id -100999999/],
      [() => changeRule(client, rules, "deny", "@nobody_at_all", []), /^no Telegram chat or person is called @nobody_at_all/],
      [() => changeRule(client, rules, "allow", "@ab", ["ping"]), /^"@ab" is not a valid username/],
      [() => changeRule(client, rules, "allow", "https://t.me/+AbCdEf123", ["ping"]), /is an invite link: join the chat first/],
      [() => changeRule(client, rules, "allow", "t.me/", ["ping"]), /^"t\.me\/" is not a chat or person/],
      [() => changeRule(client, rules, "allow", "@frank_person", ["ping", "no way"]), /^"no way" is not a command name/],
      [() => changeRule(client, rules, "allow", "me", []), /the account itself is the owner/],
      [() => defineGate(client, rules, source, "vip", "@frank_person", passingStatuses(false)), /^@frank_person is a person, not a group or channel/],
      [
        () => defineGate(client, rules, source, "vip", "@elsewhere_club", passingStatuses(false)),
        /^the account is not in @elsewhere_club \(none\): join it first/,
      ],
      [() => defineGate(client, rules, source, "Not OK", "@vipclub", passingStatuses(false)), /is not a gate name/],
    ];
    for (const [attempt, message] of cases) {
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message, String(message)).toMatch(message);
      expect(error?.message).not.toContain("\n");
    }
    expect(rules.list()).toEqual({ rules: [], gates: [] });
    db.close();
  });

  it("does the same from `npm run access`, on a saved session, and stores what is valid", async () => {
    const dir = workingDir(world, (client.session as StringSession).save(), "access-cli-");
    const sessions = join(dir, "sessions");
    const run = (...args: string[]) => runCommand("access", args, { cwd: dir, env: world.env({ LOG_FORMAT: "json" }) });

    expect(await run("allow", "@frank_person", "ping", "stats")).toEqual({ code: 0, stdout: "Done: allow user @frank_person: ping, stats.\n", stderr: "" });
    const invisible = await run("deny", `-100${ids.secretClub}`);
    expect(invisible.code).toBe(2);
    expect(invisible.stderr).toBe(
      `this account has no chat or contact with id -100${ids.secretClub}: use the chat's @username, or an id shown by the id command\n`,
    );
    expect(await run("gate", "vip", "https://t.me/vipclub", "--restricted")).toMatchObject({
      code: 0,
      stdout: "Done: gate vip: @vipclub (creator, admin, member, restricted pass).\n",
    });
    expect(await run("warm", "vip")).toMatchObject({ code: 0, stdout: "Cached 2 of 2 members of @vipclub with 1 request (kept 600 s).\n" });
    expect(await run("gate", "other", "@no_such_group")).toEqual({
      code: 2,
      stdout: "",
      stderr: "no Telegram chat or person is called @no_such_group: check the spelling\n",
    });
    expect((await run("list")).stdout).toBe("allow user @frank_person: ping, stats\ngate vip: @vipclub (creator, admin, member, restricted pass)\n");

    const db = openDatabase(sessionDatabasePath(sessions, "default"));
    const log = new SqliteAccessLog(db, { maxAgeMs: 86_400_000, maxRows: 1000 });
    log.record({ at: Date.now() - 7_200_000, userId: "5", chatId: "5", command: "secret", outcome: "deny", reason: "gate vip: left in @vipclub" });
    log.record({ at: Date.now() - 60_000, userId: "6", chatId: "6", command: "secret", outcome: "deny", reason: "gate vip: none in @vipclub" });
    log.record({ at: Date.now() - 30_000, userId: "7", chatId: "7", command: "secret", outcome: "allow", reason: "gate vip: member in @vipclub" });
    log.close();
    db.close();
    const recent = await run("log", "--denied", "--since", "1h", "--json");
    expect(
      recent.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { userId: string }),
    ).toMatchObject([{ userId: "6", outcome: "deny", reason: "gate vip: none in @vipclub" }]);
  });
});
