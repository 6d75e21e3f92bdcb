/**
 * Runs an enumeration plan: pages requested in parallel up to the adaptive limit, each page's rows
 * handed to the sink (the snapshot writer) as soon as it arrives and then dropped, so memory holds
 * only the pages in flight. FLOOD_WAIT pauses every request and halves the limit; transient server
 * errors are retried; any other error, or the abort signal, stops the run once pages in flight settle.
 */
import { floodWaitSeconds } from "../errors.js";
import type { AdaptiveConcurrency, FloodWaitEffect } from "./concurrency.js";
import { AuditError, AuditInterrupted } from "./errors.js";
import type { EnumerationPlan, PageTask, PlanStatus } from "./plan.js";
import type { MemberRow } from "./types.js";

/** One fetched page: the count Telegram reported and the page's rows. */
export interface PageResult {
  count: number;
  rows: MemberRow[];
}

/** Where pages come from (GramJS in production, a fake in unit tests). */
export interface ParticipantsSource {
  /** Fetches one page; rejects with the RPC error Telegram answered. */
  fetch(task: PageTask): Promise<PageResult>;
}

/** Where rows go: returns how many of them were people not seen before, in the chat and banned. */
export type RowSink = (rows: readonly MemberRow[]) => { newMembers: number; newKicked: number };

/** Progress of a run, after each page. */
export interface RunProgress extends PlanStatus {
  requests: number;
  concurrency: number;
}

export interface RunOptions {
  concurrency: AdaptiveConcurrency;
  signal?: AbortSignal;
  /** Longer flood waits stop the audit (AuditError "flood-wait"). */
  maxFloodWaitSeconds: number;
  /** Times one page is retried after a transient error. */
  maxRetries?: number;
  /** Pause before the first retry of a page; doubled for each further one (default 500 ms). */
  retryBaseMs?: number;
  onProgress?: (progress: RunProgress) => void;
  onFloodWait?: (effect: FloodWaitEffect) => void;
}

/** Totals of a run. */
export interface RunTotals {
  requests: number;
  floodWaits: number;
  retries: number;
}

/** RPC errors worth retrying: Telegram's internal errors (code 500 and up) and timeouts. */
export function isTransientError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, errorMessage, name } = error as { code?: unknown; errorMessage?: unknown; name?: unknown };
  if (typeof code === "number" && code >= 500) return true;
  if (typeof errorMessage === "string" && /^(INTERNAL|RPC_CALL_FAIL|RPC_MCGET_FAIL|TIMEOUT|.*_TIMEOUT)$/.test(errorMessage)) return true;
  return name === "PageTimeoutError";
}

/** Resolves after `ms`, or at once when the signal aborts. */
function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Words of a page's rows the plan learns search letters from. */
function* wordsOf(rows: readonly MemberRow[]): Generator<string> {
  for (const row of rows) {
    if (row.firstName) yield row.firstName;
    if (row.lastName) yield row.lastName;
    if (row.username) yield row.username;
  }
}

/** Fetches every page the plan asks for; resolves with the totals, or rejects on the first fatal error. */
export async function runPlan(plan: EnumerationPlan, source: ParticipantsSource, sink: RowSink, options: RunOptions): Promise<RunTotals> {
  const { concurrency, signal } = options;
  const maxRetries = options.maxRetries ?? 5;
  const totals: RunTotals = { requests: 0, floodWaits: 0, retries: 0 };
  const attempts = new Map<string, number>();
  const inflight = new Set<Promise<void>>();
  let failure: unknown;

  const fail = (task: PageTask, error: unknown) => {
    plan.retry(task);
    const seconds = floodWaitSeconds(error);
    if (seconds !== undefined) {
      if (seconds > options.maxFloodWaitSeconds) {
        failure ??= new AuditError("flood-wait", `Telegram asks to wait ${seconds} s before listing more members (FLOOD_WAIT): run the audit again later`);
        return;
      }
      totals.floodWaits++;
      options.onFloodWait?.(concurrency.floodWait(seconds));
      return;
    }
    const key = `${task.query.filter}:${task.query.q}:${task.offset}`;
    const tried = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, tried);
    if (isTransientError(error) && tried <= maxRetries) {
      totals.retries++;
      concurrency.pause(Math.min(30_000, (options.retryBaseMs ?? 500) * 2 ** (tried - 1)));
      return;
    }
    failure ??= error;
  };

  const start = (task: PageTask) => {
    totals.requests++;
    const request = source.fetch(task).then(
      (page) => {
        const added = sink(page.rows);
        plan.onPage(task, { count: page.count, rows: page.rows.length, ...added, words: wordsOf(page.rows) });
        concurrency.success();
        options.onProgress?.({ ...plan.status(), requests: totals.requests, concurrency: concurrency.limit });
      },
      (error: unknown) => fail(task, error),
    );
    const tracked: Promise<void> = request
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => inflight.delete(tracked));
    inflight.add(tracked);
  };

  const aborted = new Promise<void>((resolve) => signal?.addEventListener("abort", () => resolve(), { once: true }));
  const settledOne = () => Promise.race([...inflight, aborted]);
  while (failure === undefined && !signal?.aborted) {
    const pause = concurrency.pauseLeft();
    if (pause > 0) {
      await delay(pause, signal);
      continue;
    }
    if (inflight.size >= concurrency.limit) {
      await settledOne();
      continue;
    }
    const step = plan.next();
    if (step.kind === "done") break;
    if (step.kind === "wait") {
      await settledOne();
      continue;
    }
    start(step.task);
  }
  await Promise.allSettled(inflight);
  if (failure !== undefined) throw failure;
  if (signal?.aborted) throw new AuditInterrupted();
  return totals;
}
