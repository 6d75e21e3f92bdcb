/**
 * One METRICS_PORT for every account of the process: the /healthz and /metrics server and the Prometheus
 * registry, started by the first account that joins and closed when the last leaves. With one account,
 * /healthz answers that account's state as before; with several (`npm start -- --session a --session b`),
 * 200 only when every running account is connected and caught up, the body listing each, and the accounts
 * set aside.
 */
import { UserError } from "../errors.js";
import type { MetricsConfig } from "./config.js";
import type { HealthBody, HealthState } from "./health.js";
import { localUrl } from "./instanceFile.js";
import type { MetricsRegistry } from "./prometheus.js";
import { type MetricsServer, startMetricsServer } from "./server.js";

/** What /healthz answers. */
export type HealthReport = { status: 200 | 503; body: HealthBody | AccountsHealthBody };

/** The body of /healthz when several accounts run in the process. */
export interface AccountsHealthBody {
  readonly state: HealthState;
  readonly pid: number;
  readonly uptimeSeconds: number;
  /** The running accounts, in the order they joined. */
  readonly accounts: readonly HealthBody[];
  /** Accounts set aside (a revoked session, for example) and why. */
  readonly setAside: readonly { readonly session: string; readonly reason: string }[];
}

/** The shared server and registry, as an account sees them. */
export interface Joined {
  readonly registry: MetricsRegistry;
  readonly url: string;
  /** Stops answering for this account; the last to leave closes the server. */
  leave(): Promise<void>;
}

/** The process's metrics server, shared by its accounts. */
export interface MetricsHub {
  /** Joins the server (starting it first) with the account's health; rejects with a UserError when the port cannot be used. */
  join(session: string, health: () => { status: 200 | 503; body: HealthBody }): Promise<Joined>;
  /** Records an account that was set aside and why (listed by /healthz with several accounts). */
  setAside(session: string, reason: string): void;
}

/** A hub for `config`; `several` when the process runs more than one account. */
export function createMetricsHub(config: MetricsConfig, options: { several: boolean }): MetricsHub {
  const started = performance.now();
  const accounts = new Map<string, () => { status: 200 | 503; body: HealthBody }>();
  const setAside: { session: string; reason: string }[] = [];
  let opening: Promise<{ registry: MetricsRegistry; server: MetricsServer }> | undefined;
  let members = 0;

  const health = (): HealthReport => {
    const reports = [...accounts.values()].map((read) => read());
    if (!options.several && reports.length === 1) return reports[0];
    const waiting = reports.find((report) => report.status !== 200);
    const state: HealthState = reports.length === 0 ? "starting" : (waiting?.body.state ?? "ready");
    const body = { state, pid: process.pid, uptimeSeconds: Math.round((performance.now() - started) / 1000), accounts: reports.map((r) => r.body), setAside };
    return { status: state === "ready" ? 200 : 503, body };
  };

  const open = async () => {
    const { createMetricsRegistry } = await import("./prometheus.js");
    const registry = createMetricsRegistry();
    try {
      const server = await startMetricsServer(config.host, config.port ?? 0, {
        health,
        metrics: async () => ({ contentType: registry.registry.contentType, text: await registry.registry.metrics() }),
      });
      return { registry, server };
    } catch (error) {
      const code = (error as { code?: string }).code ?? String(error);
      throw new UserError(`METRICS_PORT ${config.port} on METRICS_HOST ${config.host} cannot be used (${code}): choose another port or host`);
    }
  };

  return {
    async join(session, read) {
      opening ??= open();
      const { registry, server } = await opening;
      members += 1;
      accounts.set(session, read);
      let left = false;
      return {
        registry,
        url: localUrl(server.host, server.port),
        async leave() {
          if (left) return;
          left = true;
          if (accounts.get(session) === read) accounts.delete(session);
          members -= 1;
          if (members > 0) return;
          opening = undefined;
          await server.close();
        },
      };
    },
    setAside(session, reason) {
      setAside.push({ session, reason });
    },
  };
}
