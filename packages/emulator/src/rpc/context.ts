/**
 * The contract between the MTProto server (mtproto/) and the method handlers
 * (methods/): what a handler is given and what it returns.
 */

import type { UserRecord } from "../model/records.js";
import type { World } from "../model/world.js";

/** What a method handler knows about the call it serves. */
export interface CallContext {
  world: World;
  /** The auth key the call came on, as hex; authorizations are bound to it, as on Telegram. */
  authKeyId: string;
  /** Identifies the calling session (auth key + session_id), so pushes can skip the caller. */
  sessionKey: string;
  /** The account signed in on this auth key, if any. */
  userId: number | undefined;
  /** The layer the client declared with invokeWithLayer (0 if it did not). */
  layer: number;
  /** The signed-in account; throws 401 AUTH_KEY_UNREGISTERED when there is none. */
  requireUser(): UserRecord;
}

/**
 * A method handler: takes the parsed request (a GramJS `Api.*` request object) and returns the
 * result as GramJS TL objects, `true`/`false` for Bool, or an array for Vector<T>. Throws
 * `RpcError` for Telegram errors.
 */
// biome-ignore lint/suspicious/noExplicitAny: each method reads its own GramJS request class
export type MethodHandler = (request: any, ctx: CallContext) => unknown;

/** Handlers keyed by the request's TL name as GramJS spells it, e.g. "messages.SendMessage". */
export type MethodTable = Record<string, MethodHandler>;
