/**
 * Acceptance, stopped: 20,000 messages sent across private chats, a basic group and three channels while
 * the userbot is stopped are all handled after it starts, marked caught up, in order per chat, then live
 * traffic goes on. The channel gaps are far past what getChannelDifference replays to a user (100), so they
 * follow the tooLong policy (history, the default) and the log says so.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { captureLog } from "../kit/log.js";
import { signedInStore, startWorld, type World } from "../kit/world.js";
import { type Cast, createCast, postNth, Recorder, startRecorded } from "./e2e.js";

const MISSED = 20_000;

let world: World;
let cast: Cast;

beforeAll(async () => {
  world = await startWorld();
  cast = await createCast(world, "9996621804");
});

afterAll(async () => {
  await world?.stop();
});

it("hands on 20,000 messages sent while stopped, in order per chat, then goes on live", { timeout: 150_000 }, async () => {
  const store = await signedInStore(world, cast.owner.id);
  const first = await startRecorded(world, store, new Recorder(), captureLog().log);
  await first.caughtUp;
  await first.stop();
  for (let n = 0; n < MISSED; n += 1) postNth(world, cast, n);

  const recorder = new Recorder();
  const capture = captureLog({ level: "info" });
  const started = performance.now();
  const runtime = await startRecorded(world, store, recorder, capture.log);
  await recorder.untilHandled(MISSED, 120_000);
  const seconds = (performance.now() - started) / 1000;
  await runtime.caughtUp;
  postNth(world, cast, MISSED);
  await recorder.untilHandled(MISSED + 1);
  await runtime.stop();

  expect(recorder.handled).toHaveLength(MISSED + 1);
  expect(recorder.duplicates()).toEqual([]);
  expect(recorder.outOfOrder()).toEqual([]);
  expect(recorder.handled.slice(0, MISSED).every((message) => message.isCatchUp)).toBe(true);
  expect(recorder.handled[MISSED].isCatchUp).toBe(false);
  expect(recorder.perChat().size).toBe(cast.chats.length);
  const logged = capture.entries().filter((entry) => entry.module === "updates");
  const recovered = logged.filter((entry) => entry.msg === "channel difference too long: recovering the missed messages from its history");
  expect(recovered.map((entry) => entry.chat).sort()).toEqual(
    cast.chats
      .filter((chat) => chat.peer.type === "channel")
      .map((chat) => chat.chatId)
      .sort(),
  );
  expect(logged).toContainEqual(expect.objectContaining({ msg: "caught up", reason: "start", messages: MISSED }));
  console.info(`stopped: ${MISSED} missed messages handled in ${seconds.toFixed(1)} s from start (${Math.round(MISSED / seconds)}/s)`);
});
