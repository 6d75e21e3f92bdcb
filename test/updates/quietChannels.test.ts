/**
 * Catch-up with many saved channels, end to end through the runtime (real GramJS over TCP, the emulator
 * naming channels with news in getDifference as Telegram does): a reconnect with 1,000 quiet saved channels
 * costs a handful of calls (the common difference, and the one channel that had news), not one
 * getChannelDifference per channel; and a server-side pts reset while running is recovered with no
 * message lost.
 */
import { createChat, postMessage } from "@tg-toolkit/emulator/model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../src/runtime/index.js";
import { captureLog, type LogCapture, type LogEntry } from "../kit/log.js";
import { signedInStore, startWorld, type World } from "../kit/world.js";
import { Recorder, startRecorded } from "./e2e.js";

const CHANNELS = 1_000;

let world: World;
let owner: { id: string };
let alice: { id: string };
let channelIds: number[];
let runtime: Runtime;
let capture: LogCapture;
const recorder = new Recorder();

beforeAll(async () => {
  world = await startWorld();
  owner = await world.control.createUser({ firstName: "Olivia", phone: "9996621821" });
  alice = await world.control.createUser({ firstName: "Alice" });
  const model = world.emu.model;
  channelIds = Array.from(
    { length: CHANNELS },
    (_, n) =>
      createChat(model, { type: "supergroup", title: `Quiet ${n}`, creatorId: Number(alice.id), members: [{ userId: Number(owner.id), role: "member" }] }).id,
  );
  // The state the first start records is then newer than every channel's events: they are quiet.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  capture = captureLog({ level: "info" });
  runtime = await startRecorded(world, await signedInStore(world, owner.id), recorder, capture.log);
  await runtime.caughtUp;
}, 60_000);

afterAll(async () => {
  await runtime?.stop();
  await world?.stop();
});

/** The first log entry written from now on that matches. */
function nextEntry(match: (entry: LogEntry) => boolean) {
  const from = capture.lines.length;
  let at = 0;
  return capture.untilEntry((entry) => at++ >= from && match(entry), 30_000);
}

/** Calls served so far, by method. */
const served = async () => (await world.control.stats()).rpc;

/** What each method cost between two stats readings (methods called at all). */
function cost(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after).flatMap(([method, count]) => (count > (before[method] ?? 0) ? [[method, count - (before[method] ?? 0)]] : [])),
  );
}

describe("catch-up with 1,000 saved channels", () => {
  it("a reconnect fetches the common difference and the one channel with news, not the 999 quiet ones", async () => {
    expect(capture.entries()).toContainEqual(expect.objectContaining({ msg: expect.stringContaining("first start"), channels: CHANNELS }));
    const before = await served();
    const caughtUp = nextEntry((entry) => entry.msg === "caught up" && entry.reason === "reconnected");
    await world.control.disconnect();
    postMessage(world.emu.model, Number(alice.id), { type: "channel", id: channelIds[500] }, { text: "news in one channel" });
    const line = await caughtUp;
    await recorder.untilHandled(1);
    const calls = cost(before, await served());
    const total = Object.values(calls).reduce((sum, count) => sum + count, 0);
    console.info(`a reconnect with ${CHANNELS} saved channels, one with news: ${total} calls ${JSON.stringify(calls)}`);
    expect(recorder.handled.map((message) => message.text)).toEqual(["news in one channel"]);
    expect(line).toMatchObject({ channels: 1, messages: 1 });
    expect(calls["updates.getChannelDifference"]).toBe(1);
    expect(calls["updates.getDifference"]).toBeLessThanOrEqual(2);
    expect(total).toBeLessThanOrEqual(6);
  });

  it("a server-side pts reset while running is recovered: getState, the chats' histories, and no message lost or handled twice", async () => {
    await world.control.setPts(owner.id, 2_100_000);
    const raised = nextEntry((entry) => entry.msg === "caught up" && entry.reason === "reconnected");
    await world.control.disconnect();
    await raised;
    const reset = nextEntry((entry) => String(entry.msg).startsWith("the server reset the update state"));
    await world.control.setPts(owner.id, 1);
    await world.control.sendMessage(alice.id, { type: "user", id: owner.id }, "after the reset");
    await world.control.sendMessage(alice.id, { type: "user", id: owner.id }, "and one more");
    await reset;
    await recorder.untilHandled(3);
    expect(recorder.handled.slice(1).map((message) => message.text)).toEqual(["after the reset", "and one more"]);
    expect(recorder.duplicates()).toEqual([]);
  });
});
