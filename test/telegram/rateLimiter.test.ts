import { describe, expect, it } from "vitest";
import { BOT_LIMITS, type Clock, type Limit, RateLimiter, SlidingWindow, TokenBucket } from "../../src/telegram/rateLimiter.js";

/** A manual clock: sleeps wait for `runAll`, which jumps time from one pending timer to the next. */
class FakeClock implements Clock {
  time = 0;
  readonly sleeps: number[] = [];
  private timers: { at: number; resolve: () => void }[] = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((resolve) => this.timers.push({ at: this.time + ms, resolve }));
  }

  /** Fires timers in time order until none is pending once every ready callback has run. */
  async runAll(): Promise<void> {
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.timers.length === 0) return;
      this.timers.sort((a, b) => a.at - b.at);
      const timer = this.timers.shift()!;
      this.time = Math.max(this.time, timer.at);
      timer.resolve();
    }
  }
}

/** Send times of n messages to a chat, acquired one after another. */
async function sendTimes(limiter: RateLimiter, clock: FakeClock, chatId: string, n: number): Promise<number[]> {
  const times: number[] = [];
  const sending = (async () => {
    for (let i = 0; i < n; i += 1) {
      await limiter.acquire(chatId);
      times.push(clock.now());
    }
  })();
  await clock.runAll();
  await sending;
  return times;
}

/** Commits n sends as early as the limit allows, all asked for at time `now`. */
function schedule(limit: Limit, n: number, now = 0): number[] {
  return Array.from({ length: n }, () => {
    const at = limit.earliest(now);
    limit.commit(at);
    return at;
  });
}

describe("TokenBucket", () => {
  it("lets a full bucket burst, then spaces sends and refills over time", () => {
    const bucket = new TokenBucket(2, 1 / 1000, 0);
    expect(schedule(bucket, 4)).toEqual([0, 0, 1000, 2000]);
    expect(bucket.idle(3000)).toBe(false);
    expect(bucket.idle(4000)).toBe(true);
    expect(bucket.earliest(10_000)).toBe(10_000);
  });
});

describe("SlidingWindow", () => {
  it("allows at most `limit` sends in any window", () => {
    const window = new SlidingWindow(3, 1000);
    expect(schedule(window, 7)).toEqual([0, 0, 0, 1000, 1000, 1000, 2000]);
    expect(window.idle(2999)).toBe(false);
    expect(window.idle(3000)).toBe(true);
  });
});

describe("RateLimiter", () => {
  it("defaults to Telegram's published bot limits", () => {
    expect(BOT_LIMITS).toEqual({ globalPerSecond: 30, chatPerSecond: 1, groupPerMinute: 20 });
  });

  it("paces one private chat at 1 message per second after a short burst", async () => {
    const clock = new FakeClock();
    const times = await sendTimes(new RateLimiter(BOT_LIMITS, clock), clock, "42", 6);
    expect(times).toEqual([0, 0, 0, 1000, 2000, 3000]);
  });

  it("limits a group to 20 messages per minute", async () => {
    const clock = new FakeClock();
    const times = await sendTimes(new RateLimiter(BOT_LIMITS, clock), clock, "-100123", 45);
    expect(times.slice(0, 4)).toEqual([0, 0, 0, 1000]);
    expect(times[19]).toBe(17_000);
    expect(times[20]).toBe(60_000);
    for (let i = 0; i + 20 < times.length; i += 1) expect(times[i + 20] - times[i]).toBeGreaterThanOrEqual(60_000);
  });

  it("caps all chats together at 30 messages per second", async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(BOT_LIMITS, clock);
    const times: number[] = [];
    const sending = (async () => {
      for (let chat = 1; chat <= 45; chat += 1) {
        await limiter.acquire(String(chat));
        times.push(clock.now());
      }
    })();
    await clock.runAll();
    await sending;
    expect(times.filter((t) => t === 0)).toHaveLength(30);
    expect(times[30]).toBeCloseTo(1000 / 30, 5);
    expect(times.at(-1)).toBeCloseTo(500, 5);
  });

  it("does not let one busy chat hold back the others through the global bucket", async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(BOT_LIMITS, clock);
    const busy = Promise.all(Array.from({ length: 10 }, () => limiter.acquire("-100999")));
    await limiter.acquire("5");
    expect(clock.now()).toBe(0);
    await clock.runAll();
    await busy;
    expect(clock.now()).toBe(7000);
  });

  it("turns a limit off when it is 0", async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ globalPerSecond: 0, chatPerSecond: 0, groupPerMinute: 0 }, clock);
    await sendTimes(limiter, clock, "-1", 100);
    expect(clock.sleeps).toEqual([]);
  });

  it("forgets idle chats once many are tracked", async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ globalPerSecond: 0, chatPerSecond: 1, groupPerMinute: 0 }, clock);
    for (let chat = 0; chat < 1000; chat += 1) await limiter.acquire(String(chat));
    expect(clock.sleeps).toEqual([]);
    expect(limiter.trackedChats()).toBe(1000);
    clock.time += 10_000;
    await limiter.acquire("new");
    expect(limiter.trackedChats()).toBe(1);
  });
});
