/**
 * TELEGRAM_PROXY end to end: a SOCKS5 proxy with a user name and password, started by the test on
 * 127.0.0.1 in front of the emulator; `npm run login` and a message round trip go through it (the
 * proxy relays every connection, to the emulator's port through the custom-server override); a wrong
 * password and a malformed TELEGRAM_PROXY are one line and exit 2, without the password. Then an MTProxy
 * front (test/kit/mtproxy.ts) with a secret: a command's round trip through it.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUserbot } from "../../../src/app/userbot.js";
import type { Env } from "../../../src/config.js";
import ping from "../../../src/plugins/ping.js";
import { SessionStore } from "../../../src/telegram/sessionStore.js";
import { runCli } from "../../kit/cli.js";
import { startMtProxy } from "../../kit/mtproxy.js";
import { type Socks5Proxy, startSocks5Proxy } from "../../kit/socks5.js";
import { handled, latest, preSharedSession, signedInStore, startWorld, type World, workingDir } from "../../kit/world.js";

const PASSWORD = "hunter2-proxy";
let world: World;
let proxy: Socks5Proxy;
/** A working directory whose default session is signed in (pre-shared key) as a new person. */
const signedInDir = async () => workingDir(world, await preSharedSession(world.emu, (await world.control.createUser({ firstName: "Saved" })).id));
const calls = async () => Object.values((await world.control.stats()).rpc).reduce((sum, count) => sum + count, 0);

const env = (overrides: Env = {}): Env => world.env({ LOG_FORMAT: "json", TELEGRAM_PROXY: `socks5://alice:${PASSWORD}@127.0.0.1:${proxy.port}`, ...overrides });

beforeAll(async () => {
  world = await startWorld();
  proxy = await startSocks5Proxy({ user: "alice", password: PASSWORD });
});

afterAll(async () => {
  await proxy?.close();
  await world?.stop();
});

describe("through a SOCKS5 proxy", () => {
  it("logs in with npm run login, then handles and answers a command, every connection relayed by the proxy", async () => {
    const owner = await world.control.createUser({ firstName: "Proxy", username: "proxy_owner", phone: "9996621401" });
    const cwd = mkdtempSync(join(world.dir, "proxy-"));
    const login = await runCli("login", ["--session", "viaproxy"], { cwd, env: env(), input: "+9996621401\n22222\n" });
    expect(login.stderr + login.stdout, login.stderr).toContain("Logged in as @proxy_owner");
    expect(login.code).toBe(0);
    expect(login.stdout + login.stderr).not.toContain(PASSWORD);
    const afterLogin = proxy.relayed.length;
    expect(afterLogin).toBeGreaterThanOrEqual(1);
    expect(proxy.relayed.every((relayed) => relayed.user === "alice" && relayed.port === world.emu.port)).toBe(true);

    const store = new SessionStore(join(cwd, "sessions"));
    expect(readFileSync(store.pathOf("viaproxy"), "utf8").length).toBeGreaterThan(100);
    const runtime = await startUserbot({ config: world.config(env({ LOG_LEVEL: "silent" })), store, sessionName: "viaproxy", plugins: [ping] });
    try {
      expect(proxy.relayed.length).toBeGreaterThan(afterLogin);
      const saved = { type: "user" as const, id: owner.id };
      const done = handled(runtime, (message) => message.text === ".ping" && message.out);
      await world.control.sendMessage(owner.id, saved, ".ping");
      await done;
      expect((await latest(world, saved, owner.id)).text).toMatch(/^Pong! \d+ ms$/);
    } finally {
      await runtime.stop();
    }
  });

  it("stops with one line and exit 2 when the proxy refuses the password, which it never prints", async () => {
    const refusedBefore = proxy.refused;
    const cwd = await signedInDir();
    const wrong = "wrong-secret-pass";
    const start = await runCli("start", [], { cwd, env: env({ TELEGRAM_PROXY: `socks5://alice:${wrong}@127.0.0.1:${proxy.port}` }) });
    expect(start.stderr).toBe(`TELEGRAM_PROXY: the proxy at socks5 127.0.0.1:${proxy.port} refused the user name and password: check them in TELEGRAM_PROXY\n`);
    expect(start.code).toBe(2);
    expect(start.stdout + start.stderr).not.toContain(wrong);
    expect(proxy.refused).toBeGreaterThan(refusedBefore);
  });

  it("stops with one line and exit 2 on a malformed TELEGRAM_PROXY, before connecting", async () => {
    const relayedBefore = proxy.relayed.length;
    const cwd = await signedInDir();
    const before = await calls();
    const start = await runCli("start", [], { cwd, env: env({ TELEGRAM_PROXY: `socks5://alice:${PASSWORD}@127.0.0.1` }) });
    expect(start.stderr).toBe("TELEGRAM_PROXY must give the proxy's port, e.g. socks5://127.0.0.1:1080\n");
    expect(start.code).toBe(2);
    expect(proxy.relayed.length).toBe(relayedBefore);
    expect(await calls()).toBe(before);
  });
});

describe("through an MTProxy", () => {
  it("handles and answers a command over the MTProxy's obfuscated transport keyed with its secret", async () => {
    const secret = "dd0123456789abcdef0123456789abcdef";
    const front = await startMtProxy(secret, world.emu.port);
    const owner = await world.control.createUser({ firstName: "Mt" });
    const store = await signedInStore(world, owner.id);
    const config = world.config({ LOG_LEVEL: "silent", TELEGRAM_PROXY: `mtproxy://${secret}@127.0.0.1:${front.port}` });
    const runtime = await startUserbot({ config, store, sessionName: "default", plugins: [ping] });
    try {
      const saved = { type: "user" as const, id: owner.id };
      const done = handled(runtime, (message) => message.text === ".ping" && message.out);
      await world.control.sendMessage(owner.id, saved, ".ping");
      await done;
      expect((await latest(world, saved, owner.id)).text).toMatch(/^Pong! \d+ ms$/);
      expect(front.relayed.length).toBeGreaterThanOrEqual(1);
      expect(front.rejected).toBe(0);
    } finally {
      await runtime.stop();
      await front.close();
    }
  });
});
