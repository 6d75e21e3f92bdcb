import { Api } from "telegram";
import { returnBigInt as big } from "telegram/Helpers.js";
import { describe, expect, it } from "vitest";
import { type KnownPeers, SqliteKnownPeers } from "../../src/send/knownPeers.js";
import { memoryDatabases } from "../kit/memoryDatabases.js";

const freshDatabase = memoryDatabases();

/** Every KnownPeers, fresh: a new implementation joins this list and must pass the same tests. */
const implementations: [string, () => KnownPeers][] = [["SqliteKnownPeers", () => new SqliteKnownPeers(freshDatabase())]];

const photo = new Api.ChatPhotoEmpty();

describe.each(implementations)("KnownPeers: %s", (_name, open) => {
  it("notes users, basic groups and channels with their access hashes, skipping min and hashless ones", () => {
    const known = open();
    known.remember([
      new Api.User({ id: big(5), accessHash: big(-55) }),
      new Api.User({ id: big(6), accessHash: big(66), min: true }),
      new Api.User({ id: big(7) }),
      new Api.Chat({ id: big(300), title: "team", photo, participantsCount: 3, date: 1, version: 1 }),
      new Api.Channel({ id: big(400), title: "news", photo, date: 1, accessHash: big(44) }),
      new Api.Channel({ id: big(401), title: "min", photo, date: 1, accessHash: big(45), min: true }),
    ]);
    expect(known.inputPeer("5")).toEqual(new Api.InputPeerUser({ userId: big(5), accessHash: big(-55) }));
    expect(known.inputPeer("-300")).toEqual(new Api.InputPeerChat({ chatId: big(300) }));
    expect(known.inputPeer("-100400")).toEqual(new Api.InputPeerChannel({ channelId: big(400), accessHash: big(44) }));
    for (const skipped of ["6", "7", "-100401", "8"]) expect(known.inputPeer(skipped)).toBeUndefined();
  });

  it("notes input peers resolved some other way, and a newer access hash replaces the old one", () => {
    const known = open();
    known.rememberInput(new Api.InputPeerUser({ userId: big(5), accessHash: big(1) }));
    known.rememberInput(new Api.InputPeerChat({ chatId: big(300) }));
    known.rememberInput(new Api.InputPeerChannel({ channelId: big(400), accessHash: big(2) }));
    known.remember([new Api.User({ id: big(5), accessHash: big(3) })]);
    expect(known.inputPeer("5")).toEqual(new Api.InputPeerUser({ userId: big(5), accessHash: big(3) }));
    expect(known.inputPeer("-300")).toEqual(new Api.InputPeerChat({ chatId: big(300) }));
    expect(known.inputPeer("-100400")).toEqual(new Api.InputPeerChannel({ channelId: big(400), accessHash: big(2) }));
  });
});
