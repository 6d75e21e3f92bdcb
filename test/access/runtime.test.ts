/**
 * The access layer inside the real runtime, wired the way `npm start` wires it (startRuntime's `extend`
 * with accessExtension over the session database): the policy decides before handlers, and pushed updates
 * reach the membership cache before the next message is handled.
 */
import type { ControlClient } from "@tg-toolkit/emulator/control";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineGate } from "../../src/access/admin.js";
import { accessLayerFor } from "../../src/access/layer.js";
import { passingStatuses } from "../../src/access/rules.js";
import { accessExtension } from "../../src/access/runtime.js";
import { createLogger } from "../../src/log.js";
import accessPlugin from "../../src/plugins/access.js";
import { type Runtime, startRuntime } from "../../src/runtime/index.js";
import { type Db, openDatabase, sessionDatabasePath } from "../../src/store/database.js";
import { seedClub } from "../kit/club.js";
import { say as sayTo, signedInStore, startWorld, type World } from "../kit/world.js";
import { demoPlugin } from "./harness.js";

let world: World;
let control: ControlClient;
let runtime: Runtime;
let db: Db;
let ids: Record<string, string>;
let vip: string;

/** Sends text as a person to the account and resolves once the runtime handled it. */
async function say(fromId: string, text: string): Promise<void> {
  await sayTo(world, runtime, fromId, { type: "user", id: ids.olivia }, text);
}

beforeAll(async () => {
  world = await startWorld();
  control = world.control;
  ({ ids, id: vip } = await seedClub(control, {
    people: ["olivia", "gus", "alice", "bob", "dave"],
    members: { olivia: "member", alice: "member", bob: "member" },
  }));
  const store = await signedInStore(world, ids.olivia);
  const config = world.config();
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
  await world?.stop();
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
