import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AuthKeyStore, authKeyAuxHash, authKeyIdOf } from "../../src/mtproto/auth-keys.js";
import { BAD_MSG, clientMsgIdProblem, ServerMsgIds } from "../../src/mtproto/msg-id.js";
import { MSG_STATE, ReceivedWindow } from "../../src/mtproto/received-window.js";
import { SALT_GRACE, SALT_WINDOW } from "../../src/mtproto/salts.js";

const msgIdAt = (ms: number) => ((BigInt(ms) << 32n) / 1000n) & ~3n;

describe("auth keys and salts", () => {
  it("names keys by the lower 64 bits of SHA1 and finds them by wire id or hex", () => {
    const store = new AuthKeyStore();
    const key = randomBytes(256);
    const sha = createHash("sha1").update(key).digest();
    expect(authKeyIdOf(key)).toEqual(sha.subarray(12, 20));
    expect(authKeyAuxHash(key)).toEqual(sha.subarray(0, 8));
    const record = store.add(key);
    expect(record.idHex).toBe(sha.subarray(12, 20).toString("hex"));
    expect(store.get(sha.subarray(12, 20))).toBe(record);
    expect(store.getHex(record.idHex)).toBe(record);
    expect(() => store.add(randomBytes(255))).toThrow(RangeError);
  });

  it("forgets temporary keys when they expire", () => {
    let now = 1_000_000;
    const store = new AuthKeyStore(() => now);
    const record = store.add(randomBytes(256), { lifetime: 60 });
    now += 59;
    expect(store.has(record.id)).toBe(true);
    now += 1;
    expect(store.has(record.id)).toBe(false);
  });

  it("rotates salts per window, keeps the old one for the grace period, and hands out future salts", () => {
    let now = 100 * SALT_WINDOW + 10;
    const store = new AuthKeyStore(() => now, Buffer.alloc(32, 1));
    const record = store.add(randomBytes(256));
    const first = store.currentSalt(record);
    expect(store.acceptsSalt(record, first)).toBe(true);
    expect(store.acceptsSalt(record, first + 1n)).toBe(false);
    const future = store.futureSalts(record, 3);
    expect(future.map((f) => f.validSince)).toEqual([100, 101, 102].map((w) => w * SALT_WINDOW));
    expect(future[0].salt).toBe(first);
    now = 101 * SALT_WINDOW + 1;
    const second = store.currentSalt(record);
    expect(second).toBe(future[1].salt);
    expect(store.acceptsSalt(record, first)).toBe(true);
    now = 101 * SALT_WINDOW + SALT_GRACE;
    expect(store.acceptsSalt(record, first)).toBe(false);
    expect(store.futureSalts(record, 0)).toHaveLength(1);
    expect(store.futureSalts(record, 1000)).toHaveLength(64);
  });

  it("accepts the handshake's initial salt for a while", () => {
    let now = 5_000_000;
    const store = new AuthKeyStore(() => now);
    const record = store.add(randomBytes(256), { initialSalt: 1234n });
    expect(store.acceptsSalt(record, 1234n)).toBe(true);
    now += 1800;
    expect(store.acceptsSalt(record, 1234n)).toBe(false);
  });
});

describe("message ids", () => {
  it("generates strictly increasing server msg_ids with the right residue", () => {
    let ms = 1_700_000_000_000;
    const ids = new ServerMsgIds(() => ms);
    const a = ids.next(true);
    const b = ids.next(false);
    const c = ids.next(true);
    expect([a % 4n, b % 4n, c % 4n]).toEqual([1n, 3n, 1n]);
    expect(b > a && c > b).toBe(true);
    expect(a >> 32n).toBe(1_700_000_000n);
    ms -= 5000; // the clock going back does not make ids go back
    expect(ids.next(false) > c).toBe(true);
  });

  it("checks client msg_ids against the clock and parity", () => {
    const now = 1_700_000_000_000;
    expect(clientMsgIdProblem(msgIdAt(now), now)).toBeUndefined();
    expect(clientMsgIdProblem(msgIdAt(now) | 1n, now)).toBe(BAD_MSG.msgIdNotDivisibleBy4);
    expect(clientMsgIdProblem(msgIdAt(now - 299_000), now)).toBeUndefined();
    expect(clientMsgIdProblem(msgIdAt(now - 301_000), now)).toBe(BAD_MSG.msgIdTooLow);
    expect(clientMsgIdProblem(msgIdAt(now + 29_000), now)).toBeUndefined();
    expect(clientMsgIdProblem(msgIdAt(now + 31_000), now)).toBe(BAD_MSG.msgIdTooHigh);
  });
});

describe("received window", () => {
  it("detects duplicates, reused container ids and ids below a full window", () => {
    const w = new ReceivedWindow(3);
    [100n, 104n, 108n].forEach((id, i) => {
      expect(w.check(id, 2 * i + 1, undefined, false)).toEqual({ kind: "ok" });
      w.record(id, 2 * i + 1);
    });
    expect(w.check(104n, 3, undefined, false)).toEqual({ kind: "duplicate" });
    expect(w.check(104n, 4, false, true)).toEqual({ kind: "bad", code: BAD_MSG.containerMsgIdReused });
    expect(w.check(96n, 0, undefined, false)).toEqual({ kind: "bad", code: BAD_MSG.msgIdTooOld });
    w.record(112n, 7);
    expect(w.state(100n)).toBe(MSG_STATE.unknown); // forgotten beyond capacity
  });

  it("checks seqno parity and order against neighbouring msg_ids", () => {
    const w = new ReceivedWindow();
    w.record(100n, 5);
    w.record(200n, 9);
    expect(w.check(300n, 10, true, false)).toMatchObject({ code: BAD_MSG.oddSeqNoExpected });
    expect(w.check(300n, 11, false, false)).toMatchObject({ code: BAD_MSG.evenSeqNoExpected });
    expect(w.check(300n, 7, true, false)).toMatchObject({ code: BAD_MSG.seqNoTooLow });
    expect(w.check(300n, 9, true, false)).toMatchObject({ code: BAD_MSG.seqNoTooLow });
    expect(w.check(300n, 10, false, false)).toEqual({ kind: "ok" });
    expect(w.check(300n, 11, true, false)).toEqual({ kind: "ok" });
    expect(w.check(150n, 11, true, false)).toMatchObject({ code: BAD_MSG.seqNoTooHigh });
    expect(w.check(150n, 7, true, false)).toEqual({ kind: "ok" });
  });

  it("reports message states for msgs_state_req", () => {
    const w = new ReceivedWindow();
    w.record(100n, 1);
    w.record(200n, 3);
    expect([w.state(100n), w.state(50n), w.state(150n), w.state(300n)]).toEqual([
      MSG_STATE.received,
      MSG_STATE.unknown,
      MSG_STATE.notReceived,
      MSG_STATE.notReceivedYet,
    ]);
  });
});
