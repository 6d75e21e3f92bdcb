import { describe, expect, it } from "vitest";
import { FloodWaitError } from "../../src/handlers/errors.js";
import { guardGateway } from "../../src/telegram/guardGateway.js";
import { RateLimiter } from "../../src/telegram/rateLimiter.js";
import { FakeGateway } from "../kit/fakes.js";

describe("guardGateway", () => {
  it("waits for the rate limiter before sends and edits, and retries short flood waits", async () => {
    const inner = new FakeGateway();
    const acquired: string[] = [];
    const limiter = new RateLimiter();
    limiter.acquire = async (chatId: string) => void acquired.push(chatId);
    let failures = 1;
    const send = inner.sendMessage.bind(inner);
    inner.sendMessage = async (...args) => {
      if (failures-- > 0) throw Object.assign(new Error("flood"), { code: 420, seconds: 1 });
      return send(...args);
    };
    const slept: number[] = [];
    const guarded = guardGateway(inner, { limiter, flood: { maxSleepSeconds: 5, maxRetries: 2, sleep: async (ms) => void slept.push(ms) } });
    await guarded.sendMessage("-100", "hi");
    await guarded.editMessage("42", 7, "edited");
    expect(acquired).toEqual(["-100", "42"]);
    expect(slept).toEqual([1000]);
    expect(inner.texts()).toEqual(["hi", "edited"]);
  });

  it("raises FloodWaitError from lookups when the wait is too long", async () => {
    const inner = new FakeGateway();
    inner.getUser = async () => {
      throw Object.assign(new Error("flood"), { code: 420, seconds: 900 });
    };
    const guarded = guardGateway(inner, { limiter: new RateLimiter(), flood: { maxSleepSeconds: 5, maxRetries: 2 } });
    await expect(guarded.getUser({ username: "someone" })).rejects.toBeInstanceOf(FloodWaitError);
  });
});
