import { describe, expect, it } from "vitest";
import { ptsVerdict, Sequence, seqVerdict } from "../../src/updates/sequence.js";

describe("ptsVerdict (local_pts + pts_count against pts)", () => {
  it("applies an update that continues the local pts", () => {
    expect(ptsVerdict(10, 11, 1)).toBe("apply");
    expect(ptsVerdict(10, 13, 3)).toBe("apply");
  });

  it("ignores an update already applied", () => {
    expect(ptsVerdict(10, 10, 1)).toBe("duplicate");
    expect(ptsVerdict(10, 9, 1)).toBe("duplicate");
  });

  it("reports a gap when updates are missing before this one", () => {
    expect(ptsVerdict(10, 12, 1)).toBe("gap");
    expect(ptsVerdict(10, 20, 3)).toBe("gap");
  });
});

describe("seqVerdict (local_seq + 1 against seq_start)", () => {
  it("applies seq 0 whatever the local seq, and the next seq", () => {
    expect(seqVerdict(5, 0)).toBe("apply");
    expect(seqVerdict(5, 6)).toBe("apply");
  });

  it("ignores an old container and reports a gap past the next seq", () => {
    expect(seqVerdict(5, 5)).toBe("duplicate");
    expect(seqVerdict(5, 8)).toBe("gap");
  });
});

describe("Sequence", () => {
  it("applies updates in order and reports duplicates", () => {
    const sequence = new Sequence<string>(10);
    expect(sequence.offer(11, 1, "a")).toEqual({ ready: [{ item: "a", before: 10, end: 11 }], duplicates: 0 });
    expect(sequence.offer(11, 1, "a again")).toEqual({ ready: [], duplicates: 1 });
    expect(sequence.value).toBe(11);
  });

  it("holds updates past a gap and releases them, in pts order, when the gap fills", () => {
    const sequence = new Sequence<string>(10);
    expect(sequence.offer(13, 1, "c").ready).toEqual([]);
    expect(sequence.offer(12, 1, "b").ready).toEqual([]);
    expect(sequence.pending).toBe(2);
    const filled = sequence.offer(11, 1, "a");
    expect(filled.ready.map((ready) => [ready.item, ready.before, ready.end])).toEqual([
      ["a", 10, 11],
      ["b", 11, 12],
      ["c", 12, 13],
    ]);
    expect(sequence.pending).toBe(0);
    expect(sequence.value).toBe(13);
  });

  it("after a difference moves the value, drops what it covered and applies what follows, stopping at a new gap", () => {
    const sequence = new Sequence<string>(10);
    for (const [end, item] of [
      [12, "covered"],
      [21, "next"],
      [22, "after"],
      [30, "beyond a gap"],
    ] as const)
      sequence.hold(end, 1, item);
    sequence.set(20);
    const taken = sequence.takeReady();
    expect(taken.ready.map((ready) => ready.item)).toEqual(["next", "after"]);
    expect(taken.duplicates).toBe(1);
    expect(sequence.pending).toBe(1);
    expect(sequence.value).toBe(22);
  });

  it("takes an unknown value from the first update (a channel never seen)", () => {
    const sequence = new Sequence<string>(undefined);
    expect(sequence.offer(500, 2, "first").ready).toEqual([{ item: "first", before: 498, end: 500 }]);
    expect(sequence.offer(501, 1, "second").ready.map((ready) => ready.item)).toEqual(["second"]);
  });

  it("orders a multi-count container by its start (seq_start..seq)", () => {
    const sequence = new Sequence<string>(5);
    sequence.hold(9, 2, "8-9");
    sequence.hold(7, 1, "7");
    expect(sequence.offer(6, 1, "6").ready.map((ready) => ready.item)).toEqual(["6", "7", "8-9"]);
  });

  it("clear hands back what waited", () => {
    const sequence = new Sequence<string>(1);
    sequence.hold(5, 1, "x");
    expect(sequence.clear()).toEqual(["x"]);
    expect(sequence.pending).toBe(0);
  });
});
