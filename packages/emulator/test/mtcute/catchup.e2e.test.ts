/**
 * mtcute 0.30.3 catching up with what it missed: after the emulator drops its connection (control
 * API POST /disconnect) and after a restart from its saved sqlite storage. No message is lost or
 * dispatched twice, and the pts gaps in its log are the ones the drop explains.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStorage } from "@mtcute/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ControlClient } from "../../src/controlClient.js";
import { type Emulator, startEmulator } from "../../src/index.js";
import { Inbox } from "./inbox.js";
import { type MtcuteHandle, mtcuteClient, ptsGaps } from "./kit.js";

let emu: Emulator;
let control: ControlClient;
let dir: string;
const running: MtcuteHandle[] = [];

beforeAll(async () => {
  emu = await startEmulator();
  control = new ControlClient(emu.controlUrl);
  dir = mkdtempSync(join(tmpdir(), "mtcute-"));
});
afterAll(async () => {
  for (const c of running) await c.tg.destroy();
  await emu.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function start(handle: MtcuteHandle, phone: string): Promise<MtcuteHandle> {
  running.push(handle);
  await handle.tg.start({ phone, code: async () => (await control.loginCode(phone)).code });
  await handle.updatesRunning;
  return handle;
}

/** Resolves when the client is connected again after `mark` (an index into its state events). */
function connectedAgain(handle: MtcuteHandle): Promise<void> {
  return new Promise((resolve) => {
    let dropped = false;
    const listener = (state: string) => {
      if (state === "connecting" || state === "offline") dropped = true;
      else if (state === "connected" && dropped) {
        handle.tg.onConnectionState.remove(listener);
        resolve();
      }
    };
    handle.tg.onConnectionState.add(listener);
  });
}

describe("mtcute 0.30.3 catch-up against the emulator", () => {
  let peerId: string;
  let group: { id: string };

  beforeAll(async () => {
    peerId = (await control.createUser({ firstName: "Paul", username: "paul_cu", phone: "9996622002" })).id;
  });

  it("loses nothing when the emulator drops its connection: the next update shows each gap, a difference fills it", async () => {
    const meId = (await control.createUser({ firstName: "Dora", phone: "9996622001" })).id;
    const members = [{ userId: meId, role: "member" as const }];
    group = await control.createChat({ type: "group", title: "Drop", creatorId: peerId, members });
    const mega = await control.createChat({ type: "supergroup", title: "Drop mega", creatorId: peerId, members });
    const me = await start(mtcuteClient(emu), "9996622001");
    const inbox = new Inbox(me.tg);
    await control.sendMessage(peerId, { type: "user", id: meId }, "before the drop");
    await control.sendMessage(peerId, { type: "channel", id: mega.id }, "mega before the drop");
    await inbox.text("before the drop");
    await inbox.text("mega before the drop");

    const back = connectedAgain(me);
    const mark = me.log.length;
    await control.disconnect();
    const missed: string[] = [];
    for (let i = 0; i < 10; i++) {
      missed.push(`private ${i}`, `group ${i}`, `mega ${i}`);
      await control.sendMessage(peerId, { type: "user", id: meId }, `private ${i}`);
      await control.sendMessage(peerId, { type: "chat", id: group.id }, `group ${i}`);
      await control.sendMessage(peerId, { type: "channel", id: mega.id }, `mega ${i}`);
    }
    await back;
    // Its first call after the reconnect: the result's pts is past the missed ones. The megagroup's
    // next message shows its own gap if any of its pushes was lost (getChannelDifference fills it).
    await me.tg.sendText("paul_cu", "I am back");
    await control.sendMessage(peerId, { type: "channel", id: mega.id }, "mega after the drop");
    for (const text of [...missed, "mega after the drop"]) await inbox.text(text);
    for (const text of ["before the drop", "mega before the drop", ...missed, "mega after the drop"]) expect(inbox.count(text), text).toBe(1);
    // Gaps only after the drop, each followed by a difference that filled it.
    expect(ptsGaps(me.log.slice(0, mark))).toEqual([]);
    expect(me.log.slice(mark).some((line) => /fetching difference|getDifference/.test(line))).toBe(true);
  }, 60_000);

  it("loses nothing across a restart from its saved storage (catchUp)", async () => {
    const meId = (await control.createUser({ firstName: "Rita", phone: "9996622003" })).id;
    const restartGroup = await control.createChat({ type: "group", title: "Restart", creatorId: peerId, members: [{ userId: meId, role: "member" }] });
    const path = join(dir, "rita.session");
    const first = await start(mtcuteClient(emu, new SqliteStorage(path)), "9996622003");
    const firstInbox = new Inbox(first.tg);
    await control.sendMessage(peerId, { type: "user", id: meId }, "while running");
    await firstInbox.text("while running");
    await first.tg.destroy();
    running.splice(running.indexOf(first), 1);

    const missed: string[] = [];
    for (let i = 0; i < 15; i++) {
      missed.push(`stopped private ${i}`, `stopped group ${i}`);
      await control.sendMessage(peerId, { type: "user", id: meId }, `stopped private ${i}`);
      await control.sendMessage(peerId, { type: "chat", id: restartGroup.id }, `stopped group ${i}`);
    }

    const second = mtcuteClient(emu, new SqliteStorage(path), { catchUp: true });
    const inbox = new Inbox(second.tg);
    running.push(second);
    await second.tg.start({ phone: "9996622003", code: () => Promise.reject(new Error("the saved session must not ask for a code")) });
    await second.updatesRunning;
    for (const text of missed) await inbox.text(text);
    for (const text of missed) expect(inbox.count(text), text).toBe(1);
    expect(inbox.count("while running")).toBe(0);
    expect(ptsGaps(second.log)).toEqual([]);
  }, 60_000);
});
