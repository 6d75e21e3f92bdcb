/**
 * Bot mode across a restart, composed as `npm start` runs it (startUserbot over sessions/NAME.db): a
 * restriction made in the gate group while the bot was stopped reaches the membership cache saved in the
 * session database through updates.getDifference at the next start (updateChannelParticipant is numbered
 * in the bot's qts sequence), so the person is refused from the cache, without asking Telegram again, and
 * the saved update state holds the account's qts.
 */

import { currentQts } from "@tg-toolkit/emulator/model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineGate } from "../../src/access/admin.js";
import { accessLayerFor } from "../../src/access/layer.js";
import { passingStatuses } from "../../src/access/rules.js";
import { startUserbot } from "../../src/app/userbot.js";
import accessPlugin from "../../src/plugins/access.js";
import type { Runtime } from "../../src/runtime/index.js";
import { openDatabase, sessionDatabasePath } from "../../src/store/database.js";
import type { SessionStore } from "../../src/telegram/sessionStore.js";
import { UpdateStateStore } from "../../src/updates/stateStore.js";
import { seedClub } from "../kit/club.js";
import { captureLog } from "../kit/log.js";
import { say, startWorld, type World } from "../kit/world.js";
import { demoPlugin } from "./harness.js";

let world: World;
let store: SessionStore;
let ids: Record<string, string>;
let vip: string;
let botToken: string;
const running: Runtime[] = [];
const sessionName = () => `bot-${ids.bot}`;
const dm = () => ({ type: "user" as const, id: ids.bot });

beforeAll(async () => {
  world = await startWorld();
  const club = await seedClub(world.control, {
    people: ["gus", "alice", "bob"],
    bot: { firstName: "Keeper", username: "keeper_bot", role: "admin" },
    members: { alice: "member", bob: "member" },
  });
  ({ ids, id: vip } = club);
  botToken = club.botToken!;
  store = world.store();
});

afterAll(async () => {
  await Promise.all(running.map((runtime) => runtime.stop()));
  await world?.stop();
});

/** Starts the bot as `npm start` does, on the same session store and database each time. */
async function start(): Promise<Runtime> {
  const runtime = await startUserbot({
    config: world.config({ TELEGRAM_BOT_TOKEN: botToken }),
    store,
    sessionName: sessionName(),
    plugins: [demoPlugin, accessPlugin],
    log: captureLog().log,
  });
  running.push(runtime);
  await runtime.caughtUp;
  return runtime;
}

const lookups = async () => (await world.control.stats()).rpc["channels.getParticipant"] ?? 0;

describe("gated bot, admin of the gate group, stopped and started again", () => {
  it("refuses at the next start a member restricted while it was stopped, from the update getDifference brought", async () => {
    let runtime = await start();
    const layer = accessLayerFor(runtime.client)!;
    await defineGate(runtime.client, layer.rules, layer.source, "vip", "@vipclub", passingStatuses(false));
    await say(world, runtime, ids.alice, dm(), "/secret 1");
    await say(world, runtime, ids.bob, dm(), "/secret 2");
    expect(layer.membership.cached(`-100${vip}`, ids.alice)).toBe("member");
    await runtime.stop();

    await world.control.setMember(vip, ids.alice, "restricted");
    await world.control.setMember(vip, ids.bob, "admin");
    const before = { lookups: await lookups(), differences: (await world.control.stats()).rpc["updates.getDifference"] ?? 0 };
    runtime = await start();
    expect((await world.control.stats()).rpc["updates.getDifference"]).toBeGreaterThan(before.differences);
    const cache = accessLayerFor(runtime.client)!.membership;
    expect([cache.cached(`-100${vip}`, ids.alice), cache.cached(`-100${vip}`, ids.bob)]).toEqual(["restricted", "admin"]);
    await say(world, runtime, ids.alice, dm(), "/secret 3");
    await say(world, runtime, ids.bob, dm(), "/secret 4");
    expect(await lookups()).toBe(before.lookups);
    await runtime.stop();

    const db = openDatabase(sessionDatabasePath(store.dir, sessionName()));
    try {
      const saved = new UpdateStateStore(db).load().common;
      expect(saved?.qts).toBe(currentQts(world.emu.model, Number(ids.bot)));
      expect(saved?.qts).toBe(2);
      const reasons = db.prepare("SELECT user_id AS user, outcome, reason FROM access_log ORDER BY id").all();
      expect(reasons.slice(-2)).toEqual([
        { user: ids.alice, outcome: "deny", reason: "gate vip: restricted in @vipclub" },
        { user: ids.bob, outcome: "allow", reason: "gate vip: admin in @vipclub" },
      ]);
    } finally {
      db.close();
    }
  });
});
