/**
 * The recovery loop against the emulator over TCP, with a real message box, ledger and store: a first start
 * records the state and the dialogs' channels; a gap left open is given time, then filled from
 * updates.getDifference, while one filled in time costs no call; updateChannelTooLong fetches that channel's
 * difference at once; a catch-up fetches the common difference, then the channels it names (a quiet one
 * costs nothing) and those silent long; a channel difference past the tooLong limit is refetched from the
 * history or skipped, by policy; a failed call is retried while the box's live updates wait, a FLOOD_WAIT_30
 * waited once (on a clock that runs at once); a channel the account can no longer read is forgotten; a
 * server-side pts reset (PERSISTENT_TIMESTAMP_INVALID, a live update far below, a getState answer) is
 * recovered with no message lost. Updates are "lost" by holding back the emulator's pushes to the account;
 * the messages are real.
 */
import { type Emulator, startEmulator } from "@tg-toolkit/emulator";
import { emulatorClient } from "@tg-toolkit/emulator/client";
import { ControlClient } from "@tg-toolkit/emulator/control";
import { postMessage } from "@tg-toolkit/emulator/model";
import { Api, type TelegramClient } from "telegram";
import { LogLevel } from "telegram/extensions/Logger.js";
import { returnBigInt } from "telegram/Helpers.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/store/database.js";
import { guardContainersOnConnect } from "../../src/telegram/internals.js";
import { chatIdOf, newMessageOf } from "../../src/updates/classify.js";
import { channelAccessHashes, type Incoming, pushOf } from "../../src/updates/incoming.js";
import { Ledger } from "../../src/updates/ledger.js";
import { MessageBox } from "../../src/updates/messageBox.js";
import { type CatchUpOptions, DEFAULT_CATCH_UP } from "../../src/updates/options.js";
import { Recovery } from "../../src/updates/recovery.js";
import { Retrier, realTime, type Schedule } from "../../src/updates/retry.js";
import { UpdateStateStore } from "../../src/updates/stateStore.js";
import { captureLog } from "../kit/log.js";

let emu: Emulator;
let control: ControlClient;
let client: TelegramClient;
const ids: Record<string, string> = {};
/** The supergroup the account follows, as the account sees it (marked id) and as a sender posts to it. */
let team: { chatId: string; id: number };
const stops: (() => void)[] = [];

beforeAll(async () => {
  emu = await startEmulator();
  control = new ControlClient(emu.controlUrl);
  for (const name of ["owner", "alice"]) ids[name] = (await control.createUser({ firstName: name })).id;
  const chat = await control.createChat({ type: "supergroup", title: "Team", creatorId: ids.alice, members: [{ userId: ids.owner, role: "member" }] });
  team = { chatId: `-100${chat.id}`, id: Number(chat.id) };
  client = await emulatorClient(emu, { preSharedKey: true, signedInAs: Number(ids.owner), logLevel: LogLevel.NONE });
  // As the product's client does: the channels' differences are fetched in parallel, and one answer may be an
  // error; flood waits reach the caller instead of being slept through inside GramJS.
  guardContainersOnConnect(client);
  client.floodSleepThreshold = 0;
  await client.connect();
  // A message in each chat, so that a first start records where each chat's history stands.
  direct("hello");
  inTeam("welcome");
});

afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

afterAll(async () => {
  await client?.destroy();
  await emu?.stop();
});

/** Alice writes to the account. */
function direct(text: string): void {
  postMessage(emu.model, Number(ids.alice), { type: "user", id: Number(ids.owner) }, { text });
}

/** Alice posts in the supergroup. */
function inTeam(text: string): void {
  postMessage(emu.model, Number(ids.alice), { type: "channel", id: team.id }, { text });
}

/** Runs `post` with the emulator's pushes to the account held back; returns them (to give the box, or never). */
function heldBack(post: () => void): Api.TypeUpdates[] {
  const push = emu.model.push;
  const held: Api.TypeUpdates[] = [];
  emu.model.push = (userId, updates, except) => {
    if (userId === Number(ids.owner)) held.push(updates);
    else push(userId, updates, except);
  };
  try {
    post();
  } finally {
    emu.model.push = push;
  }
  return held;
}

const calls = async (method: string) => (await control.stats()).rpc[method] ?? 0;

/**
 * A recovery loop over a fresh message box, ledger and store, started as a first start (the current state
 * recorded). New messages handed on are listed by text, "*" marking caught-up ones.
 */
async function setup(options: { catchUp?: Partial<CatchUpOptions>; silenceMs?: number; schedule?: Schedule } = {}) {
  const messageBox = new MessageBox<Incoming>();
  const store = new UpdateStateStore(openDatabase(":memory:"));
  const { log, lines } = captureLog();
  const retry = new Retrier(log, options.schedule ?? realTime);
  const ledger = new Ledger({ store, maxAgeSeconds: 0, now: () => Math.floor(Date.now() / 1000), boxChanges: () => messageBox.boxes.takeChanges() });
  const handed: string[] = [];
  let waiters: { count: number; resolve: () => void }[] = [];
  const recovery = new Recovery({
    messageBox,
    api: client,
    store,
    log,
    retry,
    bot: false,
    catchUp: { ...DEFAULT_CATCH_UP, ...options.catchUp },
    gapWaitMs: 20,
    silenceMs: options.silenceMs ?? 60_000,
    handOn: (box, incoming) => {
      const message = newMessageOf(incoming.update)?.message;
      if (message === undefined || box === undefined || !ledger.admit(chatIdOf(message), message.id, message.date, incoming.catchUp)) return;
      handed.push(`${message.message}${incoming.catchUp ? "*" : ""}`);
      ledger.handled(chatIdOf(message), message.id);
      const ready = waiters.filter((waiter) => handed.length >= waiter.count);
      waiters = waiters.filter((waiter) => !ready.includes(waiter));
      for (const waiter of ready) waiter.resolve();
    },
    seen: (entities) => {
      for (const { chatId, accessHash } of channelAccessHashes(entities)) messageBox.boxes.noteAccessHash(chatId, accessHash);
    },
    writable: () => Promise.resolve(),
    saveSoon: () => ledger.saveSoon(),
    stats: () => ledger.stats(),
  });
  stops.push(() => {
    recovery.stop();
    retry.stop();
  });
  await recovery.recordCurrentState(undefined);
  return {
    messageBox,
    recovery,
    store,
    handed,
    logged: () => lines.map((line) => JSON.parse(line) as { msg: string; [key: string]: unknown }),
    /** Gives the box an update container as if it had come live. */
    live: (updates: Api.TypeUpdates) => recovery.follow(messageBox.process(pushOf(updates, "push", ids.owner)!)),
    /** Resolves once `count` messages were handed on. */
    handedOn: (count: number) => (handed.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve }))),
  };
}

describe("a first start", () => {
  it("records the common state and each channel among the dialogs at its pts, with the chats' newest messages", async () => {
    const { messageBox, store, logged } = await setup();
    const state = await client.invoke(new Api.updates.GetState());
    expect(store.load().common?.pts).toBe(state.pts);
    expect(messageBox.boxes.knownChannels().map((box) => box.key)).toEqual([team.chatId]);
    expect(store.load().channels).toEqual([expect.objectContaining({ chatId: team.chatId, pts: messageBox.boxes.knownChannels()[0].pts.value })]);
    expect(store.cursor(team.chatId)).toBeGreaterThan(0);
    expect(logged()).toContainEqual(expect.objectContaining({ msg: "first start: recorded the update state; only new messages will be handled", channels: 1 }));
  });
});

describe("live gaps", () => {
  it("gives a gap time to fill, then fetches the common difference: the missed messages, marked caught up", async () => {
    const { handed, live, handedOn } = await setup();
    const held = heldBack(() => ["a", "b", "c"].forEach(direct));
    expect(held).toHaveLength(3);
    const before = await calls("updates.getDifference");
    live(held[2]);
    expect(handed).toEqual([]);
    await handedOn(3);
    expect(handed).toEqual(["a*", "b*", "c*"]);
    expect(await calls("updates.getDifference")).toBe(before + 1);
  });

  it("fetches nothing for a gap filled in time", async () => {
    const { handed, live } = await setup();
    const held = heldBack(() => ["d", "e"].forEach(direct));
    const before = await calls("updates.getDifference");
    live(held[1]);
    live(held[0]);
    expect(handed).toEqual(["d", "e"]);
    expect(await calls("updates.getDifference")).toBe(before);
  });

  it("fetches a channel's difference at once on updateChannelTooLong", async () => {
    const { handed, live, handedOn } = await setup();
    heldBack(() => ["t1", "t2"].forEach(inTeam));
    const before = await calls("updates.getChannelDifference");
    live(new Api.UpdateShort({ update: new Api.UpdateChannelTooLong({ channelId: returnBigInt(team.id) }), date: 0 }));
    await handedOn(2);
    expect(handed).toEqual(["t1*", "t2*"]);
    expect(await calls("updates.getChannelDifference")).toBe(before + 1);
  });
});

describe("catch-up", () => {
  it("fetches the common difference, then the channel it names (updateChannelTooLong), and saves where they stand", async () => {
    const { recovery, messageBox, store, handed, logged } = await setup();
    const recorded = messageBox.boxes.knownChannels()[0].pts.value!;
    heldBack(() => {
      inTeam("t3");
      direct("f");
      inTeam("t4");
    });
    const before = await calls("updates.getChannelDifference");
    await recovery.catchUpAll("reconnected");
    expect(handed).toEqual(["f*", "t3*", "t4*"]);
    expect(await calls("updates.getChannelDifference")).toBe(before + 1);
    expect(logged()).toContainEqual(expect.objectContaining({ msg: "caught up", reason: "reconnected", messages: 3, channels: 1 }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.load().channels[0].pts).toBe(recorded + 2);
  });

  it("fetches no quiet channel: one getDifference, no getChannelDifference", async () => {
    // A second after the last tests' channel posts: the state recorded is newer than every channel event.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const { recovery, logged } = await setup();
    const before = { common: await calls("updates.getDifference"), channels: await calls("updates.getChannelDifference") };
    await recovery.catchUpAll("reconnected");
    expect(await calls("updates.getDifference")).toBe(before.common + 1);
    expect(await calls("updates.getChannelDifference")).toBe(before.channels);
    expect(logged()).toContainEqual(expect.objectContaining({ msg: "caught up", channels: 0 }));
  });

  it("refetches from the history the messages of a channel difference past the tooLong limit (history policy)", async () => {
    const { recovery, handed, logged } = await setup();
    heldBack(() => ["h1", "h2", "h3", "h4", "h5"].forEach(inTeam));
    await control.setLimits({ channelDifferenceTooLong: 3 });
    try {
      await recovery.catchUpAll("reconnected");
    } finally {
      await control.setLimits({ channelDifferenceTooLong: 100_000 });
    }
    expect(handed).toEqual(["h1*", "h2*", "h3*", "h4*", "h5*"]);
    expect(logged()).toContainEqual(
      expect.objectContaining({ msg: "channel difference too long: recovering the missed messages from its history", chat: team.chatId, messages: 5 }),
    );
  });

  it("skips a channel difference past the tooLong limit with the skip policy, and says what it skipped", async () => {
    const { recovery, store, handed, logged } = await setup({ catchUp: { tooLong: "skip" } });
    const cursor = store.cursor(team.chatId)!;
    heldBack(() => ["s1", "s2", "s3", "s4"].forEach(inTeam));
    await control.setLimits({ channelDifferenceTooLong: 3 });
    try {
      await recovery.catchUpAll("reconnected");
    } finally {
      await control.setLimits({ channelDifferenceTooLong: 100_000 });
    }
    expect(handed).toEqual([]);
    expect(store.cursor(team.chatId)).toBe(cursor + 4);
    expect(logged()).toContainEqual(
      expect.objectContaining({ msg: "channel difference too long: skipped to the current state", skippedMessages: 4, reason: "CATCH_UP_TOO_LONG=skip" }),
    );
  });

  it("retries a failed call after a pause; the box's live updates wait meanwhile, and what was missed comes first", async () => {
    const { recovery, handed, live, logged } = await setup();
    const held = heldBack(() => ["x", "y"].forEach(direct));
    await control.addFault({ method: "updates.getDifference", error: "INTERNAL", count: 1 });
    const catchingUp = recovery.catchUpAll("reconnected");
    live(held[1]);
    expect(handed).toEqual([]);
    await catchingUp;
    expect(handed).toEqual(["x*", "y*"]);
    expect(logged()).toContainEqual(expect.objectContaining({ msg: "could not fetch the difference; retrying", retryMs: 1000 }));
  });

  it("waits a FLOOD_WAIT_30 on a channel's difference once, 30 s (on a clock that runs at once), then fetches it again", async () => {
    const waits: number[] = [];
    const { handed, live, handedOn, logged } = await setup({
      schedule: (wake, ms) => {
        waits.push(ms);
        setImmediate(wake);
        return () => {};
      },
    });
    heldBack(() => ["w1", "w2"].forEach(inTeam));
    await control.addFault({ method: "updates.getChannelDifference", error: "FLOOD_WAIT_30", count: 1 });
    const before = await calls("updates.getChannelDifference");
    live(new Api.UpdateShort({ update: new Api.UpdateChannelTooLong({ channelId: returnBigInt(team.id) }), date: 0 }));
    await handedOn(2);
    expect(waits).toEqual([30_000]);
    expect(handed).toEqual(["w1*", "w2*"]);
    expect(await calls("updates.getChannelDifference")).toBe(before + 2);
    expect(logged().filter((line) => line.msg.startsWith("flood wait"))).toEqual([expect.objectContaining({ seconds: 30 })]);
  });

  it("forgets a channel the account can no longer read", async () => {
    const gone = await control.createChat({ type: "supergroup", title: "Gone", creatorId: ids.alice, members: [{ userId: ids.owner, role: "member" }] });
    postMessage(emu.model, Number(ids.alice), { type: "channel", id: Number(gone.id) }, { text: "soon gone" });
    const { recovery, messageBox, store, logged } = await setup({ silenceMs: 50 });
    expect(messageBox.boxes.knownChannels().map((box) => box.key)).toContain(`-100${gone.id}`);
    await control.setMember(gone.id, ids.owner, "kicked");
    // getDifference names no channel the account is not in: the silence is what makes a catch-up fetch it.
    await new Promise((resolve) => setTimeout(resolve, 60));
    await recovery.catchUpAll("reconnected");
    expect(messageBox.boxes.knownChannels().map((box) => box.key)).toEqual([team.chatId]);
    expect(store.load().channels.map((channel) => channel.chatId)).toEqual([team.chatId]);
    expect(logged()).toContainEqual(expect.objectContaining({ msg: "no longer in the channel: stopped following its updates", chat: `-100${gone.id}` }));
  });
});

describe("a server-side reset of the common pts", () => {
  it("PERSISTENT_TIMESTAMP_INVALID: gets the state, recovers the missed messages from the histories, goes on from there", async () => {
    const { recovery, messageBox, handed, live, handedOn, logged } = await setup();
    await control.setPts(ids.owner, 1);
    heldBack(() => ["r1", "r2"].forEach(direct));
    await recovery.catchUpAll("reconnected");
    expect(handed).toEqual(["r1*", "r2*"]);
    const state = await client.invoke(new Api.updates.GetState());
    expect(messageBox.differenceRequest()).toEqual({ pts: state.pts, qts: state.qts, seq: state.seq, date: expect.any(Number) });
    expect(logged()).toContainEqual(
      expect.objectContaining({
        msg: expect.stringContaining("the server reset the update state"),
        why: "updates.getDifference answered PERSISTENT_TIMESTAMP_INVALID",
      }),
    );
    const [next] = heldBack(() => direct("r3"));
    live(next);
    await handedOn(3);
    expect(handed).toEqual(["r1*", "r2*", "r3"]);
  });

  it("a live update far below the saved pts (past the margin) is a reset: nothing is lost, nothing handled twice", async () => {
    const { recovery, handed, live, handedOn, logged } = await setup();
    await control.setPts(ids.owner, 2_100_000);
    await recovery.catchUpAll("reconnected");
    await control.setPts(ids.owner, 1);
    const [first] = heldBack(() => direct("d1"));
    live(first);
    await handedOn(1);
    const [second] = heldBack(() => direct("d2"));
    live(second);
    await handedOn(2);
    // d1 comes from the chat's history; d2, live, or from the difference that follows the reset if it was posted meanwhile.
    expect(handed.map((text) => text.replace("*", ""))).toEqual(["d1", "d2"]);
    expect(handed[0]).toBe("d1*");
    expect(logged()).toContainEqual(expect.objectContaining({ why: expect.stringContaining("below the saved one"), msg: expect.stringContaining("reset") }));
  });

  it("POST /faults PERSISTENT_TIMESTAMP_INVALID on getDifference: the same recovery, logged", async () => {
    const { recovery, handed, logged } = await setup();
    heldBack(() => direct("p1"));
    await control.addFault({ method: "updates.getDifference", error: "PERSISTENT_TIMESTAMP_INVALID", count: 1 });
    await recovery.catchUpAll("reconnected");
    expect(handed).toEqual(["p1*"]);
    expect(logged().filter((line) => line.why === "updates.getDifference answered PERSISTENT_TIMESTAMP_INVALID")).toHaveLength(1);
  });

  it("the periodic getState check fetches what its answer shows is missing", async () => {
    const { recovery, handed, handedOn } = await setup();
    heldBack(() => direct("s1"));
    recovery.checkState(await client.invoke(new Api.updates.GetState()));
    await handedOn(1);
    expect(handed).toEqual(["s1*"]);
  });
});
