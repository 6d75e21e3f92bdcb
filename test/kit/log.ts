/**
 * The one way tests capture what the product logs: a real logger (the product's createLogger, JSON
 * lines, secrets masked) writing into memory, read back as lines or parsed entries, and awaited.
 */
import { createLogger, type Logger, type LogLevel, type SecretRegistry } from "../../src/log.js";
import { WAIT_MS, Watch } from "./watch.js";

/** One parsed JSON log line. */
export type LogEntry = Record<string, unknown> & { msg?: string; level?: number };

/** A logger and what it wrote. */
export interface LogCapture {
  readonly log: Logger;
  /** Every line written, as written (JSON, newline-terminated). */
  readonly lines: string[];
  /** Every line parsed. */
  entries(): LogEntry[];
  /** Resolves with the first entry (already written or still to come) that matches; rejects after timeoutMs. */
  untilEntry(match: (entry: LogEntry) => boolean, timeoutMs?: number): Promise<LogEntry>;
}

/**
 * A logger writing JSON lines into memory, at `level` ("debug" unless told), masking the secrets of
 * `secrets` (the process-wide registry unless told, as the product's logger does).
 *
 * @example
 * const capture = captureLog({ level: "info" });
 * await startRuntime({ ..., log: capture.log });
 * expect(capture.entries()).toContainEqual(expect.objectContaining({ msg: "ready" }));
 */
export function captureLog(options: { level?: LogLevel; secrets?: SecretRegistry } = {}): LogCapture {
  const lines: string[] = [];
  const watch = new Watch();
  const log = createLogger({
    level: options.level ?? "debug",
    format: "json",
    secrets: options.secrets,
    destination: {
      write: (line: string) => {
        lines.push(line);
        watch.changed();
      },
    },
  });
  const entries = () => lines.map((line) => JSON.parse(line) as LogEntry);
  return {
    log,
    lines,
    entries,
    async untilEntry(match, timeoutMs = WAIT_MS) {
      let found: LogEntry | undefined;
      let next = 0;
      const look = () => {
        for (; found === undefined && next < lines.length; next += 1) {
          const entry = JSON.parse(lines[next]) as LogEntry;
          if (match(entry)) found = entry;
        }
        return found !== undefined;
      };
      await watch.until(look, "no matching log entry", timeoutMs);
      return found!;
    },
  };
}
