/**
 * The boxes' bookkeeping, pure: channel boxes made and forgotten, access hashes, the common counters, and
 * which box states are to be saved (only what changed and differs from what was saved, never past a message
 * still being handled, nothing before the starting state is known).
 */
import { describe, expect, it } from "vitest";
import { Boxes, COMMON } from "../../src/updates/boxes.js";

const state = (pts: number, extra: Partial<{ qts: number; seq: number; date: number }> = {}) => ({ pts, qts: 0, seq: 0, date: 1000, ...extra });

describe("channel boxes", () => {
  it("makes a channel's box when first asked; a pts given later becomes the pts of a box that had none, but moves no known one", () => {
    const boxes = new Boxes<string, string>();
    const box = boxes.channel("-10077", undefined);
    expect(box.key).toBe("-10077");
    expect(box.pts.value).toBeUndefined();
    expect(boxes.channel("-10077", 300)).toBe(box);
    expect(box.pts.value).toBe(300);
    expect(box.watermark.safe).toBe(300);
    boxes.channel("-10077", 500);
    expect(box.pts.value).toBe(300);
  });

  it("loads the saved channels: access hashes, and boxes for those with a pts", () => {
    const boxes = new Boxes<string, string>();
    boxes.load([
      { chatId: "-10077", pts: 300, accessHash: "555" },
      { chatId: "-10088", accessHash: "666" },
    ]);
    expect(boxes.knownChannels().map((box) => [box.key, box.pts.value, box.saved])).toEqual([["-10077", 300, 300]]);
    expect(boxes.accessHash("-10088")).toBe("666");
  });

  it("notes access hashes: true when new or changed", () => {
    const boxes = new Boxes<string, string>();
    expect(boxes.noteAccessHash("-10077", "1")).toBe(true);
    expect(boxes.noteAccessHash("-10077", "1")).toBe(false);
    expect(boxes.noteAccessHash("-10077", "2")).toBe(true);
    expect(boxes.accessHash("-10077")).toBe("2");
  });

  it("forgets a channel: its box and access hash go; the next box for it is a new one", () => {
    const boxes = new Boxes<string, string>();
    boxes.noteAccessHash("-10077", "1");
    const box = boxes.channel("-10077", 300);
    boxes.forget(box);
    expect(boxes.isFollowed(box)).toBe(false);
    expect(boxes.accessHash("-10077")).toBeUndefined();
    expect(boxes.knownChannels()).toEqual([]);
    expect(boxes.channel("-10077", undefined)).not.toBe(box);
    expect(boxes.isFollowed(boxes.common)).toBe(true);
  });
});

describe("the common state", () => {
  it("starts from a saved state and gives the counters getDifference is asked from", () => {
    const boxes = new Boxes<string, string>();
    boxes.start(state(100, { qts: 4, seq: 7 }));
    expect(boxes.counters()).toEqual({ pts: 100, qts: 4, seq: 7, date: 1000 });
    expect(boxes.common.key).toBe(COMMON);
  });

  it("restarts from the server's state: channels not listed are forgotten, listed ones take their pts, all recorded as saved", () => {
    const boxes = new Boxes<string, string>();
    boxes.load([
      { chatId: "-10077", pts: 300, accessHash: "1" },
      { chatId: "-10088", pts: 10, accessHash: "2" },
    ]);
    const old = boxes.channel("-10077", undefined);
    const { forgotten, common } = boxes.restart(state(150, { seq: 3 }), [
      { chatId: "-10088", pts: 40 },
      { chatId: "-10099", pts: 7 },
    ]);
    expect(forgotten).toEqual([old]);
    expect(common).toEqual({ pts: 150, qts: 0, seq: 3, date: 1000 });
    expect(boxes.knownChannels().map((box) => [box.key, box.pts.value, box.saved])).toEqual([
      ["-10088", 40, 40],
      ["-10099", 7, 7],
    ]);
    expect(boxes.takeChanges()).toEqual({ channels: [] });
  });
});

describe("what to save", () => {
  it("saves nothing before the starting state is known, and keeps the changes until then", () => {
    const boxes = new Boxes<string, string>();
    const box = boxes.channel("-10077", 300);
    boxes.markChanged(box);
    expect(boxes.takeChanges()).toEqual({ channels: [] });
    boxes.start(state(100));
    expect(boxes.takeChanges()).toEqual({ channels: [{ chatId: "-10077", pts: 300 }] });
  });

  it("saves only the boxes that changed and differ from what was saved", () => {
    const boxes = new Boxes<string, string>();
    boxes.start(state(100));
    const box = boxes.channel("-10077", 300);
    boxes.common.pts.set(101);
    boxes.common.watermark.advance(101);
    expect(boxes.hasChanges).toBe(false);
    boxes.markChanged(boxes.common);
    boxes.markChanged(box);
    expect(boxes.hasChanges).toBe(true);
    expect(boxes.takeChanges()).toEqual({ common: { pts: 101, qts: 0, seq: 0, date: 1000 }, channels: [{ chatId: "-10077", pts: 300 }] });
    expect(boxes.hasChanges).toBe(false);
    boxes.markChanged(boxes.common);
    boxes.markChanged(box);
    expect(boxes.takeChanges()).toEqual({ channels: [] });
  });

  it("saves a box no further than before its oldest message still being handled; the release lets it go on", () => {
    const boxes = new Boxes<string, string>();
    boxes.start(state(100));
    const hold = boxes.hold(boxes.common, 100);
    boxes.common.watermark.advance(105);
    boxes.markChanged(boxes.common);
    expect(boxes.takeChanges()).toEqual({ channels: [] });
    boxes.release(boxes.common, hold);
    expect(boxes.takeChanges().common?.pts).toBe(105);
  });

  it("does not save a forgotten channel, nor one whose pts is not known", () => {
    const boxes = new Boxes<string, string>();
    boxes.start(state(100));
    const gone = boxes.channel("-10077", 300);
    const unknown = boxes.channel("-10088", undefined);
    boxes.forget(gone);
    boxes.markChanged(gone);
    boxes.markChanged(unknown);
    expect(boxes.takeChanges()).toEqual({ channels: [] });
  });
});

describe("a server-side reset", () => {
  it("moves the whole common state, but saves none of it while messages of the old sequence are still being handled", () => {
    const boxes = new Boxes<string, string>();
    boxes.start(state(2_000_000, { qts: 7, seq: 3, date: 1000 }));
    const recovered = boxes.hold(boxes.common, 2_000_000);
    boxes.reset(state(5, { qts: 1, seq: 0, date: 2000 }));
    expect(boxes.counters()).toEqual(state(5, { qts: 1, seq: 0, date: 2000 }));
    expect(boxes.takeChanges()).toEqual({ channels: [] });
    boxes.release(boxes.common, recovered);
    expect(boxes.takeChanges()).toEqual({ common: state(5, { qts: 1, seq: 0, date: 2000 }), channels: [] });
  });
});
