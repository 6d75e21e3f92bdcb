/** A world with recorded pushes and a way to call method handlers as a given auth key. */
import { Api } from "telegram";
import { unauthorized } from "../../../src/model/errors.js";
import { toLong } from "../../../src/model/longs.js";
import type { UserRecord } from "../../../src/model/records.js";
import { World } from "../../../src/model/world.js";
import type { CallContext, MethodTable } from "../../../src/rpc/context.js";

export interface Push {
  userId: number;
  updates: Api.TypeUpdates;
  except?: string;
}

export interface Harness {
  world: World;
  pushes: Push[];
  keyPushes: { authKeyId: string; updates: Api.TypeUpdates }[];
  online: Set<number>;
  /** A context for calls on `authKeyId` (the user bound to it, if any), session "<key>/s1". */
  ctx(authKeyId: string): CallContext;
  /** Bind a fresh auth key to the user and return a context for it. */
  as(user: UserRecord): CallContext;
  /** Pushes to one user, oldest first. */
  pushesTo(userId: number): Push[];
}

let keys = 0;

/** A fresh world with pushes recorded and every user online unless removed from `online`. */
export function harness(): Harness {
  const world = new World(Buffer.alloc(32, 7));
  const pushes: Push[] = [];
  const keyPushes: { authKeyId: string; updates: Api.TypeUpdates }[] = [];
  const online = new Set<number>();
  world.push = (userId, updates, except) => pushes.push({ userId, updates, except });
  world.pushToKey = (authKeyId, updates) => keyPushes.push({ authKeyId, updates });
  world.onlineUsers = () => online;
  const ctx = (authKeyId: string): CallContext => ({
    world,
    authKeyId,
    sessionKey: `${authKeyId}/s1`,
    get userId() {
      return world.userOfKey(authKeyId);
    },
    layer: 198,
    requireUser() {
      const id = world.userOfKey(authKeyId);
      const user = id === undefined ? undefined : world.users.get(id);
      if (!user) throw unauthorized("AUTH_KEY_UNREGISTERED");
      return user;
    },
  });
  return {
    world,
    pushes,
    keyPushes,
    online,
    ctx,
    as(user) {
      const key = `key${++keys}`;
      world.authorizations.set(key, { userId: user.id, date: world.now() });
      online.add(user.id);
      return ctx(key);
    },
    pushesTo: (userId) => pushes.filter((p) => p.userId === userId),
  };
}

/**
 * Run a request through a method table as GramJS's className names it. The result must serialize
 * as TL (what the server will send), so a missing required field fails here.
 */
export async function call<T = unknown>(table: MethodTable, request: { className: string }, ctx: CallContext): Promise<T> {
  const handler = table[request.className];
  if (!handler) throw new Error(`no handler for ${request.className}`);
  const result = await handler(request, ctx);
  for (const item of Array.isArray(result) ? result : [result]) {
    if (item && typeof item === "object" && "getBytes" in item) (item as { getBytes(): Buffer }).getBytes();
  }
  return result as T;
}

/** The InputPeerUser `viewer` would send for `user` (with the viewer's access hash). */
export function inputPeer(world: World, viewer: UserRecord, user: UserRecord): Api.InputPeerUser {
  return new Api.InputPeerUser({ userId: toLong(user.id), accessHash: toLong(world.accessHash(viewer.id, "user", user.id)) });
}

/** The InputUser `viewer` would send for `user`. */
export function inputUser(world: World, viewer: UserRecord, user: UserRecord): Api.InputUser {
  return new Api.InputUser({ userId: toLong(user.id), accessHash: toLong(world.accessHash(viewer.id, "user", user.id)) });
}

/** A promise's rejection as "code NAME", for asserting Telegram errors. */
export async function rpcError(promise: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    const e = error as { code?: number; errorMessage?: string };
    if (e.errorMessage) return `${e.code} ${e.errorMessage}`;
    throw error;
  }
  throw new Error("expected an RPC error");
}

/** A random_id as GramJS sends it. */
export function randomId(n: number) {
  return toLong(BigInt(n) * 7919n + 12345n);
}
