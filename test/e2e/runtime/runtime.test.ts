/**
 * The runtime end to end against the emulator over TCP: every built-in command in user mode and in bot
 * mode from one handler set, bad commands answered, per-chat order with cross-chat concurrency, a
 * dropped connection in the middle of traffic, a revoked session, and the graceful stop.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { command, definePlugin, onMessage, type Plugin } from "../../../src/handlers/plugin.js";
import help from "../../../src/plugins/help.js";
import id from "../../../src/plugins/id.js";
import ping from "../../../src/plugins/ping.js";
import whois from "../../../src/plugins/whois.js";
import { type Runtime, startRuntime } from "../../../src/runtime/index.js";
import type { SessionStore } from "../../../src/telegram/sessionStore.js";
import { deferred } from "../../kit/deferred.js";
import { captureLog } from "../../kit/log.js";
import { handled, latest, type Peer, say, signedInStore, startWorld, type World } from "../../kit/world.js";

/** The built-in plugins, one handler set for both modes. */
const BUILT_INS: Plugin[] = [help, ping, id, whois];

let world: World;
let owner: { id: string };
let alice: { id: string };
let bob: { id: string };
let bot: { id: string; botToken?: string };
let family: Peer;
let team: Peer;
const runtimes: Runtime[] = [];

/** A store holding the owner's pre-shared session under "default". */
const ownerStore = (): Promise<SessionStore> => signedInStore(world, owner.id);

/** Starts a user-mode runtime as the owner with the given plugins. */
async function userRuntime(plugins: Plugin[], options: { drainTimeoutMs?: number } = {}): Promise<Runtime> {
  const runtime = await startRuntime({ config: world.config(), store: await ownerStore(), plugins, log: captureLog().log, ...options });
  runtimes.push(runtime);
  return runtime;
}

beforeAll(async () => {
  world = await startWorld();
  const { control } = world;
  owner = await control.createUser({ firstName: "Olivia", lastName: "Owner", username: "olivia_rt", phone: "9996621201" });
  alice = await control.createUser({ firstName: "Alice", username: "alice_rt" });
  bob = await control.createUser({ firstName: "Bob", username: "bob_rt" });
  bot = await control.createUser({ firstName: "Toolkit", username: "toolkit_rt_bot", bot: true });
  family = {
    type: "chat",
    id: (await control.createChat({ type: "group", title: "Family", creatorId: owner.id, members: [{ userId: alice.id, role: "member" }] })).id,
  };
  team = {
    type: "channel",
    id: (
      await control.createChat({
        type: "supergroup",
        title: "Team",
        username: "team_rt",
        creatorId: owner.id,
        members: [
          { userId: alice.id, role: "member" },
          { userId: bob.id, role: "member" },
          { userId: bot.id, role: "member" },
        ],
      })
    ).id,
  };
});

afterAll(async () => {
  await Promise.all(runtimes.map((runtime) => runtime.stop()));
  await world?.stop();
});

describe("built-in commands in user mode", () => {
  let runtime: Runtime;
  /** The owner sends a command from another device; resolves with the text it was edited into. */
  const run = async (peer: Peer, text: string, replyToId?: string) => {
    const done = handled(runtime, (message) => message.text === text && message.out);
    await world.control.sendMessage(owner.id, peer, text, replyToId);
    await done;
    return (await latest(world, peer, owner.id)).text;
  };

  beforeAll(async () => {
    runtime = await userRuntime(BUILT_INS);
  });

  afterAll(() => runtime.stop());

  it("is ready as the owner in user mode", () => {
    expect(runtime.me).toEqual({ id: owner.id, username: "olivia_rt", mode: "user" });
    expect(runtime.startupMs).toBeGreaterThan(0);
  });

  it("ping edits the command into the round-trip time", async () => {
    expect(await run(team, ".ping")).toMatch(/^Pong! \d+ ms$/);
  });

  it("id answers the chat, sender and message ids, and the replied message", async () => {
    expect(await run(family, ".id")).toMatch(new RegExp(`^Chat: -${family.id} \\(group\\)\\nSender: ${owner.id}\\nMessage: \\d+$`));
    const { id: aliceMessage } = await world.control.sendMessage(alice.id, team, "a message to reply to");
    expect(await run(team, ".id", aliceMessage)).toMatch(
      new RegExp(`^Chat: -100${team.id} \\(supergroup\\)\\nSender: ${owner.id}\\nMessage: \\d+\\nReplied message: ${aliceMessage}, from ${alice.id}$`),
    );
  });

  it("whois describes a user by @username, by id, by reply and in a private chat", async () => {
    expect(await run(team, ".whois @alice_rt")).toBe(`Name: Alice\nID: ${alice.id}\nUsername: @alice_rt\nBot: no`);
    await say(world, runtime, bob.id, team, "hello from Bob");
    expect(await run(team, `.whois ${bob.id}`)).toBe(`Name: Bob\nID: ${bob.id}\nUsername: @bob_rt\nBot: no`);
    const { id: bobMessage } = await world.control.sendMessage(bob.id, team, "reply to me");
    expect(await run(team, ".whois", bobMessage)).toContain(`ID: ${bob.id}`);
    await say(world, runtime, alice.id, { type: "user", id: owner.id }, "hi Olivia");
    expect(await run({ type: "user", id: alice.id }, ".whois")).toContain(`ID: ${alice.id}`);
    expect(await run(team, ".whois @olivia_rt")).toBe(`Name: Olivia Owner\nID: ${owner.id}\nUsername: @olivia_rt\nBot: no\nThis is you.`);
  });

  it("help lists every command and describes one", async () => {
    const list = await run(family, ".help");
    expect(list.split("\n")).toEqual([
      "Commands:",
      ".help [command] — list commands, or describe one",
      ".id — ids of this chat, the sender and the replied message",
      ".ping — answer with the round-trip time to Telegram",
      ".whois [@username | id] — describe a user by reply, @username or id",
    ]);
    expect(await run(family, ".help ping")).toBe(".ping — answer with the round-trip time to Telegram\nPlugin: ping");
  });

  it("answers unknown commands and bad arguments clearly", async () => {
    expect(await run(family, ".frobnicate now")).toBe('Unknown command ".frobnicate". Send .help for the list.');
    expect(await run(family, ".help nosuch")).toBe('Unknown command "nosuch". Send .help for the list.');
    expect(await run(family, ".whois !!!")).toBe('"!!!" is neither a @username nor a numeric id. Usage: .whois [@username | id], or reply to a message.');
    expect(await run(family, ".whois @nobody_here_at_all")).toBe("No user found for @nobody_here_at_all.");
    expect(await run(family, ".whois 987654321")).toBe("No user found for 987654321.");
  });

  it("ignores commands other people send in user mode", async () => {
    await say(world, runtime, alice.id, team, ".ping");
    expect(await latest(world, team, owner.id)).toMatchObject({ fromId: alice.id, text: ".ping" });
  });
});

describe("the same built-in commands in bot mode", () => {
  let runtime: Runtime;
  const privateChat = () => ({ type: "user" as const, id: bot.id });
  /** Alice sends; resolves with the bot's newest message in that chat as Alice sees it. */
  const run = async (peer: Peer, text: string) => {
    await say(world, runtime, alice.id, peer, text);
    return latest(world, peer, alice.id);
  };

  beforeAll(async () => {
    const store = world.store();
    runtime = await startRuntime({ config: world.config({ TELEGRAM_BOT_TOKEN: bot.botToken }), store, plugins: BUILT_INS, log: captureLog().log });
    runtimes.push(runtime);
    expect(store.exists(`bot-${bot.id}`)).toBe(true);
  });

  afterAll(() => runtime.stop());

  it("logs the bot in with its token and runs in bot mode", () => {
    expect(runtime.me).toEqual({ id: bot.id, username: "toolkit_rt_bot", mode: "bot" });
  });

  it("answers /ping, /id, /whois and /help with replies", async () => {
    expect(await run(privateChat(), "/ping")).toMatchObject({ fromId: bot.id, text: expect.stringMatching(/^Pong! \d+ ms$/) });
    const idAnswer = await run(team, "/id");
    expect(idAnswer.fromId).toBe(bot.id);
    expect(idAnswer.text).toMatch(new RegExp(`^Chat: -100${team.id} \\(supergroup\\)\\nSender: ${alice.id}\\nMessage: \\d+$`));
    expect((await run(team, "/whois @olivia_rt")).text).toBe(`Name: Olivia Owner\nID: ${owner.id}\nUsername: @olivia_rt\nBot: no`);
    expect((await run(privateChat(), "/whois")).text).toContain(`ID: ${alice.id}`);
    expect((await run(privateChat(), "/help")).text.split("\n")).toEqual([
      "Commands:",
      "/help [command] — list commands, or describe one",
      "/id — ids of this chat, the sender and the replied message",
      "/ping — answer with the round-trip time to Telegram",
      "/whois [@username | id] — describe a user by reply, @username or id",
    ]);
  });

  it("takes /cmd@itsname in groups, leaves /cmd@otherbot and bare unknown commands there alone", async () => {
    expect((await run(team, "/ping@toolkit_rt_bot")).text).toMatch(/^Pong! \d+ ms$/);
    // Privacy mode: Telegram does not even deliver /ping@some_other_bot to this bot; the next command it does get shows it passed.
    await world.control.sendMessage(alice.id, team, "/ping@some_other_bot");
    expect(await run(team, "/frobnicate")).toMatchObject({ fromId: alice.id, text: "/frobnicate" });
    const [frobnicate, other] = await world.control.messages(team.type, team.id, { viewerId: alice.id, limit: 2 });
    expect([other.text, frobnicate.text]).toEqual(["/ping@some_other_bot", "/frobnicate"]);
    expect((await run(privateChat(), "/frobnicate")).text).toBe('Unknown command "/frobnicate". Send /help for the list.');
  });
});

describe("dispatch", () => {
  it("keeps each chat's order while another chat goes on (a handler sleeping in one chat does not delay another)", async () => {
    const events: string[] = [];
    const fastSeen = deferred();
    const plugin = definePlugin({
      name: "work",
      handlers: [
        command("slow", async (ctx) => {
          events.push(`start ${ctx.rawArgs}`);
          if (ctx.rawArgs === "1") await fastSeen.promise; // the first slow handler ends only once the other chat was served
          await new Promise((resolve) => setTimeout(resolve, 100));
          events.push(`end ${ctx.rawArgs}`);
        }),
        command("fast", () => {
          events.push("fast");
          fastSeen.resolve();
        }),
      ],
    });
    const runtime = await userRuntime([plugin]);
    const all = Promise.all(["1", "2", "3"].map((n) => handled(runtime, (message) => message.text === `.slow ${n}`)));
    for (const n of ["1", "2", "3"]) await world.control.sendMessage(owner.id, family, `.slow ${n}`);
    await world.control.sendMessage(owner.id, team, ".fast");
    await all;
    await runtime.stop();
    expect(events).toEqual(["start 1", "fast", "end 1", "start 2", "end 2", "start 3", "end 3"]);
  });

  it("carries on after POST /disconnect in the middle of traffic", async () => {
    const seen: string[] = [];
    const held = deferred();
    const holdStarted = deferred();
    const plugin = definePlugin({
      name: "traffic",
      handlers: [
        onMessage(
          (message) => message.text.startsWith("msg "),
          async (ctx) => {
            seen.push(ctx.message.text);
            if (ctx.message.text === "msg hold") {
              holdStarted.resolve();
              await held.promise;
              await ctx.reply("answered after the reconnection");
            }
          },
        ),
      ],
    });
    const runtime = await userRuntime([plugin]);
    const dm = { type: "user" as const, id: owner.id };
    for (let n = 1; n <= 5; n += 1) await say(world, runtime, alice.id, dm, `msg ${n}`);
    const holdHandled = handled(runtime, (message) => message.text === "msg hold");
    await world.control.sendMessage(alice.id, dm, "msg hold");
    await holdStarted.promise;
    const { dropped } = await world.control.disconnect();
    expect(dropped).toBeGreaterThan(0);
    held.resolve();
    await holdHandled;
    expect(await latest(world, { type: "user", id: owner.id }, alice.id)).toMatchObject({ fromId: owner.id, text: "answered after the reconnection" });
    for (let n = 6; n <= 10; n += 1) await say(world, runtime, alice.id, dm, `msg ${n}`);
    await runtime.stop();
    expect(seen).toEqual(["msg 1", "msg 2", "msg 3", "msg 4", "msg 5", "msg hold", "msg 6", "msg 7", "msg 8", "msg 9", "msg 10"]);
  });

  it("sends a handler's reply made while GramJS is reconnecting (instead of losing it in GramJS's cleared queue)", async () => {
    const held = deferred();
    const holdStarted = deferred();
    const plugin = definePlugin({
      name: "late",
      handlers: [
        onMessage(
          (message) => message.text === "reply when told",
          async (ctx) => {
            holdStarted.resolve();
            await held.promise;
            await ctx.reply("sent across the reconnection");
          },
        ),
      ],
    });
    const capture = captureLog({ level: "warn" });
    const runtime = await startRuntime({ config: world.config(), store: await ownerStore(), plugins: [plugin], log: capture.log });
    runtimes.push(runtime);
    const dm = { type: "user" as const, id: owner.id };
    const done = handled(runtime, (message) => message.text === "reply when told");
    await world.control.sendMessage(alice.id, dm, "reply when told");
    await holdStarted.promise;
    await world.control.disconnect();
    await capture.untilEntry((entry) => entry.msg?.includes("connection to Telegram lost") === true);
    held.resolve();
    await done;
    expect(await latest(world, dm, alice.id)).toMatchObject({ fromId: owner.id, text: "sent across the reconnection" });
    await runtime.stop();
  });
});

describe("outgoing traffic", () => {
  it("sleeps through a short FLOOD_WAIT itself (GramJS does not) and stops a handler on a long one", async () => {
    const capture = captureLog();
    const runtime = await startRuntime({ config: world.config(), store: await ownerStore(), plugins: BUILT_INS, log: capture.log });
    runtimes.push(runtime);
    await world.control.addFault({ method: "messages.editMessage", error: "FLOOD_WAIT_1", count: 1 });
    const done = handled(runtime, (message) => message.text === ".id" && message.out);
    await world.control.sendMessage(owner.id, family, ".id");
    await done;
    expect((await latest(world, family, owner.id)).text).toMatch(/^Chat: -/);
    expect(capture.entries()).toContainEqual(
      expect.objectContaining({ msg: "flood wait: sleeping before retrying", method: "messages.editMessage", seconds: 1, attempt: 1 }),
    );

    await world.control.addFault({ method: "messages.editMessage", error: "FLOOD_WAIT_3600", count: 1 });
    const refused = handled(runtime, (message) => message.text === ".help" && message.out);
    await world.control.sendMessage(owner.id, family, ".help");
    await refused;
    expect((await latest(world, family, owner.id)).text).toBe(".help");
    expect(capture.entries()).toContainEqual(
      expect.objectContaining({ msg: "handler stopped by a flood wait", seconds: 3600, method: "messages.editMessage" }),
    );
    await runtime.stop();
  });
});

describe("lifecycle", () => {
  it("stops gracefully: no new updates taken, the running handler finishes, then it disconnects", async () => {
    const started = deferred();
    const finished: string[] = [];
    const plugin = definePlugin({
      name: "hold",
      handlers: [
        command("hold", async (ctx) => {
          started.resolve();
          await new Promise((resolve) => setTimeout(resolve, 150));
          await ctx.answer(`held ${ctx.rawArgs}`);
          finished.push(ctx.rawArgs);
        }),
      ],
    });
    const runtime = await userRuntime([plugin]);
    await world.control.sendMessage(owner.id, family, ".hold first");
    await started.promise;
    const stopping = runtime.stop();
    await world.control.sendMessage(owner.id, family, ".hold second");
    const result = await stopping;
    expect(result).toMatchObject({ reason: "stop", drain: { completed: true, running: 0 } });
    expect(finished).toEqual(["first"]);
    const [newest, before] = await world.control.messages("chat", family.id, { viewerId: owner.id, limit: 2 });
    expect([newest.text, before.text]).toEqual([".hold second", "held first"]);
    expect(runtime.stats().handled).toBe(1);
    expect(runtime.client.connected).toBe(false);
  });

  it("reports a session revoked while running, keeping its file aside", async () => {
    const store = await ownerStore();
    const runtime = await startRuntime({ config: world.config(), store, plugins: BUILT_INS, log: captureLog().log });
    runtimes.push(runtime);
    await world.control.revokeSessions(owner.id);
    expect(await runtime.checkSession()).toBe(false);
    const result = await runtime.stopped;
    expect(result.reason).toBe("revoked");
    expect(result.error?.message).toMatch(
      /^Session "default" was revoked or expired \(kept as .*default\.session\.revoked-\d{8}T\d{6}Z\): run `npm run login` to sign in again\.$/,
    );
    expect(store.exists("default")).toBe(false);
  });
});
