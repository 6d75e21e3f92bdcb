/**
 * The message box, pure: plain updates in (strings standing for them, with the counter each moves),
 * decisions out. Live ordering by pts, qts and seq with gaps reported once; updatesTooLong and
 * updateChannelTooLong asking for a difference; what waits while a box is fetched; applying the answers of
 * getDifference and getChannelDifference (tooLong skips included); what endFetch says after a fetch; a failed
 * fetch; a first start's replay.
 */
import { describe, expect, it } from "vitest";
import { CHANNEL_PTS_DROP, COMMON_PTS_DROP, type Decision, MessageBox, type Push, type Routed } from "../../src/updates/messageBox.js";

const CHANNEL = "-10077";

/** An update of the common box moving pts by `count` to `pts`. */
const pts = (item: string, to: number, count = 1): Routed<string> => ({ route: { kind: "pts", box: "common", pts: to, ptsCount: count }, item });
/** An update of the channel moving its pts by `count` to `pts`. */
const inChannel = (item: string, to: number, count = 1, chatId = CHANNEL): Routed<string> => ({
  route: { kind: "pts", box: "channel", chatId, pts: to, ptsCount: count },
  item,
});
const qts = (item: string, to: number): Routed<string> => ({ route: { kind: "qts", qts: to }, item });
const unordered = (item: string): Routed<string> => ({ route: { kind: "none" }, item });
const channelTooLong = (chatId = CHANNEL, to?: number): Routed<string> => ({ route: { kind: "channelTooLong", chatId, pts: to }, item: `tooLong ${chatId}` });
/** A container outside the seq order (updateShort, or seq 0). */
const push = (...updates: Routed<string>[]): Push<string> => ({ seq: 0, seqStart: 0, date: 0, updates });
/** An Updates (or, with seqStart, UpdatesCombined) container. */
const container = (seq: number, updates: Routed<string>[], seqStart = seq, date = 0): Push<string> => ({ seq, seqStart, date, updates });

/** Decisions as short strings: "a common@100" for an apply (the box and its value before), "fetch -10077", "gap common". */
const said = (decisions: readonly Decision<string>[]) =>
  decisions.map((decision) =>
    decision.kind === "apply"
      ? `${decision.item}${decision.box === undefined ? "" : ` ${decision.box.key}@${decision.before}`}`
      : `${decision.kind} ${decision.box.key}`,
  );

/** The message boxes' clock (milliseconds), moved by the tests. */
let now = 0;

/** A message box started from a saved state: pts 100, qts 5, seq 10; optionally a channel at pts 300 (with its access hash). */
function started(options: { channel?: boolean } = {}) {
  const box = new MessageBox<string>(() => now);
  box.boxes.load(options.channel ? [{ chatId: CHANNEL, pts: 300, accessHash: "555" }] : []);
  box.boxes.start({ pts: 100, qts: 5, seq: 10, date: 1000 });
  return box;
}

/** A silence long enough to count (the tests' SILENCE_MS). */
const SILENCE = 60_000;

describe("live updates, by pts", () => {
  it("applies an update that continues the pts, and ignores one applied already", () => {
    const box = started();
    expect(said(box.process(push(pts("a", 101))))).toEqual(["a common@100"]);
    expect(said(box.process(push(pts("a again", 101))))).toEqual([]);
    expect(said(box.process(push(pts("b", 104, 3))))).toEqual(["b common@101"]);
  });

  it("holds an update past a gap and reports the gap once; the missing one applies both, in order, and closes the gap", () => {
    const box = started();
    expect(said(box.process(push(pts("c", 103))))).toEqual(["gap common"]);
    expect(said(box.process(push(pts("b", 102))))).toEqual([]);
    expect(said(box.process(push(pts("a", 101))))).toEqual(["a common@100", "b common@101", "c common@102", "noGap common"]);
  });

  it("keeps each channel in its own box: a channel never seen starts from its first update, a gap in one is that channel's", () => {
    const box = started({ channel: true });
    expect(said(box.process(push(inChannel("x", 1000, 1, "-10088"))))).toEqual(["x -10088@999"]);
    expect(said(box.process(push(inChannel("late", 302), pts("a", 101))))).toEqual(["gap -10077", "a common@100"]);
    expect(said(box.process(push(inChannel("missing", 301))))).toEqual(["missing -10077@300", "late -10077@301", "noGap -10077"]);
  });

  it("applies an update without a counter at once, whatever waits", () => {
    const box = started();
    box.process(push(pts("c", 103)));
    expect(said(box.process(push(unordered("status"))))).toEqual(["status"]);
  });
});

describe("live updates, by qts and seq", () => {
  it("applies qts updates in order; one past a qts gap waits, reported as a gap of the common box", () => {
    const box = started();
    expect(said(box.process(push(qts("p6", 6))))).toEqual(["p6"]);
    expect(said(box.process(push(qts("p8", 8))))).toEqual(["gap common"]);
    expect(said(box.process(push(qts("p7", 7))))).toEqual(["p7", "p8", "noGap common"]);
    expect(box.differenceRequest().qts).toBe(8);
  });

  it("applies the next seq container, ignores one applied already, holds one past a seq gap until the gap fills", () => {
    const box = started();
    expect(said(box.process(container(11, [unordered("a")])))).toEqual(["a"]);
    expect(said(box.process(container(11, [unordered("a")])))).toEqual([]);
    expect(said(box.process(container(13, [unordered("c")])))).toEqual(["gap common"]);
    expect(said(box.process(container(12, [unordered("b")])))).toEqual(["b", "c", "noGap common"]);
    expect(said(box.process(container(15, [unordered("d"), unordered("e")], 14)))).toEqual(["d", "e"]);
    expect(box.differenceRequest().seq).toBe(15);
  });

  it("judges the updates of a container by their own counters once the container's seq turn comes", () => {
    const box = started();
    expect(said(box.process(container(11, [pts("a", 101), pts("c", 103)])))).toEqual(["a common@100", "gap common"]);
    expect(said(box.process(container(12, [pts("b", 102)])))).toEqual(["b common@101", "c common@102", "noGap common"]);
  });

  it("keeps the common box's gap open while a seq container waits, even when its pts has nothing waiting", () => {
    const box = started();
    expect(said(box.process(container(12, [unordered("c")])))).toEqual(["gap common"]);
    expect(said(box.process(push(pts("a", 101))))).toEqual(["a common@100"]);
    expect(said(box.process(container(13, [unordered("d")])))).toEqual([]);
    expect(said(box.process(container(11, [unordered("b")])))).toEqual(["b", "c", "d", "noGap common"]);
  });

  it("moves the date to the newest container's, never back", () => {
    const box = started();
    box.process(container(0, [unordered("x")], 0, 2000));
    box.process(container(11, [unordered("y")], 11, 1500));
    expect(box.differenceRequest()).toEqual({ pts: 100, qts: 5, seq: 11, date: 2000 });
  });
});

describe("asking for a difference", () => {
  it("updatesTooLong asks for the common difference at once; meanwhile live pts, qts and seq updates wait", () => {
    const box = started();
    expect(said(box.tooLong())).toEqual(["fetch common"]);
    expect(said(box.process(container(11, [pts("a", 101)])))).toEqual([]);
    expect(said(box.process(push(pts("b", 102), qts("p6", 6))))).toEqual([]);
    expect(box.differenceRequest()).toEqual({ pts: 100, qts: 5, seq: 10, date: 1000 });
  });

  it("updateChannelTooLong asks for that channel's difference; its live updates wait meanwhile", () => {
    const box = started({ channel: true });
    expect(said(box.process(push(channelTooLong())))).toEqual(["fetch -10077"]);
    expect(said(box.process(push(inChannel("x", 301))))).toEqual([]);
  });

  it("updateChannelTooLong for a channel of unknown pts takes the pts it carries, or asks nothing without one", () => {
    const box = started();
    box.boxes.noteAccessHash("-10099", "1");
    expect(said(box.process(push(channelTooLong("-10099"))))).toEqual([]);
    expect(said(box.process(push(channelTooLong("-10099", 40))))).toEqual(["fetch -10099"]);
  });

  it("forgets a channel whose difference is needed but whose access hash is not known; its next update starts it again", () => {
    const box = started();
    box.process(push(inChannel("x", 50)));
    expect(said(box.process(push(channelTooLong(CHANNEL))))).toEqual(["forgotten -10077"]);
    expect(box.boxes.knownChannels()).toEqual([]);
    expect(said(box.process(push(inChannel("y", 60))))).toEqual(["y -10077@59"]);
  });

  it("a catch-up fetches the common box, not a quiet channel: the common difference names the channels with news", () => {
    const box = started({ channel: true });
    expect(box.beginCatchUp(SILENCE).map((fetching) => fetching.key)).toEqual(["common"]);
    expect(said(box.process(push(pts("a", 101), inChannel("x", 301))))).toEqual(["x -10077@300"]);
    expect(said(box.applyDifference({ messages: [], updates: [channelTooLong()], state: { pts: 100, qts: 5, seq: 10, date: 1000 } }))).toEqual([
      "fetch -10077",
    ]);
  });

  it("a catch-up also fetches the channels that show a gap and those silent SILENCE or longer; their live updates wait", () => {
    const box = started({ channel: true });
    box.boxes.load([{ chatId: "-10088", pts: 50, accessHash: "666" }]);
    expect(said(box.process(push(inChannel("gap", 60, 1, "-10088"))))).toEqual(["gap -10088"]);
    expect(box.beginCatchUp(SILENCE).map((fetching) => fetching.key)).toEqual(["common", "-10088"]);
    now += SILENCE;
    const fetched = box.boxes.channel("-10088", undefined);
    box.moveTo(fetched, 60);
    box.endFetch(fetched, 50);
    expect(box.beginCatchUp(SILENCE).map((fetching) => fetching.key)).toEqual(["common", CHANNEL]);
    expect(said(box.process(push(inChannel("x", 301))))).toEqual([]);
  });

  it("a box silent SILENCE or longer is due its difference (marked fetching); an update or a fetch of it starts its silence again", () => {
    const box = started({ channel: true });
    now += SILENCE - 1;
    expect(box.silent(SILENCE)).toEqual([]);
    box.process(push(inChannel("x", 301)));
    now += 1;
    expect(box.silent(SILENCE).map((due) => due.key)).toEqual(["common"]);
    expect(box.silent(SILENCE)).toEqual([]);
    box.applyDifferenceEmpty(1001, 10);
    box.endFetch(box.common, 100);
    now += SILENCE - 1;
    expect(box.silent(SILENCE).map((due) => due.key)).toEqual([CHANNEL]);
  });

  it("no gap is reported for a box whose difference is being fetched", () => {
    const box = started();
    box.tooLong();
    expect(said(box.process(push(pts("c", 103), qts("p9", 9))))).toEqual([]);
  });
});

describe("taking the fetched answers back", () => {
  it("applies a difference at the pts it was fetched from, then what waited and now fits; a live copy of a fetched update is dropped", () => {
    const box = started();
    box.tooLong();
    box.process(push(pts("c", 103)));
    box.process(push(pts("d", 104)));
    const from = box.common.pts.value;
    expect(said(box.applyDifference({ messages: ["a", "b"], updates: [], state: { pts: 102, qts: 5, seq: 10, date: 1100 } }))).toEqual([
      "a common@100",
      "b common@100",
    ]);
    expect(box.differenceRequest()).toEqual({ pts: 102, qts: 5, seq: 10, date: 1100 });
    expect(said(box.endFetch(box.common, from))).toEqual(["c common@102", "d common@103"]);
  });

  it("runs a difference's channel updates through their channel, asks for the channels it says are too long, applies its other updates", () => {
    const box = started({ channel: true });
    box.boxes.noteAccessHash("-10088", "1");
    box.beginFetch(box.common);
    const decisions = box.applyDifference({
      messages: [],
      updates: [inChannel("x", 301), inChannel("z", 305), channelTooLong("-10088", 70), qts("p6", 6), unordered("status")],
      state: { pts: 100, qts: 6, seq: 10, date: 1000 },
    });
    expect(said(decisions)).toEqual(["x -10077@300", "gap -10077", "fetch -10088", "p6 common@100", "status common@100"]);
  });

  it("differenceEmpty moves only the date and seq", () => {
    const box = started();
    box.tooLong();
    box.applyDifferenceEmpty(1200, 12);
    expect(box.differenceRequest()).toEqual({ pts: 100, qts: 5, seq: 12, date: 1200 });
    expect(said(box.endFetch(box.common, 100))).toEqual([]);
  });

  it("after a fetch that moved the box, a gap still open is real: fetch again at once", () => {
    const box = started();
    box.tooLong();
    box.process(push(pts("far", 110)));
    box.applyDifference({ messages: ["a"], updates: [], state: { pts: 101, qts: 5, seq: 10, date: 1000 } });
    expect(said(box.endFetch(box.common, 100))).toEqual(["fetch common"]);
  });

  it("after a fetch that did not move the box, a gap still open is given time again", () => {
    const box = started();
    box.tooLong();
    box.process(push(pts("far", 110)));
    box.applyDifferenceEmpty(1000, 10);
    expect(said(box.endFetch(box.common, 100))).toEqual(["gap common"]);
  });

  it("a failed fetch changes nothing: the same difference is asked again and the live updates keep waiting", () => {
    const box = started();
    box.tooLong();
    const asked = box.differenceRequest();
    box.process(push(pts("b", 102)));
    // The call failed: no answer is taken back; the loop asks again.
    expect(box.differenceRequest()).toEqual(asked);
    expect(box.common.fetching).toBe(true);
    expect(said(box.process(push(pts("c", 103))))).toEqual([]);
    box.applyDifference({ messages: ["a"], updates: [], state: { pts: 101, qts: 5, seq: 10, date: 1000 } });
    expect(said(box.endFetch(box.common, 100))).toEqual(["b common@101", "c common@102"]);
  });

  it("releases the qts updates and seq containers that waited behind the common fetch", () => {
    const box = started();
    box.tooLong();
    box.process(container(12, [pts("b", 102)]));
    box.process(push(qts("p7", 7)));
    box.applyDifference({ messages: ["a"], updates: [], state: { pts: 101, qts: 6, seq: 11, date: 1000 } });
    expect(said(box.endFetch(box.common, 100))).toEqual(["b common@101", "p7"]);
  });

  it("applies a channel difference at the channel's pts and moves it; an empty one only moves it", () => {
    const box = started({ channel: true });
    const [, channel] = box.beginCatchUp(0);
    expect(said(box.applyChannelDifference(channel, ["m41", "m42"], 302))).toEqual(["m41 -10077@300", "m42 -10077@300"]);
    box.moveTo(channel, 305);
    expect(channel.pts.value).toBe(305);
  });

  it("a tooLong gap skipped to the current pts still applies the live updates that waited behind it; later ones wait on", () => {
    const box = started({ channel: true });
    const [, channel] = box.beginCatchUp(0);
    box.process(push(inChannel("live 900", 900), inChannel("live 902", 902)));
    expect(said(box.skipTo(channel, 900))).toEqual(["live 900 -10077@899"]);
    expect(said(box.endFetch(channel, 300))).toEqual(["fetch -10077"]);
  });

  it("the live updates of a channel forgotten during its fetch start a new box for it", () => {
    const box = started({ channel: true });
    const [, channel] = box.beginCatchUp(0);
    box.process(push(inChannel("x", 320)));
    box.boxes.forget(channel);
    expect(said(box.endFetch(channel, 300))).toEqual(["x -10077@319"]);
    expect(box.boxes.channel(CHANNEL, undefined)).not.toBe(channel);
  });
});

describe("server-side resets", () => {
  it("takes a common-box update far below the saved pts (past COMMON_PTS_DROP) as a reset: it waits, and the loop resets the state", () => {
    const box = started();
    box.boxes.start({ pts: COMMON_PTS_DROP + 200, qts: 5, seq: 10, date: 1000 });
    expect(said(box.process(push(pts("dup", COMMON_PTS_DROP + 190))))).toEqual([]);
    expect(said(box.process(push(pts("after reset", 3))))).toEqual(["reset common"]);
    expect(said(box.process(push(pts("next", 4))))).toEqual([]);
    box.resetTo({ pts: 2, qts: 1, seq: 0, date: 2000 });
    expect(box.differenceRequest()).toEqual({ pts: 2, qts: 1, seq: 0, date: 2000 });
    expect(said(box.endFetch(box.common, COMMON_PTS_DROP + 200))).toEqual(["after reset common@2", "next common@3"]);
  });

  it("follows a channel whose pts dropped past CHANNEL_PTS_DROP from the update that shows it", () => {
    const box = started({ channel: true });
    const channel = box.boxes.channel(CHANNEL, undefined);
    channel.pts.set(CHANNEL_PTS_DROP + 500);
    expect(said(box.process(push(inChannel("old", CHANNEL_PTS_DROP + 100))))).toEqual([]);
    expect(said(box.process(push(inChannel("new", 5))))).toEqual(["ptsDrop -10077", "new -10077@4"]);
    expect(channel.pts.value).toBe(5);
  });

  it("takes updatePtsChanged as a reset, and hands it on", () => {
    const box = started();
    expect(said(box.process(push({ route: { kind: "ptsChanged" }, item: "ptsChanged" })))).toEqual(["ptsChanged", "reset common"]);
  });

  it("checks a getState answer: ahead fetches the difference, far below resets, equal or while fetching does nothing", () => {
    const box = started();
    const state = { pts: 100, qts: 5, seq: 10, date: 1000 };
    expect(said(box.checkState(state))).toEqual([]);
    expect(said(box.checkState({ ...state, pts: 103 }))).toEqual(["fetch common"]);
    expect(said(box.checkState({ ...state, pts: 90 }))).toEqual([]);
    box.endFetch(box.common, 100);
    expect(said(box.checkState({ ...state, qts: 6 }))).toEqual(["fetch common"]);
    box.endFetch(box.common, 100);
    expect(said(box.checkState({ ...state, pts: 99 }))).toEqual(["fetch common"]);
    box.endFetch(box.common, 100);
    box.boxes.start({ ...state, pts: COMMON_PTS_DROP + 100 });
    expect(said(box.checkState({ ...state, pts: 10 }))).toEqual(["reset common"]);
  });
});

describe("a first start's replay", () => {
  it("applies updates at or below the recorded pts and qts (they arrived while the state was recorded), and goes on from there", () => {
    const box = new MessageBox<string>();
    box.boxes.restart({ pts: 100, qts: 4, seq: 0, date: 1000 }, []);
    expect(said(box.process(push(pts("before", 100), qts("p4", 4)), { firstStart: true }))).toEqual(["before common@100", "p4"]);
    expect(said(box.process(push(pts("before", 100), qts("p4", 4))))).toEqual([]);
    expect(said(box.process(push(pts("next", 101), qts("p5", 5))))).toEqual(["next common@100", "p5"]);
  });
});
