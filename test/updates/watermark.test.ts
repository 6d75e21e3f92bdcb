import { describe, expect, it } from "vitest";
import { Watermark } from "../../src/updates/watermark.js";

describe("Watermark", () => {
  it("is the applied value when nothing is being handled", () => {
    const watermark = new Watermark(10);
    watermark.advance(15);
    expect(watermark.safe).toBe(15);
    watermark.advance(12);
    expect(watermark.safe).toBe(15);
  });

  it("stays before the oldest message still being handled, whatever order they finish in", () => {
    const watermark = new Watermark(10);
    const first = watermark.hold(10);
    watermark.advance(11);
    const second = watermark.hold(11);
    watermark.advance(12);
    const third = watermark.hold(12);
    watermark.advance(13);
    expect(watermark.safe).toBe(10);
    watermark.release(third);
    watermark.release(second);
    expect(watermark.safe).toBe(10);
    watermark.release(first);
    expect(watermark.safe).toBe(13);
  });

  it("holds a whole difference slice at its start until every message of it is handled", () => {
    const watermark = new Watermark(100);
    const holds = [watermark.hold(100), watermark.hold(100)];
    watermark.advance(250);
    watermark.release(holds[0]);
    expect(watermark.safe).toBe(100);
    watermark.release(holds[1]);
    expect(watermark.safe).toBe(250);
  });

  it("reset moves the value anywhere (a tooLong answer)", () => {
    const watermark = new Watermark(100);
    watermark.reset(40);
    expect(watermark.safe).toBe(40);
  });

  it("keeps working over many holds (compaction)", () => {
    const watermark = new Watermark(0);
    const holds = Array.from({ length: 5000 }, (_, n) => {
      const hold = watermark.hold(n);
      watermark.advance(n + 1);
      return hold;
    });
    for (const hold of holds.slice(0, 4000)) watermark.release(hold);
    expect(watermark.safe).toBe(4000);
    for (const hold of holds.slice(4000)) watermark.release(hold);
    expect(watermark.safe).toBe(5000);
  });

  it("after a reset, is blocked until every message held before it was handled", () => {
    const watermark = new Watermark(500);
    const old = watermark.hold(500);
    watermark.reset(3);
    const fresh = watermark.hold(3);
    expect(watermark.blocked).toBe(true);
    watermark.release(fresh);
    expect(watermark.blocked).toBe(true);
    watermark.release(old);
    expect(watermark.blocked).toBe(false);
    expect(watermark.safe).toBe(3);
  });
});
