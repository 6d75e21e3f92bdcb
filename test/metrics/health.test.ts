import { describe, expect, it } from "vitest";
import { parseMetricsConfig } from "../../src/metrics/config.js";
import { healthOf } from "../../src/metrics/health.js";
import { localUrl } from "../../src/metrics/instanceFile.js";
import { LagTracker } from "../../src/metrics/lag.js";

const stats = { received: 5, handled: 4, duplicates: 0, running: 1, queued: 2 };
const input = (health: { connected: boolean; caughtUp: boolean; stopping: boolean }) => ({
  session: "default",
  pid: 42,
  uptimeSeconds: 12.4,
  runtime: { health, stats, lagSeconds: 3 },
});

describe("healthOf", () => {
  it("is 200 ready only when connected, caught up and not stopping", () => {
    expect(healthOf(input({ connected: true, caughtUp: true, stopping: false }))).toEqual({
      status: 200,
      body: {
        state: "ready",
        connected: true,
        caughtUp: true,
        session: "default",
        pid: 42,
        uptimeSeconds: 12,
        handled: 4,
        queued: 2,
        running: 1,
        lagSeconds: 3,
      },
    });
    expect(healthOf(input({ connected: false, caughtUp: false, stopping: false }))).toMatchObject({ status: 503, body: { state: "disconnected" } });
    expect(healthOf(input({ connected: true, caughtUp: false, stopping: false }))).toMatchObject({ status: 503, body: { state: "catching-up" } });
    expect(healthOf(input({ connected: true, caughtUp: true, stopping: true }))).toMatchObject({ status: 503, body: { state: "stopping" } });
    expect(healthOf({ session: "default", pid: 42, uptimeSeconds: 0 })).toMatchObject({ status: 503, body: { state: "starting", handled: 0 } });
  });
});

describe("LagTracker", () => {
  it("is the age of the last handled message while messages wait, 0 otherwise", () => {
    const lag = new LagTracker();
    expect(lag.seconds(3, 1000)).toBe(0);
    lag.handled(900);
    expect(lag.seconds(3, 1000)).toBe(100);
    expect(lag.seconds(0, 1000)).toBe(0);
  });
});

describe("parseMetricsConfig", () => {
  it("has no server by default, listens on 127.0.0.1, logs a status line every 10 minutes", () => {
    expect(parseMetricsConfig({}, [])).toEqual({ port: undefined, host: "127.0.0.1", statusLogIntervalSeconds: 600 });
    expect(parseMetricsConfig({ METRICS_PORT: "9464", METRICS_HOST: "0.0.0.0", STATUS_LOG_INTERVAL: "0" }, [])).toEqual({
      port: 9464,
      host: "0.0.0.0",
      statusLogIntervalSeconds: 0,
    });
  });

  it("names the variable of a bad value", () => {
    for (const [env, variable] of [
      [{ METRICS_PORT: "http" }, "METRICS_PORT"],
      [{ METRICS_PORT: "70000" }, "METRICS_PORT"],
      [{ METRICS_HOST: "a host" }, "METRICS_HOST"],
      [{ STATUS_LOG_INTERVAL: "10m" }, "STATUS_LOG_INTERVAL"],
    ] as const) {
      const problems: [string, string][] = [];
      parseMetricsConfig(env, problems);
      expect(problems.map(([name]) => name)).toEqual([variable]);
      expect(problems[0][1]).toContain(variable);
    }
  });

  it("gives a local URL for any listening address", () => {
    expect(localUrl("0.0.0.0", 9464)).toBe("http://127.0.0.1:9464");
    expect(localUrl("::", 9464)).toBe("http://[::1]:9464");
    expect(localUrl("127.0.0.1", 1)).toBe("http://127.0.0.1:1");
  });
});
