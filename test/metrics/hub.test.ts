/** One METRICS_PORT for several accounts: /healthz over every running account, /metrics labelled by session, the server's life. */
import { describe, expect, it } from "vitest";
import { type HealthInput, healthOf } from "../../src/metrics/health.js";
import { createMetricsHub } from "../../src/metrics/hub.js";
import { parsePrometheusText, sampleValue } from "./promText.js";

const CONFIG = { port: 0, host: "127.0.0.1", statusLogIntervalSeconds: 0 };
const stats = { received: 0, handled: 0, duplicates: 0, running: 0, queued: 0 };
const account = (session: string, connected: boolean) => {
  const input: HealthInput = {
    session,
    pid: 1,
    uptimeSeconds: 1,
    runtime: { health: { connected, caughtUp: connected, stopping: false }, stats, lagSeconds: 0 },
  };
  return () => healthOf(input);
};
const source = { queued: () => 2, running: () => 0, lagSeconds: () => 0, connected: () => true, caughtUp: () => true };

async function get(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/healthz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("the metrics hub", () => {
  it("is 200 only when every running account is ready, lists each and those set aside, and closes with the last", async () => {
    const hub = createMetricsHub(CONFIG, { several: true });
    let annaConnected = true;
    const anna = await hub.join("anna", () => account("anna", annaConnected)());
    const boris = await hub.join("boris", account("boris", true));
    expect(boris.url).toBe(anna.url);
    expect(await get(anna.url)).toMatchObject({ status: 200, body: { state: "ready", accounts: [{ session: "anna" }, { session: "boris" }], setAside: [] } });
    annaConnected = false;
    expect(await get(anna.url)).toMatchObject({ status: 503, body: { state: "disconnected" } });
    await anna.leave();
    hub.setAside("anna", 'Session "anna" was revoked or expired');
    expect(await get(boris.url)).toMatchObject({
      status: 200,
      body: { state: "ready", accounts: [{ session: "boris" }], setAside: [{ session: "anna", reason: 'Session "anna" was revoked or expired' }] },
    });
    const metrics = boris.registry.account("boris", source);
    metrics.handled(0.01);
    const text = await (await fetch(`${boris.url}/metrics`)).text();
    expect(sampleValue(parsePrometheusText(text), "tg_messages_handled_total", { session: "boris" })).toBe(1);
    expect(sampleValue(parsePrometheusText(text), "tg_queue_depth", { session: "boris" })).toBe(2);
    await boris.leave();
    await expect(fetch(`${boris.url}/healthz`)).rejects.toThrow();
  });

  it("answers one account's own body when the process runs one", async () => {
    const hub = createMetricsHub(CONFIG, { several: false });
    const only = await hub.join("default", account("default", true));
    expect(await get(only.url)).toMatchObject({ status: 200, body: { state: "ready", session: "default" } });
    await only.leave();
  });
});
