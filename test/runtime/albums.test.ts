import { afterEach, describe, expect, it, vi } from "vitest";
import type { Album } from "../../src/handlers/events.js";
import { ALBUM_MAX, AlbumCollector } from "../../src/runtime/albums.js";
import { makeMessage } from "../kit/fakes.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("AlbumCollector", () => {
  it("gathers one grouped id's messages once no more came for the wait, and records each after both its handlers and the album's", () => {
    vi.useFakeTimers();
    const albums: { album: Album; done: () => void }[] = [];
    const collector = new AlbumCollector((album, done) => albums.push({ album, done }), 100);
    const recorded: number[] = [];
    const part = (messageId: number, groupedId?: string) => collector.add(makeMessage({ messageId, groupedId }), () => recorded.push(messageId));
    const plain = part(1);
    plain();
    expect(recorded).toEqual([1]);
    const dones = [part(3, "9"), part(2, "9")];
    vi.advanceTimersByTime(90);
    dones.push(part(4, "9"));
    vi.advanceTimersByTime(90);
    expect(albums).toEqual([]);
    vi.advanceTimersByTime(20);
    expect(albums.map(({ album }) => album.messages.map((message) => message.messageId))).toEqual([[2, 3, 4]]);
    for (const done of dones) done();
    expect(recorded).toEqual([1]);
    albums[0].done();
    expect(recorded).toEqual([1, 3, 2, 4]);
  });

  it("hands on an album at its tenth message at once, and what waits at stop", () => {
    vi.useFakeTimers();
    const albums: Album[] = [];
    const collector = new AlbumCollector((album) => albums.push(album), 1000);
    for (let id = 1; id <= ALBUM_MAX; id += 1) collector.add(makeMessage({ messageId: id, groupedId: "5" }), () => {});
    expect(albums.map((album) => album.messages.length)).toEqual([ALBUM_MAX]);
    collector.add(makeMessage({ messageId: 20, groupedId: "6", chatId: "-1007" }), () => {});
    collector.flushAll();
    expect(albums.map((album) => `${album.chatId}:${album.groupedId}`)).toEqual(["2000:5", "-1007:6"]);
  });
});
