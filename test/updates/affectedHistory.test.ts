/**
 * Calls on a supergroup's whole history (messages.readMentions, messages.unpinAllMessages) end to end:
 * the runtime over real GramJS and TCP against the emulator, which answers them with the supergroup's pts
 * (messages.affectedHistory). Charged to the account's common box (issue 12, item 1), readMentions shadowed
 * the private message whose pts it matched (dropped as a duplicate) and unpinAllMessages opened a common-box
 * gap no difference fills (getDifference every GAP_WAIT_MS without end). Here the private messages that
 * follow are all handled and getDifference is called at most once.
 */
import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../src/runtime/index.js";
import { captureLog } from "../kit/log.js";
import { signedInStore, startWorld, type World } from "../kit/world.js";
import { Recorder, startRecorded } from "./e2e.js";

let world: World;
let owner: { id: string };
let alice: { id: string };
let team: { id: string };
let runtime: Runtime;
const recorder = new Recorder();

beforeAll(async () => {
  world = await startWorld();
  const { control } = world;
  owner = await control.createUser({ firstName: "Olivia", phone: "9996621811", username: "olivia_team" });
  alice = await control.createUser({ firstName: "Alice" });
  team = await control.createChat({ type: "supergroup", title: "Team", creatorId: owner.id, members: [{ userId: alice.id, role: "member" }] });
  runtime = await startRecorded(world, await signedInStore(world, owner.id), recorder, captureLog().log);
  await runtime.caughtUp;
});

afterAll(async () => {
  await runtime?.stop();
  await world?.stop();
});

const model = () => world.emu.model;
const commonPts = () => model().boxOf(Number(owner.id)).pts;
const teamPts = () => model().chats.get(Number(team.id))!.box!.pts;
const teamPeer = () =>
  new Api.InputPeerChannel({
    channelId: returnBigInt(team.id),
    accessHash: returnBigInt(model().accessHash(Number(owner.id), "channel", Number(team.id)).toString()),
  });
const getDifferences = async () => (await world.control.stats()).rpc["updates.getDifference"] ?? 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let sent = 0;
/** Alice writes to the account and to the supergroup until both boxes stand at the same pts (`ahead` more in the supergroup). */
async function alignBoxes(ahead: number): Promise<void> {
  while (commonPts() + ahead !== teamPts()) {
    if (commonPts() + ahead < teamPts()) await world.control.sendMessage(alice.id, { type: "user", id: owner.id }, `private ${++sent}`);
    else await world.control.sendMessage(alice.id, { type: "channel", id: team.id }, `in the team ${++sent}`);
  }
  await recorder.untilHandled(sent);
}

/** Alice writes `count` private messages; resolves once all were handled. */
async function privately(count: number): Promise<string[]> {
  const texts = Array.from({ length: count }, () => `private ${++sent}`);
  for (const text of texts) await world.control.sendMessage(alice.id, { type: "user", id: owner.id }, text);
  await recorder.untilHandled(sent, 5_000);
  return texts;
}

describe("a call on a supergroup's history", () => {
  it("messages.readMentions moves the supergroup's pts, so the private message of the same pts is still handled", async () => {
    await world.control.sendMessage(alice.id, { type: "channel", id: team.id }, "ping @olivia_team");
    sent += 1;
    await alignBoxes(0);
    const before = await getDifferences();
    const affected = await runtime.client.invoke(new Api.messages.ReadMentions({ peer: teamPeer() }));
    expect(affected).toMatchObject({ pts: teamPts(), ptsCount: 1 });
    expect(affected.pts).toBe(commonPts() + 1);
    const texts = await privately(3);
    expect(recorder.handled.slice(-3).map((message) => message.text)).toEqual(texts);
    await sleep(1_000);
    expect((await getDifferences()) - before).toBeLessThanOrEqual(1);
  });

  it("messages.unpinAllMessages moves the supergroup's pts: no common-box gap, no getDifference loop, every private message handled", async () => {
    for (const text of ["rules", "schedule"]) {
      const { id } = await world.control.sendMessage(alice.id, { type: "channel", id: team.id }, text);
      sent += 1;
      await runtime.client.invoke(new Api.messages.UpdatePinnedMessage({ peer: teamPeer(), id: Number(id) }));
    }
    await alignBoxes(5);
    const before = await getDifferences();
    const affected = await runtime.client.invoke(new Api.messages.UnpinAllMessages({ peer: teamPeer() }));
    expect(affected).toMatchObject({ pts: teamPts(), ptsCount: 1 });
    expect(affected.pts).toBeGreaterThan(commonPts() + 1);
    const texts = await privately(3);
    expect(recorder.handled.slice(-3).map((message) => message.text)).toEqual(texts);
    await sleep(2_000);
    expect((await getDifferences()) - before).toBeLessThanOrEqual(1);
    expect(recorder.duplicates()).toEqual([]);
  });
});
