/**
 * Acceptance, connected: 10,000 messages from simulated people across private chats, a basic group and three
 * channels while the runtime runs, with POST /disconnect every 200 messages (GramJS waits a second before
 * reconnecting, so the messages sent meanwhile come back through getDifference / getChannelDifference):
 * every message handled exactly once, in order within each chat.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { captureLog } from "../kit/log.js";
import { signedInStore, startWorld, type World } from "../kit/world.js";
import { type Cast, createCast, postNth, Recorder, startRecorded } from "./e2e.js";

const MESSAGES = 10_000;
const DISCONNECT_EVERY = 200;
/** How far the senders may run ahead of the handlers. */
const MAX_AHEAD = 1_000;

let world: World;
let cast: Cast;

beforeAll(async () => {
  world = await startWorld();
  cast = await createCast(world, "9996621802");
});

afterAll(async () => {
  await world?.stop();
});

it("handles 10,000 messages exactly once, in order per chat, with a disconnection every 200", { timeout: 150_000 }, async () => {
  const recorder = new Recorder();
  const capture = captureLog({ level: "info" });
  const runtime = await startRecorded(world, await signedInStore(world, cast.owner.id), recorder, capture.log);
  await runtime.caughtUp;
  const started = performance.now();
  let dropped = 0;
  for (let n = 0; n < MESSAGES; n += 1) {
    postNth(world, cast, n);
    if ((n + 1) % DISCONNECT_EVERY !== 0) continue;
    dropped += (await world.control.disconnect()).dropped;
    await recorder.untilHandled(n + 1 - MAX_AHEAD, 60_000);
  }
  await recorder.untilHandled(MESSAGES, 60_000);
  const seconds = (performance.now() - started) / 1000;
  await runtime.stop();

  expect(recorder.handled).toHaveLength(MESSAGES);
  expect(recorder.duplicates()).toEqual([]);
  expect(recorder.outOfOrder()).toEqual([]);
  expect(recorder.perChat().size).toBe(cast.chats.length);
  const caughtUp = recorder.handled.filter((message) => message.isCatchUp).length;
  expect(caughtUp).toBeGreaterThan(0);
  expect(dropped).toBeGreaterThan(0);
  const reconnections = capture.entries().filter((entry) => entry.msg === "connected to Telegram").length;
  console.info(
    `flood: ${MESSAGES} messages handled once each in ${seconds.toFixed(1)} s (${Math.round(MESSAGES / seconds)}/s); ` +
      `${caughtUp} came through catch-up after ${reconnections} reconnections`,
  );
});
