import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SqlitePacer } from "../../src/send/pace.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import type { Clock, RateLimits } from "../../src/telegram/rateLimiter.js";

/** A clock whose sleeps move time forward at once. */
class FakeClock implements Clock {
  time = 1_000_000;
  now = () => this.time;
  sleep = async (ms: number) => {
    this.time += ms;
  };
}

const dirs: string[] = [];
const dbs: Db[] = [];

/** Two "processes": separate connections to one session database file, on one clock. */
function twoProcesses(limits: RateLimits) {
  const dir = mkdtempSync(join(tmpdir(), "pace-"));
  dirs.push(dir);
  const clock = new FakeClock();
  const open = () => {
    const db = openDatabase(join(dir, "session.db"));
    dbs.push(db);
    return new SqlitePacer(db, limits, clock);
  };
  return { first: open(), second: open(), clock };
}

afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The times (relative to the start) at which each acquire returned, alternating between the two pacers. */
async function sendTimes(pacers: SqlitePacer[], chatIds: string[], clock: FakeClock): Promise<number[]> {
  const start = clock.time;
  const times: number[] = [];
  for (const [index, chatId] of chatIds.entries()) {
    await pacers[index % pacers.length].acquire(chatId);
    times.push(clock.time - start);
  }
  return times;
}

describe("SqlitePacer", () => {
  it("lets a chat have a burst of 3, then one message a second, across processes", async () => {
    const { first, second, clock } = twoProcesses({ globalPerSecond: 30, chatPerSecond: 1, groupPerMinute: 20 });
    expect(await sendTimes([first, second], Array(6).fill("42"), clock)).toEqual([0, 0, 0, 1000, 2000, 3000]);
  });

  it("keeps groups within 20 messages a minute", async () => {
    const { first, second, clock } = twoProcesses({ globalPerSecond: 0, chatPerSecond: 0, groupPerMinute: 20 });
    const times = await sendTimes([first, second], Array(22).fill("-100777"), clock);
    expect(times.slice(0, 20).every((time) => time === 0)).toBe(true);
    expect(times.slice(20)).toEqual([60_000, 60_000]);
  });

  it("keeps every chat together within the global rate", async () => {
    const { first, second, clock } = twoProcesses({ globalPerSecond: 30, chatPerSecond: 1, groupPerMinute: 0 });
    const chats = Array.from({ length: 40 }, (_, index) => String(index + 1));
    const times = await sendTimes([first, second], chats, clock);
    expect(times.slice(0, 30).every((time) => time === 0)).toBe(true);
    expect(times.slice(30).map(Math.round)).toEqual([33, 67, 100, 133, 167, 200, 233, 267, 300, 333]);
  });

  it("forgets reservations after a minute, and sends at once with every limit off", async () => {
    const { first, clock } = twoProcesses({ globalPerSecond: 0, chatPerSecond: 0, groupPerMinute: 0 });
    expect(await sendTimes([first], Array(50).fill("-1"), clock)).toEqual(Array(50).fill(0));
    const paced = twoProcesses({ globalPerSecond: 30, chatPerSecond: 1, groupPerMinute: 20 });
    await sendTimes([paced.first], Array(5).fill("7"), paced.clock);
    paced.clock.time += 61_000;
    expect(await sendTimes([paced.second], Array(3).fill("7"), paced.clock)).toEqual([0, 0, 0]);
  });
});
