/**
 * Acceptance, crashes: `npm start`'s entry point as a child process (a session file, the emulator over
 * TCP, the events plugin from PLUGINS_DIR) handling edits, deletions and chat actions in private chats, a
 * basic group and channels, SIGKILLed while handling and started again three times, with more edits,
 * deletions and joins made while it is down: every event is handled, and the only ones handled twice are
 * those whose handler had run but was not recorded as finished at the kill (read from the session
 * database right after each kill).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setMemberRole } from "@tg-toolkit/emulator/model";
import Database from "better-sqlite3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Running, startCli } from "../../kit/cli.js";
import { Watch } from "../../kit/watch.js";
import { preSharedSession, startWorld, type World, workingDir } from "../../kit/world.js";
import { type Cast, createCast, duplicatesOf } from "../../updates/e2e.js";
import { type Posted, Traffic } from "./traffic.js";

const KILLS = 3;
const PLUGINS = fileURLToPath(new URL("./fixtures/plugins/", import.meta.url));

let world: World;
let cast: Cast;

beforeAll(async () => {
  world = await startWorld();
  cast = await createCast(world, "9996621812", 2);
});

afterAll(async () => {
  await world?.stop();
});

function readLines(file: string): string[] {
  return existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => line !== "")
    : [];
}

/** The ledger's keys as "chat id kind" (kinds cut at their first ':'), with deletions of the common box under their chat's line form. */
function readLedger(file: string): Set<string> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare("SELECT chat_id AS chatId, message_id AS messageId, kind FROM updates_handled").all() as {
      chatId: string;
      messageId: number;
      kind: string;
    }[];
    return new Set(rows.map((row) => `${row.chatId} ${row.messageId} ${row.kind.split(":")[0]}`));
  } finally {
    db.close();
  }
}

/** The ledger key of a recorded line, in readLedger's form. */
function keyOfLine(line: string, channels: ReadonlySet<string>): string {
  const [kind, chatId, id] = line.split(" ");
  if (kind === "deleted") return `${channels.has(chatId) ? chatId : "common"} ${id} delete`;
  if (kind === "edited") return `${chatId} ${id} edit`;
  return `${chatId} ${id} new`;
}

it("handles every edit, deletion and chat action across SIGKILLs; twice only those running at a kill", { timeout: 120_000 }, async () => {
  const cwd = workingDir(world, await preSharedSession(world.emu, cast.owner.id), "events-kill-");
  const file = join(cwd, "handled.txt");
  const database = join(cwd, "sessions", "default.db");
  const env = world.env({ LOG_FORMAT: "json", PLUGINS_DIR: PLUGINS, RECORD_FILE: file, RECORD_HANDLER_MS: "5" });
  const channels = new Set(cast.chats.filter((chat) => chat.peer.type === "channel").map((chat) => chat.chatId));
  const traffic = new Traffic(world, Number(cast.owner.id));
  const watch = new Watch();
  const poll = setInterval(() => watch.changed(), 20);
  const expected = new Set<string>();
  const has = (lines: readonly string[]) => {
    const handled = new Set(readLines(file));
    return lines.every((line) => handled.has(line));
  };
  const until = (lines: readonly string[], what: string) =>
    watch.until(
      () => has(lines),
      () => `${what}: missing ${lines.filter((line) => !readLines(file).includes(line)).join(" | ")}`,
      60_000,
    );
  /** Per chat a message edited, and one deleted, posted earlier so that their new messages were handled. */
  const round = (posted: readonly (readonly [Posted, Posted])[]) => {
    for (const [first, second] of posted) {
      expected.add(traffic.edit(first));
      expected.add(traffic.delete(second));
    }
  };
  const post = () => cast.chats.map((chat) => [traffic.post(chat), traffic.post(chat)] as const);

  let child: Running = startCli("start", [], { cwd, env });
  await child.line(/"msg":"first start: recorded the update state/, 30_000);
  const runningAtKill = new Set<string>();
  try {
    for (let kill = 0; kill < KILLS; kill += 1) {
      const live = post();
      await until(
        live.flat().map((message) => message.expected),
        "the live messages",
      );
      round(live);
      const newcomer = await world.control.createUser({ firstName: `Newcomer ${kill}` });
      const team = cast.chats.at(-1)!;
      setMemberRole(world.emu.model, Number(team.peer.id), Number(newcomer.id), "member");
      const before = readLines(file).length;
      await watch.until(() => readLines(file).length >= before + cast.chats.length, "handling under way", 30_000);
      child.child.kill("SIGKILL");
      expect((await child.finished).code).toBeNull();
      const ledger = readLedger(database);
      for (const line of readLines(file)) if (!ledger.has(keyOfLine(line, channels))) runningAtKill.add(line);
      // While down: more edits and deletions of messages handled before.
      const down = post();
      child = startCli("start", [], { cwd, env });
      await child.line(/"msg":"ready"/, 30_000);
      await until(
        down.flat().map((message) => message.expected),
        "the messages posted after the restart",
      );
      round(down);
    }
    await until([...expected], "every edit and deletion");
    const actions = readLines(file).filter((line) => line.startsWith("action "));
    expect(new Set(actions).size).toBe(KILLS);
  } finally {
    clearInterval(poll);
    child.child.kill("SIGTERM");
  }
  const stopped = await child.finished;
  expect(stopped.code, stopped.stderr).toBe(0);
  const lines = readLines(file);
  const duplicates = duplicatesOf(lines);
  expect(duplicates.filter((line) => !runningAtKill.has(line))).toEqual([]);
  console.info(`events kill: ${expected.size} edits and deletions, ${KILLS} SIGKILLs: none lost; ${duplicates.length} handled twice, all running at a kill`);
});
