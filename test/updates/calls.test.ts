import { Api } from "telegram";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConnectionResetError, GuardedCalls } from "../../src/updates/calls.js";
import type { UpdatesApi } from "../../src/updates/fetch.js";

/** An API whose answers the test gives by hand. */
function manualApi() {
  const answers: ((value: unknown) => void)[] = [];
  const api: UpdatesApi = { invoke: () => new Promise((resolve) => answers.push(resolve)) as never };
  return { api, answer: (value: unknown) => answers.shift()?.(value) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("GuardedCalls", () => {
  it("passes answers through", async () => {
    const { api, answer } = manualApi();
    const calls = new GuardedCalls(api);
    const call = calls.invoke(new Api.updates.GetState());
    answer("state");
    expect(await call).toBe("state");
  });

  it("abandons a call still unanswered when the connection comes back (GramJS may have lost it)", async () => {
    const { api, answer } = manualApi();
    const calls = new GuardedCalls(api);
    const call = calls.invoke(new Api.updates.GetState());
    calls.reset();
    await expect(call).rejects.toBeInstanceOf(ConnectionResetError);
    answer("late");
  });

  it("fails a call with no answer by the deadline", async () => {
    vi.useFakeTimers();
    const calls = new GuardedCalls(manualApi().api, 1000);
    const call = calls.invoke(new Api.updates.GetState());
    const failed = expect(call).rejects.toThrow(/GetState: no answer within 1000 ms/);
    await vi.advanceTimersByTimeAsync(1000);
    await failed;
  });

  it("passes errors through and fails everything on close", async () => {
    const failing = new GuardedCalls({ invoke: () => Promise.reject(new Error("CHANNEL_PRIVATE")) as never });
    await expect(failing.invoke(new Api.updates.GetState())).rejects.toThrow("CHANNEL_PRIVATE");
    const calls = new GuardedCalls(manualApi().api);
    const call = calls.invoke(new Api.updates.GetState());
    calls.close();
    await expect(call).rejects.toThrow("stopped");
  });
});
