/**
 * Sending from scripts end to end against the emulator over TCP: every kind of chat reference, both parse
 * modes and long-text splitting through the same code `npm run send` runs (in-process, for speed); then
 * the command itself in child processes: exit codes, standard input, bot mode, bad input, and a burst of
 * processes kept within the emulator's flood limits by the pacing they share.
 */
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import type { PeerType } from "@tg-toolkit/emulator/control";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Env } from "../../src/config.js";
import { deliver } from "../../src/send/deliver.js";
import { readMarkup } from "../../src/send/markup.js";
import { openScriptSession, type ScriptSession } from "../../src/send/scriptSession.js";
import { splitFormatted } from "../../src/send/split.js";
import { resolveTarget } from "../../src/send/target.js";
import { PeerError, parsePeerInput } from "../../src/telegram/peers.js";
import { SessionStore } from "../../src/telegram/sessionStore.js";
import { runCli } from "../kit/cli.js";
import { preSharedSession, startWorld, type World, workingDir } from "../kit/world.js";

let world: World;
let owner: { id: string };
let alice: { id: string };
let bob: { id: string };
let bot: { id: string; botToken?: string };
let family: string;
let team: string;
let news: string;

/** A working directory whose sessions/default.session is the owner's (user mode). */
async function ownerDir(): Promise<string> {
  return workingDir(world, await preSharedSession(world.emu, owner.id));
}

/** The emulator's variables with JSON logs, and overrides. */
function env(overrides: Env = {}): Env {
  return world.env({ LOG_FORMAT: "json", ...overrides });
}

/** The message as stored by the emulator, for the account that sees it. */
function stored(viewerId: string, peer: { type: PeerType; id: string }, messageId: number) {
  const box = peer.type === "channel" ? world.emu.model.chats.get(Number(peer.id))!.box! : world.emu.model.boxOf(Number(viewerId));
  return box.messages.get(messageId)!;
}

/** The id a successful send printed ("Sent to X: message 42."). */
function sentId(stdout: string): number {
  const match = /message (\d+)\.\n$/.exec(stdout);
  if (match === null) throw new Error(`no message id in ${JSON.stringify(stdout)}`);
  return Number(match[1]);
}

beforeAll(async () => {
  world = await startWorld();
  const { control } = world;
  owner = await control.createUser({ firstName: "Olivia", username: "olivia_sd", phone: "9996621801" });
  alice = await control.createUser({ firstName: "Alice", username: "alice_sd" });
  bob = await control.createUser({ firstName: "Bob", username: "bob_sd" });
  bot = await control.createUser({ firstName: "Shop", username: "shop_sd_bot", bot: true });
  const member = (userId: string) => ({ userId, role: "member" as const });
  family = (await control.createChat({ type: "group", title: "Family", creatorId: owner.id, members: [member(alice.id), member(bot.id)] })).id;
  team = (
    await control.createChat({ type: "supergroup", title: "Team", username: "team_sd", creatorId: owner.id, members: [member(alice.id), member(bot.id)] })
  ).id;
  news = (await control.createChat({ type: "channel", title: "News", username: "news_sd", creatorId: owner.id, members: [{ userId: bot.id, role: "admin" }] }))
    .id;
  await control.createChat({ type: "channel", title: "Bob's news", username: "bobs_news_sd", creatorId: bob.id, members: [member(owner.id)] });
  await control.sendMessage(alice.id, { type: "user", id: owner.id }, "hi Olivia");
});

afterAll(async () => {
  await world?.stop();
});

describe("sending to every kind of chat (user mode, in-process)", () => {
  let session: ScriptSession;

  beforeAll(async () => {
    const store = new SessionStore(join(await ownerDir(), "sessions"));
    session = await openScriptSession(world.config(), store, "default");
  });

  afterAll(() => session.close());

  /** Resolves a reference and sends one plain text; resolves with the target and the message id. */
  const send = async (ref: string, text: string) => {
    const target = await resolveTarget(session.client, parsePeerInput(ref), { mode: session.mode, selfId: session.selfId, known: session.known });
    const [id] = await deliver(session.client, target, splitFormatted(readMarkup(text, "plain")), { pacer: session.pacer, flood: session.flood });
    return { target, id };
  };

  it.each([
    ["@alice_sd", "user", () => ({ type: "user" as const, id: alice.id })],
    ["alice by id", "user", () => ({ type: "user" as const, id: alice.id })],
    ["https://t.me/alice_sd", "user", () => ({ type: "user" as const, id: alice.id })],
    ["me", "self", () => ({ type: "user" as const, id: owner.id })],
    ["family by id", "group", () => ({ type: "chat" as const, id: family })],
    ["@team_sd", "channel", () => ({ type: "channel" as const, id: team })],
    ["team by id", "channel", () => ({ type: "channel" as const, id: team })],
    ["t.me/news_sd", "channel", () => ({ type: "channel" as const, id: news })],
  ])("sends to %s", async (label, kind, peerOf) => {
    const refs: Record<string, () => string> = { "alice by id": () => alice.id, "family by id": () => `-${family}`, "team by id": () => `-100${team}` };
    const ref = refs[label]?.() ?? label;
    const { target, id } = await send(ref, `hello ${label}`);
    expect(target.kind).toBe(kind);
    const viewer = peerOf().type === "user" && kind === "user" ? alice.id : owner.id;
    const [newest] = await world.control.messages(peerOf().type, kind === "user" ? owner.id : peerOf().id, { viewerId: viewer, limit: 1 });
    expect(newest).toMatchObject({ fromId: owner.id, text: `hello ${label}` });
    expect(stored(owner.id, peerOf(), id).text).toBe(`hello ${label}`);
  });

  it("sends Markdown and HTML as entities", async () => {
    const peer = { type: "user" as const, id: alice.id };
    const target = await resolveTarget(session.client, parsePeerInput("@alice_sd"), { mode: session.mode, selfId: session.selfId });
    const options = { pacer: session.pacer, flood: session.flood };
    const [markdown] = await deliver(
      session.client,
      target,
      splitFormatted(readMarkup("**Sale** of `#42` [receipt](https://shop.example/42)", "markdown")),
      options,
    );
    const [html] = await deliver(session.client, target, splitFormatted(readMarkup("<b>Sale</b> of <code>#42</code> &amp; <i>thanks</i>", "html")), options);
    const describe = (id: number) => stored(owner.id, peer, id).entities?.map((entity) => [entity.className, entity.offset, entity.length]);
    expect(stored(owner.id, peer, markdown).text).toBe("Sale of #42 receipt");
    expect(describe(markdown)).toEqual([
      ["MessageEntityBold", 0, 4],
      ["MessageEntityCode", 8, 3],
      ["MessageEntityTextUrl", 12, 7],
    ]);
    expect(stored(owner.id, peer, html).text).toBe("Sale of #42 & thanks");
    expect(describe(html)).toEqual([
      ["MessageEntityBold", 0, 4],
      ["MessageEntityCode", 8, 3],
      ["MessageEntityItalic", 14, 6],
    ]);
  });

  it("splits a long text into messages of at most 4,096 characters at line boundaries", async () => {
    const lines = Array.from({ length: 120 }, (_, i) => `sale ${i}: ${"x".repeat(80)}`);
    const target = await resolveTarget(session.client, parsePeerInput("me"), { mode: session.mode, selfId: session.selfId });
    const ids = await deliver(session.client, target, splitFormatted(readMarkup(lines.join("\n"), "plain")), { pacer: session.pacer, flood: session.flood });
    expect(ids).toHaveLength(3);
    const texts = ids.map((id) => stored(owner.id, { type: "user", id: owner.id }, id).text);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(4096);
    expect(texts.join("\n")).toBe(lines.join("\n"));
  });

  it("answers references to no chat clearly", async () => {
    const resolve = (ref: string) => resolveTarget(session.client, parsePeerInput(ref), { mode: session.mode, selfId: session.selfId, known: session.known });
    await expect(resolve("@nobody_here_sd")).rejects.toThrow(new PeerError("no Telegram chat or person is called @nobody_here_sd: check the spelling"));
    await expect(resolve("424242")).rejects.toThrow(/this account has no chat or contact with id 424242/);
    expect(() => parsePeerInput("https://t.me/+AbCdEf")).toThrow(/is an invite link/);
  });
});

describe("npm run send", () => {
  it("sends Markdown given as arguments, and standard input, exiting 0 with one line", async () => {
    const cwd = await ownerDir();
    const [args, piped, eachLine] = await Promise.all([
      runCli("send", ["@alice_sd", "Sale:", "**$5**", "--markdown"], { cwd, env: env() }),
      runCli("send", ["me"], { cwd, env: env(), input: "deployment completed\nall green\n" }),
      runCli("send", ["me", "--each-line"], { cwd, env: env(), input: "one\n\ntwo\nthree\n" }),
    ]);
    expect(args.code, args.stderr).toBe(0);
    expect(args.stdout).toMatch(/^Sent to @alice_sd: message \d+\.\n$/);
    expect(stored(owner.id, { type: "user", id: alice.id }, sentId(args.stdout))).toMatchObject({ text: "Sale: $5" });
    expect(piped.code, piped.stderr).toBe(0);
    expect(stored(owner.id, { type: "user", id: owner.id }, sentId(piped.stdout)).text).toBe("deployment completed\nall green");
    expect(eachLine.code, eachLine.stderr).toBe(0);
    expect(eachLine.stdout).toMatch(/^Sent to Saved Messages: 3 messages \(\d+-\d+\)\.\n$/);
    expect(args.stderr + piped.stderr + eachLine.stderr).toBe("");
  });

  it("answers bad input with exit 2 and one line", async () => {
    const cwd = await ownerDir();
    const cases: [string[], string, string][] = [
      [["@nobody_here_sd", "hi"], "", "no Telegram chat or person is called @nobody_here_sd: check the spelling"],
      [["me", "  "], "", "the text is empty: nothing to send"],
      [["me"], "\n\n", "the text is empty: nothing to send"],
      [["me", "<b>open", "--html"], "", "broken HTML at line 1, column 1: <b> is never closed (close it with </b>)"],
      [["me", "**open", "--markdown"], "", "broken Markdown at line 1, column 1: ** is never closed (close it, or write \\*\\* to send it as text)"],
      [
        ["me", "--each-line", "--md"],
        "fine\n`broken\n",
        "line 2: broken Markdown at line 1, column 1: ` opens inline code that is never closed (close it with `, or write \\` for a backtick)",
      ],
      [["me", "x", "--html", "--markdown"], "", "--markdown and --html cannot be combined: choose one parse mode"],
      [["not a chat!", "x"], "", '"not a chat!" is not a chat or person: use @username, a t.me link, a numeric id or me'],
    ];
    const results = await Promise.all(cases.map(([args, input]) => runCli("send", args, { cwd, env: env(), input })));
    for (const [index, result] of results.entries()) {
      expect(result.code, cases[index][0].join(" ")).toBe(2);
      expect(result.stderr.trim().split("\n").at(-1)).toBe(cases[index][2]);
    }
    const noSession = await runCli("send", ["me", "hi"], { cwd: mkdtempSync(join(world.dir, "empty-")), env: env() });
    expect(noSession.code).toBe(2);
    expect(noSession.stderr).toMatch(/^No saved session "default"/);
  });

  it("exits 1 with Telegram's reason when it refuses the message", async () => {
    const refused = await runCli("send", ["@bobs_news_sd", "hello"], { cwd: await ownerDir(), env: env() });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toMatch(
      /^Telegram refused: only the chat's admins may post there \(CHAT_ADMIN_REQUIRED\)$|^Telegram refused: this account may not write in that chat \(CHAT_WRITE_FORBIDDEN\)$/,
    );
  });

  it("sends as a bot: by @username, then by id (known from then on); no Saved Messages; strangers by id refused", async () => {
    const cwd = mkdtempSync(join(world.dir, "bot-"));
    const botEnv = env({ TELEGRAM_BOT_TOKEN: bot.botToken });
    await world.control.sendMessage(alice.id, { type: "user", id: bot.id }, "/start");
    const first = await runCli("send", ["@alice_sd", "Your order shipped."], { cwd, env: botEnv });
    expect(first.code, first.stderr).toBe(0);
    const [byId, group, me, stranger] = await Promise.all([
      runCli("send", [alice.id, "It arrives tomorrow."], { cwd, env: botEnv }),
      runCli("send", [`-${family}`, "Dinner is ready."], { cwd, env: botEnv }),
      runCli("send", ["me", "hi"], { cwd, env: botEnv }),
      runCli("send", [bob.id, "hi"], { cwd, env: botEnv }),
    ]);
    expect(byId.code, byId.stderr).toBe(0);
    expect(stored(bot.id, { type: "user", id: alice.id }, sentId(byId.stdout))).toMatchObject({ fromId: Number(bot.id), text: "It arrives tomorrow." });
    expect(group.code, group.stderr).toBe(0);
    expect(me.code).toBe(2);
    expect(me.stderr.trim()).toBe("a bot has no Saved Messages: name a chat or person (@username, id or t.me link)");
    expect(stranger.code).toBe(2);
    expect(stranger.stderr.trim()).toMatch(new RegExp(`^the bot has not met ${bob.id} yet: a person must message the bot first`));
  });

  it("keeps a burst of processes sending to one chat within the emulator's flood limits", async () => {
    const cwd = await ownerDir();
    await world.control.setFloodLimit({ method: "messages.sendMessage", ratePerSecond: 1, burst: 4 });
    try {
      const paced = env({ RATE_CHAT_PER_SECOND: "1", RATE_GLOBAL_PER_SECOND: "30" });
      const started = performance.now();
      const runs = await Promise.all(Array.from({ length: 5 }, (_, i) => runCli("send", ["me", `burst ${i}`], { cwd, env: paced })));
      for (const run of runs) {
        expect(run.code, run.stderr).toBe(0);
        expect(run.stderr).not.toContain("flood wait");
      }
      expect(performance.now() - started).toBeGreaterThanOrEqual(2000);
    } finally {
      await world.control.setFloodLimit({ method: "messages.sendMessage", off: true });
    }
  });
});
