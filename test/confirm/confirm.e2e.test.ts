/**
 * `npm run confirm` end to end, in child processes against the emulator over TCP: approved, denied, timed
 * out, pressed by a stranger and interrupted, as a bot (buttons pressed through the control API) and as a
 * user account (yes / no replies); bad input; exit codes and the edited question.
 */
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { nextMessage } from "@tg-toolkit/emulator/testing";
import type { TelegramClient } from "telegram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../src/config.js";
import { NOT_YOURS_TEXT } from "../../src/confirm/confirm.js";
import { lastLine, type Running, runCli, startCli } from "../kit/cli.js";
import { latest, meetChannels, type Peer, preSharedSession, signedInClient, startWorld, type World, workingDir } from "../kit/world.js";

let world: World;
let owner: { id: string };
let alice: { id: string };
let bob: { id: string };
let bot: { id: string; botToken?: string };
let ops: string;
let phone: TelegramClient;
let botDir: string;

/** The emulator's variables with JSON logs; as the bot when asked. */
function env(asBot: boolean, overrides: Env = {}): Env {
  return world.env({ LOG_FORMAT: "json", ...(asBot ? { TELEGRAM_BOT_TOKEN: bot.botToken } : {}), ...overrides });
}

/** A working directory whose sessions/default.session is the owner's (user mode). */
async function ownerDir(): Promise<string> {
  return workingDir(world, await preSharedSession(world.emu, owner.id));
}

/** Starts `npm run confirm` and resolves once Alice's phone shows the question. */
async function ask(args: string[], options: { cwd: string; env: Env }, shown: string): Promise<Running> {
  const arrives = nextMessage(phone, shown, 20_000);
  const running = startCli("confirm", args, options);
  await Promise.race([arrives, running.finished.then((end) => Promise.reject(new Error(`confirm exited first: ${end.stderr}`)))]);
  return running;
}

/** The newest message of a chat as a viewer sees it. */
const newest = (peer: Peer, viewerId: string) => latest(world, peer, viewerId);

beforeAll(async () => {
  world = await startWorld();
  const { control } = world;
  owner = await control.createUser({ firstName: "Olivia", username: "olivia_cf", phone: "9996621802" });
  alice = await control.createUser({ firstName: "Alice", lastName: "Ross", username: "alice_cf" });
  bob = await control.createUser({ firstName: "Bob", username: "bob_cf" });
  bot = await control.createUser({ firstName: "Ops", username: "ops_cf_bot", bot: true });
  const member = (userId: string) => ({ userId, role: "member" as const });
  ops = (await control.createChat({ type: "supergroup", title: "Ops", creatorId: owner.id, members: [member(alice.id), member(bob.id), member(bot.id)] })).id;
  phone = await signedInClient(world.emu, alice.id, { getMe: true });
  await control.sendMessage(alice.id, { type: "user", id: bot.id }, "/start");
  botDir = mkdtempSync(join(world.dir, "bot-"));
  // The bot met the group while npm start ran (it cannot look a chat up in dialogs it may not read).
  meetChannels(world, botDir, `bot-${bot.id}`, bot.id, [ops]);
});

afterAll(async () => {
  await phone?.destroy();
  await world?.stop();
});

describe("as a bot, with Approve / Deny buttons", () => {
  const chat = (): Peer => ({ type: "user", id: bot.id });

  it("approved: exit 0, the question edited to show who approved, its buttons gone", async () => {
    const running = await ask(["@alice_cf", "Deploy to production?", "--timeout", "30s"], { cwd: botDir, env: env(true) }, "Deploy to production?");
    const question = await newest(chat(), alice.id);
    expect(question.buttons?.[0].map((button) => button.text)).toEqual(["✅ Approve", "❌ Deny"]);
    const approve = question.buttons![0][0].data!;
    expect(await world.control.pressButton(alice.id, chat(), question.id, approve)).toMatchObject({ message: "Approved.", alert: false });
    const end = await running.finished;
    expect(end.code, end.stderr).toBe(0);
    expect(end.stdout).toBe("✅ Approved by Alice Ross (@alice_cf)\n");
    expect(await newest(chat(), alice.id)).toMatchObject({ id: question.id, text: "Deploy to production?\n\n✅ Approved by Alice Ross (@alice_cf)" });
    expect((await newest(chat(), alice.id)).buttons ?? []).toEqual([]);
    await expect(world.control.pressButton(alice.id, chat(), question.id, approve)).rejects.toThrow(/DATA_INVALID/);
  });

  it("denied: exit 1", async () => {
    const running = await ask(["@alice_cf", "Drop the old tables?"], { cwd: botDir, env: env(true) }, "Drop the old tables?");
    const question = await newest(chat(), alice.id);
    await world.control.pressButton(alice.id, chat(), question.id, question.buttons![0][1].data!);
    const end = await running.finished;
    expect(end.code).toBe(1);
    expect(lastLine(end.stderr)).toBe("❌ Denied by Alice Ross (@alice_cf)");
    expect((await newest(chat(), alice.id)).text).toBe("Drop the old tables?\n\n❌ Denied by Alice Ross (@alice_cf)");
  });

  it("timed out: exit 3, the question says so, and its expired button is refused", async () => {
    const running = await ask(["@alice_cf", "Restart the cache?", "--timeout", "1s"], { cwd: botDir, env: env(true) }, "Restart the cache?");
    const question = await newest(chat(), alice.id);
    const end = await running.finished;
    expect(end.code).toBe(3);
    expect(lastLine(end.stderr)).toBe("⌛ No answer within 1 s: not approved");
    expect(await newest(chat(), alice.id)).toMatchObject({ text: "Restart the cache?\n\n⌛ No answer within 1 s: not approved" });
    await expect(world.control.pressButton(alice.id, chat(), question.id, question.buttons![0][0].data!)).rejects.toThrow(/DATA_INVALID/);
  });

  it("a stranger's press gets an alert and changes nothing; the person named with --from decides", async () => {
    const group: Peer = { type: "channel", id: ops };
    const running = await ask([`-100${ops}`, "Rotate the keys?", "--from", "@alice_cf"], { cwd: botDir, env: env(true) }, "Rotate the keys?");
    const question = await newest(group, bob.id);
    const [approve] = question.buttons![0].map((button) => button.data!);
    expect(await world.control.pressButton(bob.id, group, question.id, approve)).toEqual({ message: NOT_YOURS_TEXT, alert: true });
    expect(await world.control.pressButton(alice.id, group, question.id, approve)).toMatchObject({ message: "Approved." });
    const end = await running.finished;
    expect(end.code, end.stderr).toBe(0);
    expect(end.stderr).toContain("someone who may not answer pressed a confirmation button");
  });

  it("interrupted: exit 130, the question says it was cancelled", async () => {
    const running = await ask(["@alice_cf", "Scale down?"], { cwd: botDir, env: env(true) }, "Scale down?");
    running.child.kill("SIGINT");
    const end = await running.finished;
    expect(end.code).toBe(130);
    expect(lastLine(end.stderr)).toBe("⛔ Cancelled: the script that asked stopped");
    expect((await newest(chat(), alice.id)).text).toBe("Scale down?\n\n⛔ Cancelled: the script that asked stopped");
  });
});

describe("as a user account, with a yes / no reply", () => {
  it("approved by the person asked: exit 0, the question edited", async () => {
    const cwd = await ownerDir();
    const running = await ask(["@alice_cf", "Ship the release?", "--timeout", "30s"], { cwd, env: env(false) }, "Ship the release?\n\nReply yes or no.");
    await world.control.sendMessage(alice.id, { type: "user", id: owner.id }, "Yes!");
    const end = await running.finished;
    expect(end.code, end.stderr).toBe(0);
    expect(end.stdout).toBe("✅ Approved by Alice Ross (@alice_cf)\n");
    const [answer, question] = await world.control.messages("user", owner.id, { viewerId: alice.id, limit: 2 });
    expect(answer).toMatchObject({ fromId: alice.id, text: "Yes!" });
    expect(question).toMatchObject({ fromId: owner.id, text: "Ship the release?\n\n✅ Approved by Alice Ross (@alice_cf)" });
  });

  it("in a group, a stranger's answer gets a note; the named person's no is exit 1", async () => {
    const cwd = await ownerDir();
    const group: Peer = { type: "channel", id: ops };
    const running = await ask([`-100${ops}`, "Merge the branch?", "--from", "@alice_cf"], { cwd, env: env(false) }, "Merge the branch?\n\nReply yes or no.");
    const note = nextMessage(phone, NOT_YOURS_TEXT);
    await world.control.sendMessage(bob.id, group, "yes");
    await note;
    await world.control.sendMessage(alice.id, group, "no");
    const end = await running.finished;
    expect(end.code).toBe(1);
    expect(lastLine(end.stderr)).toBe("❌ Denied by Alice Ross (@alice_cf)");
  });
});

describe("bad input", () => {
  it("exits 2 with one line for every mistake", async () => {
    const cwd = await ownerDir();
    const cases: [string[], boolean, string | RegExp][] = [
      [["@alice_cf"], false, /^the question is empty: say what to approve/],
      [["@alice_cf", "Go?", "--timeout", "5x"], false, '--timeout "5x" must be a duration from 1s to 7d, e.g. 90s, 5m or 2h'],
      [["@alice_cf", "Go?", "--timeout", "0s"], false, '--timeout "0s" must be a duration from 1s to 7d, e.g. 90s, 5m or 2h'],
      [["@nobody_here_cf", "Go?"], false, "no Telegram chat or person is called @nobody_here_cf: check the spelling"],
      [["@alice_cf", "Go?", "--from", "@nobody_here_cf"], false, "no Telegram person is called @nobody_here_cf: check the spelling"],
      [["me", "Go?"], true, "a bot has no Saved Messages: name a chat or person (@username, id or t.me link)"],
      [[`-100${ops}`, "Go?"], true, `nobody may answer in -100${ops}: name who may with --from @person (or set ACCESS_OWNERS)`],
    ];
    const results = await Promise.all(cases.map(([args, asBot]) => runCli("confirm", args, { cwd: asBot ? botDir : cwd, env: env(asBot) })));
    for (const [index, result] of results.entries()) {
      expect(result.code, cases[index][0].join(" ")).toBe(2);
      const expected = cases[index][2];
      if (typeof expected === "string") expect(lastLine(result.stderr)).toBe(expected);
      else expect(result.stderr).toMatch(expected);
    }
  });
});
