/** What a handler declares: who may trigger it, behind which gate, in which modes; and the function it runs. */
import type { Context } from "./context.js";
import type { RunMode } from "./message.js";

/** Who may trigger a handler: anyone, or only the owner (as the access policy defines it). */
export type AccessLevel = "everyone" | "owner";

/** What a handler declares it needs; the access policy decides before the handler runs. */
export interface HandlerNeeds {
  /** Who may trigger it (default "everyone"). */
  readonly access?: AccessLevel;
  /** Name of a gate the access policy must pass, e.g. a group-membership gate. */
  readonly gate?: string;
  /** Modes it runs in (default both). */
  readonly modes?: readonly RunMode[];
}

/** The function a handler runs. */
export type HandlerFn = (ctx: Context) => unknown;
