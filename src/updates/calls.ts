/**
 * Catch-up's calls, guarded. GramJS 2.26 can lose a call queued while its connection is down: its
 * reconnection clears the send queue, so the call's promise never settles (MTProtoSender._reconnect keeps
 * only the calls already sent). Catch-up only reads (getDifference, getChannelDifference, getHistory,
 * getDialogs, getState), so a call still unanswered when the connection comes back is abandoned and made
 * again; a call with no answer at all within a deadline fails (and is retried by the caller).
 */
import type { Api } from "telegram";
import type { UpdatesApi } from "./fetch.js";

/** How long a catch-up call may go unanswered on a live connection. */
export const CALL_TIMEOUT_MS = 60_000;

/** A call abandoned because the connection was re-established meanwhile (make it again). */
export class ConnectionResetError extends Error {
  constructor() {
    super("the connection was re-established before the answer came");
    this.name = "ConnectionResetError";
  }
}

/** An UpdatesApi whose calls end when the connection comes back or the deadline passes. */
export class GuardedCalls implements UpdatesApi {
  private readonly pending = new Set<(error: Error) => void>();

  /** Wraps `api`; calls fail after `timeoutMs` without an answer. */
  constructor(
    private readonly api: UpdatesApi,
    private readonly timeoutMs = CALL_TIMEOUT_MS,
  ) {}

  /** Makes a call that settles with its answer, or fails on reset(), close() or the deadline. */
  invoke<R extends Api.AnyRequest>(request: R): Promise<R["__response"]> {
    return new Promise((resolve, reject) => {
      const end = (error: Error) => {
        clearTimeout(timer);
        this.pending.delete(end);
        reject(error);
      };
      const timer = setTimeout(() => end(new Error(`${request.className}: no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      this.pending.add(end);
      this.api.invoke(request).then(
        (answer) => {
          if (!this.pending.delete(end)) return;
          clearTimeout(timer);
          resolve(answer);
        },
        (error: unknown) => {
          if (this.pending.has(end)) end(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  /** The connection was re-established: calls in flight may be lost; they fail with ConnectionResetError. */
  reset(): void {
    for (const end of [...this.pending]) end(new ConnectionResetError());
  }

  /** Fails every call in flight (the manager stopped). */
  close(): void {
    for (const end of [...this.pending]) end(new Error("stopped"));
  }
}
