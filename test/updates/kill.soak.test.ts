/**
 * Acceptance, crashes: `npm start`'s entry point as a child process (a session file, the emulator over
 * TCP, a recording plugin from PLUGINS_DIR), 10,000 messages across private chats, a basic group and three
 * channels, the process SIGKILLed five times while handling and started again: nothing is lost, and the
 * only duplicates are messages whose handler had run but was not recorded as finished when the process was
 * killed (read from the session database right after each kill). The test reports how many.
 */

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Running, startCli } from "../kit/cli.js";
import { preSharedSession, startWorld, type World, workingDir } from "../kit/world.js";
import { type Cast, createCast, duplicatesOf, outOfOrder, postNth } from "./e2e.js";

const KILLS = 5;
/** Messages sent while each run handles, and while the process is down. */
const LIVE = 1_600;
const WHILE_DOWN = 400;
const PLUGINS = fileURLToPath(new URL("./fixtures/plugins/", import.meta.url));

let world: World;
let cast: Cast;

beforeAll(async () => {
  world = await startWorld();
  cast = await createCast(world, "9996621803");
});

afterAll(async () => {
  await world?.stop();
});

/** One recorded handling: chat, message id, caught up or live. */
interface Recorded {
  readonly key: string;
  readonly chatId: string;
  readonly messageId: number;
  readonly catchUp: boolean;
}

function readRecord(file: string): Recorded[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const [chatId, id, catchUp] = line.split(" ");
      return { key: `${chatId}:${id}`, chatId, messageId: Number(id), catchUp: catchUp === "1" };
    });
}

/** The messages the session database records as handled. */
function readLedger(file: string): Set<string> {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare("SELECT chat_id AS chatId, message_id AS messageId FROM updates_handled").all() as { chatId: string; messageId: number }[];
    return new Set(rows.map((row) => `${row.chatId}:${row.messageId}`));
  } finally {
    db.close();
  }
}

/** Resolves once `check` holds, looking every 20 ms; rejects after timeoutMs. */
async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it("loses nothing across five SIGKILLs; duplicates only for handlers running at a kill", { timeout: 170_000 }, async () => {
  const cwd = workingDir(world, await preSharedSession(world.emu, cast.owner.id), "kill-");
  const record = join(cwd, "handled.txt");
  const database = join(cwd, "sessions", "default.db");
  const env = world.env({ LOG_FORMAT: "json", PLUGINS_DIR: PLUGINS, RECORD_FILE: record, RECORD_HANDLER_MS: "3" });
  const start = (): Running => startCli("start", [], { cwd, env });

  let child = start();
  await child.line(/"msg":"first start: recorded the update state/, 30_000);
  let sent = 0;
  const runningAtKill = new Set<string>();
  for (let kill = 0; kill < KILLS; kill += 1) {
    const before = readRecord(record).length;
    for (let n = 0; n < LIVE; n += 1) postNth(world, cast, sent++);
    await until(() => readRecord(record).length >= before + LIVE / 2, "handling to be under way");
    child.child.kill("SIGKILL");
    expect((await child.finished).code).toBeNull();
    const ledger = readLedger(database);
    for (const { key } of readRecord(record)) if (!ledger.has(key)) runningAtKill.add(key);
    for (let n = 0; n < WHILE_DOWN; n += 1) postNth(world, cast, sent++);
    child = start();
    await child.line(/"msg":"ready"/, 30_000);
  }
  await until(() => new Set(readRecord(record).map((entry) => entry.key)).size >= sent, `all ${sent} messages to be handled`, 90_000);
  child.child.kill("SIGTERM");
  const stopped = await child.finished;
  expect(stopped.code, stopped.stderr).toBe(0);

  const handled = readRecord(record);
  const keys = handled.map((entry) => entry.key);
  const duplicates = duplicatesOf(keys);
  expect(sent).toBe(KILLS * (LIVE + WHILE_DOWN));
  expect(new Set(keys).size).toBe(sent);
  expect(duplicates.filter((key) => !runningAtKill.has(key))).toEqual([]);
  const seen = new Set<string>();
  const firsts = handled.filter((entry) => !seen.has(entry.key) && seen.add(entry.key));
  expect(outOfOrder(firsts)).toEqual([]);
  expect(new Set(handled.map((entry) => entry.chatId)).size).toBe(cast.chats.length);
  console.info(
    `kill: ${sent} messages, ${KILLS} SIGKILLs: none lost; ${duplicates.length} handled twice, all among the ${runningAtKill.size} ` +
      `whose handlers were running at a kill; ${handled.filter((entry) => entry.catchUp).length} handled through catch-up`,
  );
});
