/**
 * Data centres end to end, real GramJS over TCP against the emulator's five DCs: a login with a DC-4 test
 * number meets PHONE_MIGRATE_4 and ends with the session saved on DC 4, from which the runtime starts; an
 * account the emulator moves to another DC while messages flow (POST /users/:id/dc) is followed (its
 * authorization exported and imported, the updates hook moved, a catch-up), every message handled once, the
 * session never set aside and saved on the new DC.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { StringSession } from "telegram/sessions/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definePlugin, onMessage, type Plugin } from "../../../src/handlers/plugin.js";
import { createLogger } from "../../../src/log.js";
import { type Runtime, startRuntime } from "../../../src/runtime/index.js";
import { createTelegramClient, sessionString } from "../../../src/telegram/client.js";
import { loginWithCode } from "../../../src/telegram/login/code.js";
import type { LoginIO } from "../../../src/telegram/login/loginError.js";
import { loginWithQr } from "../../../src/telegram/login/qr.js";
import type { SessionStore } from "../../../src/telegram/sessionStore.js";
import { runCli, startCli } from "../../kit/cli.js";
import { captureLog } from "../../kit/log.js";
import { Watch } from "../../kit/watch.js";
import { type Peer, say, startWorld, type World } from "../../kit/world.js";

let world: World;
let alice: { id: string };
const runtimes: Runtime[] = [];
const quiet = createLogger({ level: "silent" });

/** Answers the login's questions in order. */
function answering(...answers: string[]): LoginIO {
  const next = async () => answers.shift() ?? "";
  return { prompter: { text: next, password: next, close: () => {} }, say: () => {} };
}

/** Logs `phone` in through the product's login flow (handshake keys, as `npm run login`) and saves the session in a fresh store. */
async function loggedInStore(phone: string, code: string): Promise<{ store: SessionStore; dcId: number }> {
  const client = createTelegramClient(world.config(), "", quiet);
  try {
    await client.connect();
    await loginWithCode(client, world.config(), answering(phone, code));
    const store = world.store();
    store.save("default", sessionString(client));
    return { store, dcId: client.session.dcId };
  } finally {
    await client.destroy();
  }
}

/** The DC the saved session of a store points at. */
function savedDc(store: SessionStore): number {
  return new StringSession(store.load("default")).dcId;
}

let lastLog: ReturnType<typeof captureLog> | undefined;
async function run(store: SessionStore, plugins: Plugin[] = []): Promise<Runtime> {
  lastLog = captureLog();
  const runtime = await startRuntime({ config: world.config(), store, plugins, log: lastLog.log });
  runtimes.push(runtime);
  return runtime;
}

beforeAll(async () => {
  world = await startWorld();
  alice = await world.control.createUser({ firstName: "Alice", username: "alice_dcs" });
});

afterAll(async () => {
  await Promise.all(runtimes.map((runtime) => runtime.stop()));
  await world?.stop();
});

describe("data centres", () => {
  it("logs a DC-4 test number in through PHONE_MIGRATE_4, saves the session on DC 4, and starts from it", async () => {
    const dora = await world.control.createUser({ firstName: "Dora", phone: "9996641301" });
    const { store, dcId } = await loggedInStore("+999 664 1301", "44444");
    expect(dcId).toBe(4);
    expect(savedDc(store)).toBe(4);

    const runtime = await run(store);
    expect(runtime.me.id).toBe(dora.id);
    const peer: Peer = { type: "user", id: dora.id };
    const message = await say(world, runtime, alice.id, peer, "hello on DC 4");
    expect(message.isCatchUp).toBe(false);
    expect(savedDc(store)).toBe(4);
  });

  it("`npm run login` with a DC-4 number saves the session on DC 4 and `npm start` reconnects there from the file", async () => {
    const erin = await world.control.createUser({ firstName: "Erin", username: "erin_dc4", phone: "9996641304" });
    const cwd = mkdtempSync(join(world.dir, "cwd-"));
    const env = world.env({ LOG_FORMAT: "json" });
    const login = await runCli("login", [], { cwd, env, input: "+9996641304\n44444\n" });
    expect(login.stdout).toBe(`Logged in as @erin_dc4 (id ${erin.id}). Session saved to sessions/default.session; run \`npm start\`.\n`);
    expect(login.code).toBe(0);
    expect(new StringSession(readFileSync(join(cwd, "sessions", "default.session"), "utf8").trim()).dcId).toBe(4);

    const start = startCli("start", [], { cwd, env });
    const ready = JSON.parse(await start.line(/"msg":"ready"/)) as Record<string, unknown>;
    expect(ready).toMatchObject({ account: "@erin_dc4", mode: "user" });
    start.child.kill("SIGTERM");
    const stopped = await start.finished;
    expect(stopped.code, stopped.stderr).toBe(0);
  });

  it("follows a QR login accepted by an account of DC 4 there (loginTokenMigrateTo) and saves the session on DC 4", async () => {
    const quinn = await world.control.createUser({ firstName: "Quinn", phone: "9996641303" });
    const client = createTelegramClient(world.config(), "", quiet);
    try {
      await client.connect();
      const user = await loginWithQr(client, world.config(), answering(), (url) => {
        void world.control.acceptQr(quinn.id, Buffer.from(url.slice("tg://login?token=".length), "base64url"));
      });
      expect(user.id.toString()).toBe(quinn.id);
      expect(client.session.dcId).toBe(4);
      const store = world.store();
      store.save("default", sessionString(client));
      const runtime = await run(store);
      expect(runtime.me.id).toBe(quinn.id);
    } finally {
      await client.destroy();
    }
  });

  it("keeps the session when the authorization fails to arrive on the new DC: back to the old one, then the move again", async () => {
    const owner = await world.control.createUser({ firstName: "Fay", phone: "9996621305" });
    const { store } = await loggedInStore("9996621305", "22222");
    const echo = definePlugin({
      name: "echo",
      handlers: [
        onMessage(
          (message) => message.senderId === alice.id,
          (ctx) => ctx.reply(`ack ${ctx.message.text}`).then(() => undefined),
        ),
      ],
    });
    const runtime = await run(store, [echo]);
    await runtime.caughtUp;
    await world.control.moveToDc(owner.id, 4);
    await world.control.addFault({ method: "auth.importAuthorization", error: "INTERNAL", count: 1 });
    const peer: Peer = { type: "user", id: owner.id };
    // The old DC pushes nothing after the move: the runtime learns of it from its next call, here the
    // periodic session check, and catches up once it is signed in on the new DC.
    const handledMessage = say(world, runtime, alice.id, peer, "through a failed import");
    expect(await runtime.checkSession()).toBe(true);
    await handledMessage;
    expect(runtime.client.session.dcId).toBe(4);
    expect(savedDc(store)).toBe(4);
    const [reply] = await world.control.messages("user", alice.id, { viewerId: owner.id, limit: 1 });
    expect(reply).toMatchObject({ fromId: owner.id, text: "ack through a failed import" });
  });

  it("follows a move to another DC while messages flow: every message handled once, the session kept and saved on the new DC", async () => {
    const owner = await world.control.createUser({ firstName: "Olivia", phone: "9996621302" });
    const { store, dcId } = await loggedInStore("9996621302", "22222");
    expect(dcId).toBe(2);
    const seen: string[] = [];
    const watch = new Watch();
    // Every message is answered, so the runtime calls Telegram while it moves (the call that meets USER_MIGRATE_4).
    const echo = definePlugin({
      name: "echo",
      handlers: [
        onMessage(
          (message) => message.senderId === alice.id,
          async (ctx) => {
            seen.push(ctx.message.text);
            watch.changed();
            await ctx.reply(`ack ${ctx.message.text}`);
          },
        ),
      ],
    });
    const runtime = await run(store, [echo]);
    await runtime.caughtUp;
    const peer: Peer = { type: "user", id: owner.id };
    const texts = Array.from({ length: 30 }, (_, i) => `m${i}`);
    for (const [i, text] of texts.entries()) {
      if (i === 10) await world.control.moveToDc(owner.id, 4);
      await world.control.sendMessage(alice.id, peer, text);
    }
    await watch.until(
      () => texts.every((text) => seen.includes(text)),
      () => `${seen.length} of 30 messages handled; log: ${lastLog?.lines.join("\n")}`,
      20_000,
    );
    expect([...seen].sort()).toEqual([...texts].sort());
    expect(runtime.client.session.dcId).toBe(4);
    expect(savedDc(store)).toBe(4);
    expect(await runtime.checkSession()).toBe(true);
    const replies = await world.control.messages("user", alice.id, { viewerId: owner.id, limit: 100 });
    expect(replies.filter((m) => m.fromId === owner.id && m.text.startsWith("ack ")).length).toBe(30);

    // Stopped and started again, it connects to DC 4 from the saved file.
    const result = await runtime.stop();
    expect(result.reason).toBe("stop");
    expect(store.exists("default")).toBe(true);
    const again = await run(store);
    expect(again.client.session.dcId).toBe(4);
    await say(world, again, alice.id, peer, "after the move");
  });
});
