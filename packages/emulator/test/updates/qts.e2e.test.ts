/**
 * The emulator's qts sequence seen by real GramJS clients over TCP: a bot admin of a megagroup gets
 * updateChannelParticipant numbered 1, 2, 3 as people join and leave through the control API, getState
 * reports the qts, a bot that was offline gets what it missed from updates.getDifference after its qts (in
 * order among its missed messages, also in slices), and a person blocking the bot sends updateBotStopped.
 */
import { Api, type TelegramClient } from "telegram";
import { Raw } from "telegram/events/index.js";
import { LogLevel } from "telegram/extensions/Logger.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorClient } from "../../src/client.js";
import { ControlClient } from "../../src/controlClient.js";
import { type Emulator, startEmulator } from "../../src/index.js";

let emu: Emulator;
let control: ControlClient;
const ids: Record<string, string> = {};
let club: string;
const clients: TelegramClient[] = [];

/** A connected GramJS client signed in as the user, collecting the qts-numbered updates pushed to it. */
async function connect(userId: string): Promise<{ client: TelegramClient; inbox: Inbox }> {
  const client = await emulatorClient(emu, { preSharedKey: true, signedInAs: Number(userId), logLevel: LogLevel.NONE });
  clients.push(client);
  const inbox = new Inbox();
  client.addEventHandler((update: unknown) => inbox.take(update), new Raw({}));
  await client.connect();
  return { client, inbox };
}

type Numbered = Api.UpdateChannelParticipant | Api.UpdateChatParticipant | Api.UpdateBotStopped;

/** The qts-numbered updates a client received, in arrival order. */
class Inbox {
  readonly updates: Numbered[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];

  take(update: unknown): void {
    if (!(update instanceof Api.UpdateChannelParticipant || update instanceof Api.UpdateChatParticipant || update instanceof Api.UpdateBotStopped)) return;
    this.updates.push(update);
    const ready = this.waiters.filter((w) => this.updates.length >= w.count);
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const waiter of ready) waiter.resolve();
  }

  /** Resolves once `count` updates arrived in all; rejects after 10 s. */
  until(count: number): Promise<Numbered[]> {
    if (this.updates.length >= count) return Promise.resolve(this.updates);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`received ${this.updates.length} of ${count} qts updates`)), 10_000);
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.updates);
        },
      });
    });
  }
}

const summary = (u: Numbered) => [u.qts, u.userId.toString(), u instanceof Api.UpdateBotStopped ? u.stopped : u.newParticipant?.className];

beforeAll(async () => {
  emu = await startEmulator();
  control = new ControlClient(emu.controlUrl);
  for (const name of ["owner", "alice", "bob", "carol", "dave"]) ids[name] = (await control.createUser({ firstName: name, username: `${name}_person` })).id;
  ids.bot = (await control.createUser({ firstName: "Warden", username: "warden_bot", bot: true })).id;
  club = (await control.createChat({ type: "supergroup", title: "Club", creatorId: ids.owner, members: [{ userId: ids.bot, role: "admin" }] })).id;
});

afterAll(async () => {
  for (const client of clients.splice(0)) await client.destroy();
  await emu?.stop();
});

/** Disconnects a client for good. */
async function close(client: TelegramClient): Promise<void> {
  clients.splice(clients.indexOf(client), 1);
  await client.destroy();
}

describe("qts over TCP", () => {
  it("numbers a bot admin's updateChannelParticipant 1, 2, 3 as people join and leave; getState reports the qts", async () => {
    const { client, inbox } = await connect(ids.bot);
    expect((await client.invoke(new Api.updates.GetState())).qts).toBe(0);
    await control.setMember(club, ids.alice, "member");
    await control.setMember(club, ids.bob, "member");
    await control.setMember(club, ids.alice, "left");
    const received = await inbox.until(3);
    expect(received.map(summary)).toEqual([
      [1, ids.alice, "ChannelParticipant"],
      [2, ids.bob, "ChannelParticipant"],
      [3, ids.alice, undefined],
    ]);
    expect(received.every((u) => u instanceof Api.UpdateChannelParticipant && u.channelId.toString() === club)).toBe(true);
    expect((await client.invoke(new Api.updates.GetState())).qts).toBe(3);
    await close(client);
  });

  it("replays to a bot that was offline what it missed after its qts, in order among its missed messages, whole or in slices", async () => {
    const { client: first } = await connect(ids.bot);
    const before = await first.invoke(new Api.updates.GetState());
    await close(first);
    await control.setMember(club, ids.carol, "member");
    await control.sendMessage(ids.dave, { type: "user", id: ids.bot }, "hello bot");
    await control.setMember(club, ids.bob, "restricted");

    const { client } = await connect(ids.bot);
    const from = { pts: before.pts, qts: before.qts, date: before.date };
    const whole = await client.invoke(new Api.updates.GetDifference(from));
    if (!(whole instanceof Api.updates.Difference)) throw new Error(`expected a whole difference, got ${whole.className}`);
    expect(whole.newMessages.map((m) => (m as Api.Message).message)).toEqual(["hello bot"]);
    // The club logged its own events meanwhile: getDifference names it (updateChannelTooLong) after the qts updates.
    const channelTooLong = whole.otherUpdates.filter((u) => u instanceof Api.UpdateChannelTooLong);
    expect(channelTooLong.map((u) => u.channelId.toString())).toEqual([club]);
    expect((whole.otherUpdates.filter((u) => !channelTooLong.includes(u as Api.UpdateChannelTooLong)) as Numbered[]).map(summary)).toEqual([
      [before.qts + 1, ids.carol, "ChannelParticipant"],
      [before.qts + 2, ids.bob, "ChannelParticipantBanned"],
    ]);
    expect([whole.state.pts, whole.state.qts]).toEqual([before.pts + 1, before.qts + 2]);
    expect(whole.users.map((u) => u.id.toString())).toEqual(expect.arrayContaining([ids.carol, ids.bob, ids.dave]));
    expect(whole.chats.map((c) => c.id.toString())).toContain(club);

    await control.setLimits({ differenceSlice: 1 });
    try {
      const steps: [string, number, number][] = [];
      let state = from;
      for (let guard = 0; guard < 5; guard++) {
        const d = await client.invoke(new Api.updates.GetDifference(state));
        if (!(d instanceof Api.updates.Difference || d instanceof Api.updates.DifferenceSlice)) throw new Error(`unexpected ${d.className}`);
        const next = d instanceof Api.updates.Difference ? d.state : d.intermediateState;
        const what = d.newMessages.length > 0 ? (d.newMessages[0] as Api.Message).message : `qts +${(d.otherUpdates[0] as Numbered).qts - before.qts}`;
        steps.push([what, next.pts - before.pts, next.qts - before.qts]);
        state = { pts: next.pts, qts: next.qts, date: next.date };
        if (d instanceof Api.updates.Difference) break;
      }
      expect(steps).toEqual([
        ["qts +1", 0, 1],
        ["hello bot", 1, 1],
        ["qts +2", 1, 2],
      ]);
    } finally {
      await control.setLimits({ differenceSlice: 1000 });
    }
    const upToDate = await client.invoke(new Api.updates.GetDifference({ pts: before.pts + 1, qts: before.qts + 2, date: whole.state.date + 1 }));
    expect(upToDate).toBeInstanceOf(Api.updates.DifferenceEmpty);
  });

  it("sends updateBotStopped, numbered, when a person blocks and unblocks the bot", async () => {
    const { client: bot, inbox } = await connect(ids.bot);
    const { qts } = await bot.invoke(new Api.updates.GetState());
    const { client: dave } = await connect(ids.dave);
    const resolved = await dave.invoke(new Api.contacts.ResolveUsername({ username: "warden_bot" }));
    const warden = resolved.users[0] as Api.User;
    const peer = new Api.InputPeerUser({ userId: warden.id, accessHash: warden.accessHash! });
    expect(await dave.invoke(new Api.contacts.Block({ id: peer }))).toBe(true);
    expect(await dave.invoke(new Api.contacts.Unblock({ id: peer }))).toBe(true);
    expect((await inbox.until(2)).map(summary)).toEqual([
      [qts + 1, ids.dave, true],
      [qts + 2, ids.dave, false],
    ]);
  });
});
