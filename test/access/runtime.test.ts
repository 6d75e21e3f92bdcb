/**
 * The access layer inside the real runtime, wired the way `npm start` wires it (startRuntime's `extend`
 * with accessExtension over the session database): the policy decides before handlers, and pushed updates
 * reach the membership cache before the next message is handled.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Emulator, startEmulator } from "@tg-toolkit/emulator";
import { preSharedSession } from "@tg-toolkit/emulator/client";
import { ControlClient } from "@tg-toolkit/emulator/control";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineGate } from "../../src/access/admin.js";
import { accessLayerFor } from "../../src/access/layer.js";
import { passingStatuses } from "../../src/access/rules.js";
import { accessExtension } from "../../src/access/runtime.js";
import { parseConfig } from "../../src/app/config.js";
import { createLogger } from "../../src/log.js";
import accessPlugin from "../../src/plugins/access.js";
import { type Runtime, startRuntime } from "../../src/runtime/index.js";
import { type Db, openDatabase, sessionDatabasePath } from "../../src/store/database.js";
import { SessionStore } from "../../src/telegram/sessionStore.js";
import { demoPlugin } from "./harness.js";

let emu: Emulator;
let control: ControlClient;
let runtime: Runtime;
let db: Db;
let dir: string;
const ids: Record<string, string> = {};
let vip: string;

/** Sends text as a person and resolves once the runtime handled it. */
function say(fromId: string, text: string): Promise<void> {
  const done = new Promise<void>((resolve) => {
    const off = runtime.onHandled((message) => {
      if (message.text !== text) return;
      off();
      resolve();
    });
  });
  return control.sendMessage(fromId, { type: "user", id: ids.olivia }, text).then(() => done);
}

beforeAll(async () => {
  emu = await startEmulator();
  control = new ControlClient(emu.controlUrl);
  for (const name of ["olivia", "gus", "alice", "bob", "dave"]) ids[name] = (await control.createUser({ firstName: name, username: `${name}_person` })).id;
  vip = (
    await control.createChat({
      type: "supergroup",
      title: "VIP",
      username: "vipclub",
      creatorId: ids.gus,
      members: ["olivia", "alice", "bob"].map((name) => ({ userId: ids[name], role: "member" as const })),
    })
  ).id;
  dir = mkdtempSync(join(tmpdir(), "access-runtime-"));
  writeFileSync(join(dir, "server.pem"), emu.rsaPublicKey);
  const store = new SessionStore(join(dir, "sessions"));
  store.save("default", await preSharedSession(emu, Number(ids.olivia)));
  const config = parseConfig({
    TELEGRAM_API_ID: "12345",
    TELEGRAM_API_HASH: "5f2c0a9e1d7b4c3a8e6f0b1d2c3e4f5a",
    TELEGRAM_SERVER: `${emu.host}:${emu.port}`,
    TELEGRAM_SERVER_KEY: join(dir, "server.pem"),
    RATE_CHAT_PER_SECOND: "0",
    RATE_GROUP_PER_MINUTE: "0",
  });
  db = openDatabase(sessionDatabasePath(store.dir, "default"));
  runtime = await startRuntime({
    config,
    store,
    plugins: [demoPlugin, accessPlugin],
    log: createLogger({ level: "silent" }),
    extend: accessExtension(db, config.access),
    closeables: [{ close: () => void db.close() }],
  });
  const layer = accessLayerFor(runtime.client)!;
  await defineGate(runtime.client, layer.rules, layer.source, "vip", "@vipclub", passingStatuses(false));
});

afterAll(async () => {
  await runtime?.stop();
  await emu?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe("access control in the runtime", () => {
  it("gates commands before the handler, logs to the session database, and applies pushed leaves in order", async () => {
    await say(ids.alice, ".secret 1");
    expect((await control.messages("user", ids.olivia, { viewerId: ids.alice, limit: 1 }))[0]).toMatchObject({ fromId: ids.olivia, text: "the secret" });
    await say(ids.dave, ".secret 2");
    await say(ids.bob, ".secret 3");
    const calls = (await control.stats()).rpc["channels.getParticipant"];
    await control.setMember(vip, ids.bob, "left");
    await say(ids.bob, ".secret 4");
    expect((await control.stats()).rpc["channels.getParticipant"]).toBe(calls);
    accessLayerFor(runtime.client)!.accessLog.flush();
    expect(db.prepare("SELECT user_id AS user, outcome, reason FROM access_log ORDER BY id").all()).toEqual([
      { user: ids.alice, outcome: "allow", reason: "gate vip: member in @vipclub" },
      { user: ids.dave, outcome: "deny", reason: "gate vip: none in @vipclub" },
      { user: ids.bob, outcome: "allow", reason: "gate vip: member in @vipclub" },
      { user: ids.bob, outcome: "deny", reason: "gate vip: left in @vipclub" },
    ]);
  });
});
