/**
 * The qts path of the update intake against the emulator over TCP, a bot admin of a megagroup getting
 * updateChannelParticipant: live updates are applied in qts order; one that arrives before the update it
 * follows waits for it (no difference fetched); a lost one is fetched with updates.getDifference once the
 * gap wait ends, and everything is handed on once, in order. Updates are "lost" or "late" by holding back the
 * emulator's pushes to the bot; the model changes are real.
 */

import type { Emulator } from "@tg-toolkit/emulator";
import type { ControlClient } from "@tg-toolkit/emulator/control";
import { type Role, setMemberRole } from "@tg-toolkit/emulator/model";
import { Api, type TelegramClient } from "telegram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PeerDirectory } from "../../src/telegram/convert.js";
import { gramjsUpdateSource } from "../../src/telegram/updateSource.js";
import { type Intake, startIntake } from "../../src/updates/intake.js";
import { Watch } from "../kit/watch.js";
import { signedInClient, startWorld, type World } from "../kit/world.js";

let world: World;
let emu: Emulator;
let control: ControlClient;
let client: TelegramClient;
let intake: Intake;
const ids: Record<string, string> = {};
let club: string;
/** updateChannelParticipant handed on by the intake, as "qts:user", in order. */
const seen: string[] = [];
const handing = new Watch();

/** Resolves once `count` participant updates were handed on in all; rejects after 10 s. */
async function handedOn(count: number): Promise<string[]> {
  await handing.until(
    () => seen.length >= count,
    () => `${seen.length} of ${count} participant updates handed on (${seen.join(", ")})`,
  );
  return seen;
}

/** Runs `change` with the pushes of participant updates to the bot held back; returns them, to deliver later or never. */
function withheld(change: () => void): (() => void)[] {
  const push = emu.model.push;
  const held: (() => void)[] = [];
  emu.model.push = (userId, updates, except) => {
    const participant = updates instanceof Api.Updates && updates.updates.some((u) => u instanceof Api.UpdateChannelParticipant);
    if (userId === Number(ids.bot) && participant) held.push(() => push(userId, updates, except));
    else push(userId, updates, except);
  };
  try {
    change();
  } finally {
    emu.model.push = push;
  }
  return held;
}

const setRole = (name: string, role: Role) => () => setMemberRole(emu.model, Number(club), Number(ids[name]), role, { actorId: Number(ids.owner) });
const differences = async () => (await control.stats()).rpc["updates.getDifference"] ?? 0;

beforeAll(async () => {
  world = await startWorld();
  ({ emu, control } = world);
  for (const name of ["owner", "alice", "bob", "carol", "dave"]) ids[name] = (await control.createUser({ firstName: name })).id;
  ids.bot = (await control.createUser({ firstName: "Warden", username: "warden_bot", bot: true })).id;
  club = (await control.createChat({ type: "supergroup", title: "Club", creatorId: ids.owner, members: [{ userId: ids.bot, role: "admin" }] })).id;
  client = await signedInClient(emu, ids.bot);
  intake = startIntake(gramjsUpdateSource(client, { mode: "bot", selfId: ids.bot, directory: new PeerDirectory(ids.bot) }), {
    onMessage: (_message, handled) => handled(),
    onUpdate: (update) => {
      if (!(update instanceof Api.UpdateChannelParticipant)) return;
      seen.push(`${update.qts}:${update.userId.toString()}`);
      handing.changed();
    },
  });
  await intake.caughtUp;
});

afterAll(async () => {
  intake?.stop();
  await client?.destroy();
  await world?.stop();
});

describe("qts-numbered updates in the update intake", () => {
  it("hands on live participant updates in qts order", async () => {
    await control.setMember(club, ids.alice, "member");
    await control.setMember(club, ids.bob, "member");
    expect(await handedOn(2)).toEqual([`1:${ids.alice}`, `2:${ids.bob}`]);
  });

  it("holds an update that arrives before the one it follows until that one comes, fetching no difference", async () => {
    const before = await differences();
    const late = withheld(setRole("carol", "member"));
    setRole("alice", "restricted")();
    expect(late).toHaveLength(1);
    for (const deliver of late) deliver();
    expect((await handedOn(4)).slice(2)).toEqual([`3:${ids.carol}`, `4:${ids.alice}`]);
    expect(await differences()).toBe(before);
  });

  it("fetches a lost update with getDifference once the gap wait ends, and hands everything on once, in order", async () => {
    const before = await differences();
    const lost = withheld(setRole("dave", "member"));
    expect(lost).toHaveLength(1);
    await control.setMember(club, ids.bob, "left");
    expect((await handedOn(6)).slice(4)).toEqual([`5:${ids.dave}`, `6:${ids.bob}`]);
    expect(await differences()).toBe(before + 1);
    await control.setMember(club, ids.carol, "left");
    expect(await handedOn(7)).toHaveLength(7);
    expect(seen.slice(6)).toEqual([`7:${ids.carol}`]);
  });
});
