/**
 * The `.audit` command in a running userbot: the owner types it in any chat, the summary lands in
 * Saved Messages, and the snapshot is kept for the next run's changes.
 */
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { setMemberRole } from "@tg-toolkit/emulator/model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteSnapshotStore } from "../../src/audit/sqliteSnapshots.js";
import { auditPlugin } from "../../src/plugins/audit.js";
import { type Runtime, startRuntime } from "../../src/runtime/index.js";
import { openDatabase } from "../../src/store/database.js";
import { captureLog } from "../kit/log.js";
import { handled, signedInStore, startWorld, type World } from "../kit/world.js";
import { buildMegagroup } from "./harness.js";

let world: World;
let runtime: Runtime;
let owner: { id: string };
let dir: string;
let team: { type: "channel"; id: string };

/** The owner sends a command from another device; resolves once the runtime handled it. */
async function send(text: string): Promise<void> {
  const done = handled(runtime, (message) => message.text === text && message.out, 60_000);
  await world.control.sendMessage(owner.id, team, text);
  await done;
}

async function savedMessages(): Promise<string[]> {
  return (await world.control.messages("user", owner.id, { viewerId: owner.id, limit: 10 })).map((m) => m.text);
}

beforeAll(async () => {
  world = await startWorld();
  dir = mkdtempSync(join(world.dir, "audit-plugin-"));
  owner = await world.control.createUser({ firstName: "Olivia", lastName: "Owner", username: "olivia_plugin" });
  const model = world.emu.model;
  model.limits.recentParticipantsCap = 300;
  const { chat } = buildMegagroup(model, model.users.get(Number(owner.id))!, { username: "plugin_group", generated: 700 });
  team = { type: "channel", id: String(chat.id) };
  const store = await signedInStore(world, owner.id);
  runtime = await startRuntime({ config: world.config(), store, plugins: [auditPlugin(() => join(dir, "audit.db"))], log: captureLog().log });
});

afterAll(async () => {
  await runtime?.stop();
  await world?.stop();
});

describe(".audit", () => {
  it("sends the summary to Saved Messages and keeps the snapshot", async () => {
    await send(".audit @plugin_group");
    const [summary] = await savedMessages();
    expect(summary).toMatch(/^Audit of @plugin_group\n\n@plugin_group · "Audit plugin_group" · megagroup -100\d+\n/);
    expect(summary).toMatch(/members {5}[\d,]+ of [\d,]+ found \(complete\)/);
    expect(summary).toContain("admins (");
    const [command] = await world.control.messages(team.type, team.id, { viewerId: owner.id, limit: 1 });
    expect(command.text).toBe("Audit of @plugin_group done: the summary is in Saved Messages.");
    const db = openDatabase(join(dir, "audit.db"));
    expect(new SqliteSnapshotStore(db).list(`-100${team.id}`)).toHaveLength(1);
    db.close();
  });

  it("reports the changes since the last audit", async () => {
    const model = world.emu.model;
    const someone = [...model.chats.get(Number(team.id))!.participants.values()].find((p) => p.role === "member" && !model.users.get(p.userId)!.deleted)!;
    setMemberRole(model, Number(team.id), someone.userId, "left");
    await send(".audit @plugin_group");
    const [summary] = await savedMessages();
    expect(summary).toMatch(/changes since #1: left 1\n/);
    expect(summary).toContain(`id ${someone.userId}: was member`);
  });

  it("answers usage, bad references and chats it cannot audit in place or in Saved Messages", async () => {
    await send(".audit");
    expect((await world.control.messages(team.type, team.id, { viewerId: owner.id, limit: 1 }))[0].text).toBe("Usage: .audit <@group | t.me link | id>");
    await send(".audit t.me/+secret");
    expect((await world.control.messages(team.type, team.id, { viewerId: owner.id, limit: 1 }))[0].text).toMatch(/is an invite link/);
    await send(".audit @olivia_plugin");
    expect((await savedMessages())[0]).toBe(
      "Audit of @olivia_plugin failed: @olivia_plugin is a person, not a group or channel: give the group or channel to audit",
    );
  });
});
