/**
 * The instance file: sessions/NAME.metrics.json, written (mode 0600) by a running `npm start` whose
 * METRICS_PORT is set and removed when it stops, so that `npm run status -- --session NAME` finds its
 * /healthz. It holds the process id and the server's address, nothing secret.
 */
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** What the instance file holds. */
export interface InstanceRecord {
  readonly pid: number;
  /** Base URL of the metrics server, e.g. http://127.0.0.1:9464 */
  readonly url: string;
  readonly startedAt: string;
}

/** Path of a session's instance file. */
export function instanceFilePath(sessionsDir: string, sessionName: string): string {
  return join(sessionsDir, `${sessionName}.metrics.json`);
}

/** The URL a client on this machine reaches a server listening on host:port at. */
export function localUrl(host: string, port: number): string {
  const reachable = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
}

/** Writes the instance file, readable by its owner only. */
export function writeInstanceFile(path: string, record: InstanceRecord): void {
  writeFileSync(path, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** Reads an instance file; undefined when absent or unreadable. */
export function readInstanceFile(path: string): InstanceRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(path, "utf8")) as Partial<InstanceRecord>;
    if (typeof record.pid !== "number" || typeof record.url !== "string") return undefined;
    return { pid: record.pid, url: record.url, startedAt: String(record.startedAt ?? "") };
  } catch {
    return undefined;
  }
}

/** Removes the instance file if this process wrote it. */
export function removeInstanceFile(path: string, pid: number = process.pid): void {
  if (readInstanceFile(path)?.pid === pid) rmSync(path, { force: true });
}
