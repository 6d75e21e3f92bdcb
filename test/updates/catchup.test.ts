/**
 * Catch-up end to end against the emulator over TCP, at a size that runs in seconds: a first start handles
 * only new messages; a restart hands on what was sent while stopped (private chats, a basic group,
 * channels), in order per chat and marked caught up, a channel gap past the tooLong limit following the
 * configured policy and saying so in the log; catch-up off; a bot catching up channel differences; and a
 * dropped connection in the middle of traffic.
 */

import { postMessage } from "@tg-toolkit/emulator/model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../src/runtime/index.js";
import type { SessionStore } from "../../src/telegram/sessionStore.js";
import { captureLog } from "../kit/log.js";
import { signedInStore, startWorld, type World } from "../kit/world.js";
import { type Cast, createCast, postNth, Recorder, startRecorded } from "./e2e.js";

let world: World;
let cast: Cast;
const running: Runtime[] = [];

beforeAll(async () => {
  world = await startWorld();
  cast = await createCast(world, "9996621801", 3);
});

afterAll(async () => {
  await Promise.all(running.map((runtime) => runtime.stop()));
  await world?.stop();
});

/** Runs the runtime once on the store (a first start for a new one) and stops it. */
async function runOnce(store: SessionStore, env = {}): Promise<void> {
  const runtime = await startRecorded(world, store, new Recorder(), captureLog().log, env);
  await runtime.caughtUp;
  await runtime.stop();
}

/** The log lines of the update manager. */
const updatesLog = (capture: ReturnType<typeof captureLog>) => capture.entries().filter((entry) => entry.module === "updates");

describe("catch-up at start", () => {
  it("a first start handles only new messages; a restart hands on, in order and marked caught up, all that was sent while stopped", async () => {
    const store = await signedInStore(world, cast.owner.id);
    for (let n = 0; n < 20; n += 1) postNth(world, cast, n);
    const first = new Recorder();
    const capture = captureLog();
    let runtime = await startRecorded(world, store, first, capture.log);
    running.push(runtime);
    postNth(world, cast, 20);
    await first.untilHandled(1);
    await runtime.stop();
    expect(first.handled.map((message) => [message.text, message.isCatchUp])).toEqual([["message 20", false]]);
    expect(updatesLog(capture)).toContainEqual(expect.objectContaining({ msg: "first start: recorded the update state; only new messages will be handled" }));

    const missed = 1000;
    for (let n = 0; n < missed; n += 1) postNth(world, cast, n);
    const second = new Recorder();
    const restart = captureLog();
    runtime = await startRecorded(world, store, second, restart.log);
    running.push(runtime);
    await second.untilHandled(missed);
    postNth(world, cast, missed);
    await second.untilHandled(missed + 1);
    await runtime.stop();
    expect(second.handled).toHaveLength(missed + 1);
    expect(second.duplicates()).toEqual([]);
    expect(second.outOfOrder()).toEqual([]);
    expect(second.handled.slice(0, missed).every((message) => message.isCatchUp)).toBe(true);
    expect(second.handled[missed]).toMatchObject({ text: `message ${missed}`, isCatchUp: false });
    expect(new Set(second.handled.map((message) => message.chatId))).toEqual(new Set(cast.chats.map((chat) => chat.chatId)));
    const lines = updatesLog(restart);
    expect(lines).toContainEqual(expect.objectContaining({ msg: "channel difference too long: recovering the missed messages from its history" }));
    expect(lines).toContainEqual(expect.objectContaining({ msg: "caught up", reason: "start", messages: missed }));
  });

  it("with CATCH_UP_TOO_LONG=skip, a channel gap past the limit is skipped and logged, the other chats still caught up", async () => {
    const store = await signedInStore(world, cast.owner.id);
    await runOnce(store);
    const channel = cast.chats.at(-1)!;
    for (let n = 0; n < 150; n += 1) postNth(world, cast, n, [channel]);
    const direct = cast.chats[0];
    for (let n = 0; n < 10; n += 1) postNth(world, cast, n, [direct]);
    const recorder = new Recorder();
    const capture = captureLog();
    const runtime = await startRecorded(world, store, recorder, capture.log, { CATCH_UP_TOO_LONG: "skip" });
    running.push(runtime);
    await runtime.caughtUp;
    postNth(world, cast, 150, [channel]);
    await recorder.untilHandled(11);
    await runtime.stop();
    expect(recorder.perChat()).toEqual(
      new Map([
        [direct.chatId, 10],
        [channel.chatId, 1],
      ]),
    );
    expect(updatesLog(capture)).toContainEqual(
      expect.objectContaining({ msg: "channel difference too long: skipped to the current state", chat: channel.chatId, reason: "CATCH_UP_TOO_LONG=skip" }),
    );
  });

  it("with CATCH_UP=off, a restart says what it skipped and handles only new messages", async () => {
    const store = await signedInStore(world, cast.owner.id);
    await runOnce(store);
    for (let n = 0; n < 30; n += 1) postNth(world, cast, n);
    const recorder = new Recorder();
    const capture = captureLog();
    const runtime = await startRecorded(world, store, recorder, capture.log, { CATCH_UP: "off" });
    running.push(runtime);
    postNth(world, cast, 30, [cast.chats[0]]);
    await recorder.untilHandled(1);
    await runtime.stop();
    expect(recorder.handled.map((message) => message.text)).toEqual(["message 30"]);
    expect(updatesLog(capture)).toContainEqual(expect.objectContaining({ msg: "catch-up is off (CATCH_UP=off): updates since the last run were not handled" }));
  });

  it("a bot catches up a supergroup from its channel difference (larger slices, no tooLong) and its private chats", async () => {
    const bot = await world.control.createUser({ firstName: "Catcher", username: "catcher_bot", bot: true });
    const person = cast.people[0].id;
    const group = await world.control.createChat({
      type: "supergroup",
      title: "Bots",
      creatorId: cast.owner.id,
      members: [
        { userId: person, role: "member" },
        { userId: bot.id, role: "admin" },
      ],
    });
    const post = (peer: { type: "user" | "channel"; id: string }, text: string) =>
      postMessage(world.emu.model, Number(person), { type: peer.type, id: Number(peer.id) }, { text });
    const store = world.store();
    const env = { TELEGRAM_BOT_TOKEN: bot.botToken };
    const sessionName = `bot-${bot.id}`;
    const first = new Recorder();
    let runtime = await startRecorded(world, store, first, captureLog().log, env, sessionName);
    running.push(runtime);
    post({ type: "user", id: bot.id }, "hello bot");
    post({ type: "channel", id: group.id }, "seen live");
    await first.untilHandled(2);
    await runtime.stop();

    for (let n = 0; n < 250; n += 1) post({ type: "channel", id: group.id }, `bot message ${n}`);
    post({ type: "user", id: bot.id }, "hello again");
    const recorder = new Recorder();
    const capture = captureLog();
    runtime = await startRecorded(world, store, recorder, capture.log, env, sessionName);
    running.push(runtime);
    await recorder.untilHandled(251);
    await runtime.stop();
    expect(recorder.handled.map((message) => message.text)).toEqual(["hello again", ...Array.from({ length: 250 }, (_, n) => `bot message ${n}`)]);
    expect(recorder.handled.every((message) => message.isCatchUp && message.mode === "bot")).toBe(true);
    expect(updatesLog(capture).filter((entry) => String(entry.msg).includes("too long"))).toEqual([]);
  });
});

describe("while running", () => {
  it("fills the gap of a dropped connection: messages sent while it was down are handled once, in order", async () => {
    const store = await signedInStore(world, cast.owner.id);
    const recorder = new Recorder();
    const runtime = await startRecorded(world, store, recorder, captureLog().log);
    running.push(runtime);
    await runtime.caughtUp;
    let sent = 0;
    for (let round = 0; round < 3; round += 1) {
      for (let n = 0; n < 100; n += 1) postNth(world, cast, sent++);
      await world.control.disconnect();
      for (let n = 0; n < 100; n += 1) postNth(world, cast, sent++);
      await recorder.untilHandled(sent);
    }
    await runtime.stop();
    expect(recorder.handled).toHaveLength(sent);
    expect(recorder.duplicates()).toEqual([]);
    expect(recorder.outOfOrder()).toEqual([]);
    expect(recorder.handled.some((message) => message.isCatchUp)).toBe(true);
  });
});
