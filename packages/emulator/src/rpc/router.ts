/**
 * The RPC router: finds the handler for a parsed request and applies what the emulator adds around
 * every call: the sign-in check, call statistics, injected faults, flood limits and latency.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { checkUserDc } from "../model/dcs.js";
import { badRequest, RpcError, unauthorized } from "../model/errors.js";
import type { CallContext, MethodTable } from "./context.js";
import { type FloodLimit, FloodLimiter } from "./floodLimiter.js";

/** A fault queued through the control API: the next `count` calls (of `method`, or of any) fail. */
export interface Fault {
  method?: string;
  error: string;
  code: number;
  count: number;
}

/** Methods a client may call before signing in. */
const OPEN_NAMESPACES = ["auth.", "help.", "langpack."];
const OPEN_METHODS = new Set(["account.getPassword"]);

/** "messages.SendMessage" (GramJS's className) → "messages.sendMessage" (the TL method name). */
export function tlMethodName(className: string): string {
  const dot = className.lastIndexOf(".");
  const head = className.slice(0, dot + 1);
  const tail = className.slice(dot + 1);
  return head + tail.charAt(0).toLowerCase() + tail.slice(1);
}

/** The code Telegram uses for an error name, for faults given by name only. */
export function errorCode(name: string): number {
  if (name.startsWith("FLOOD_WAIT_") || name.startsWith("SLOWMODE_WAIT_")) return 420;
  if (/^(AUTH_KEY_|SESSION_|USER_DEACTIVATED)/.test(name)) return 401;
  if (/^(CHAT_ADMIN_REQUIRED|CHAT_WRITE_FORBIDDEN|USER_PRIVACY_RESTRICTED|RIGHT_FORBIDDEN)/.test(name)) return 403;
  if (/^(INTERNAL|RPC_CALL_FAIL|RPC_MCGET_FAIL|TIMEOUT|.*_TIMEOUT)$/.test(name)) return 500;
  return 400;
}

/**
 * GramJS's TL reader sets optional fields that are absent from the wire to null, while requests
 * built in code leave them undefined. Handlers check `=== undefined`, so make parsed requests read
 * like built ones (recursively through nested TL objects and vectors).
 */
export function absentAsUndefined(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) absentAsUndefined(item);
    return;
  }
  if (typeof value !== "object" || value === null || !("className" in value)) return;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const field = record[key];
    if (field === null) record[key] = undefined;
    else if (typeof field === "object") absentAsUndefined(field);
  }
}

export class Router {
  /** Calls served, by TL method name. */
  readonly stats = new Map<string, number>();
  latencyMs: number;
  readonly flood = new FloodLimiter();
  private faults: Fault[] = [];

  constructor(
    private readonly methods: MethodTable,
    options: { latencyMs?: number } = {},
  ) {
    this.latencyMs = options.latencyMs ?? 0;
  }

  /** Serve one request: the MTProto server calls this for every unwrapped API call. */
  async handle(request: { className: string }, ctx: CallContext): Promise<unknown> {
    absentAsUndefined(request);
    const name = tlMethodName(request.className);
    this.stats.set(name, (this.stats.get(name) ?? 0) + 1);
    if (this.latencyMs > 0) await sleep(this.latencyMs);

    const fault = this.takeFault(name);
    if (fault) throw new RpcError(fault.code, fault.error);

    const handler = this.methods[request.className];
    if (!handler) throw badRequest("METHOD_NOT_IMPLEMENTED_IN_EMULATOR");

    const open = OPEN_METHODS.has(name) || OPEN_NAMESPACES.some((ns) => name.startsWith(ns));
    if (!open && ctx.userId === undefined) throw unauthorized("AUTH_KEY_UNREGISTERED");
    // The account's calls on a DC that is not its home: 303 USER_MIGRATE_X (model/dcs.ts).
    if (!open) checkUserDc(ctx.world, ctx.authKeyId);
    if (ctx.userId !== undefined) this.flood.take(name, ctx.userId);
    return handler(request, ctx);
  }

  /** Queue a fault: the next `count` calls of `method` (TL name; any method if omitted) fail with `error`. */
  addFault(fault: Fault): void {
    this.faults.push({ ...fault, method: fault.method && tlMethodName(fault.method) });
  }

  /** Set or clear (null) a flood limit for a method, or for every method when none is named. */
  setFloodLimit(method: string | undefined, limit: FloodLimit | null): void {
    this.flood.set(method && tlMethodName(method), limit);
  }

  /** Forget faults, limits and statistics (control API POST /reset). */
  reset(): void {
    this.faults = [];
    this.stats.clear();
    this.flood.clear();
  }

  private takeFault(name: string): Fault | undefined {
    const i = this.faults.findIndex((f) => f.method === undefined || f.method === name);
    if (i < 0) return undefined;
    const fault = this.faults[i];
    if (--fault.count <= 0) this.faults.splice(i, 1);
    return fault;
  }
}
