/**
 * A small world for the groups model tests: a fixed clock, a settable online set and a recorder
 * of every push, plus helpers to build the Input* objects a client would send.
 */
import { Api } from "telegram";
import { RpcError } from "../../../src/model/errors.js";
import { toLong } from "../../../src/model/longs.js";
import type { ChatRecord, UserRecord } from "../../../src/model/records.js";
import { createUser } from "../../../src/model/users.js";
import { World } from "../../../src/model/world.js";
import type { CallContext } from "../../../src/rpc/context.js";

export interface Push {
  userId: number;
  updates: Api.TypeUpdates;
  exceptSessionKey?: string;
}

export interface Fixture {
  world: World;
  online: Set<number>;
  pushes: Push[];
  /** Move the clock forward. */
  tick(seconds: number): void;
  person(firstName: string, extra?: Partial<Parameters<typeof createUser>[1]>): UserRecord;
  ctx(user: UserRecord, sessionKey?: string): CallContext;
}

/** A fresh world whose pushes are recorded and whose clock only moves when told. */
export function fixture(): Fixture {
  const world = new World(Buffer.alloc(32, 7));
  const online = new Set<number>();
  const pushes: Push[] = [];
  let now = 1_700_000_000;
  world.now = () => now;
  world.onlineUsers = () => online;
  world.push = (userId, updates, exceptSessionKey) => pushes.push({ userId, updates, exceptSessionKey });
  return {
    world,
    online,
    pushes,
    tick: (seconds) => {
      now += seconds;
    },
    person: (firstName, extra = {}) => createUser(world, { firstName, ...extra }),
    ctx: (user, sessionKey = `session-${user.id}`) => ({
      world,
      authKeyId: `key-${user.id}`,
      sessionKey,
      userId: user.id,
      layer: 198,
      requireUser: () => user,
    }),
  };
}

/** The InputChannel viewer would send for chat (their own access hash). */
export function inputChannel(world: World, viewerId: number, chat: ChatRecord): Api.InputChannel {
  return new Api.InputChannel({ channelId: toLong(chat.id), accessHash: toLong(world.accessHash(viewerId, "channel", chat.id)) });
}

/** The InputUser viewer would send for user. */
export function inputUser(world: World, viewerId: number, user: UserRecord): Api.InputUser {
  return new Api.InputUser({ userId: toLong(user.id), accessHash: toLong(world.accessHash(viewerId, "user", user.id)) });
}

/** The InputPeerUser viewer would send for user. */
export function inputPeerUser(world: World, viewerId: number, user: UserRecord): Api.InputPeerUser {
  return new Api.InputPeerUser({ userId: toLong(user.id), accessHash: toLong(world.accessHash(viewerId, "user", user.id)) });
}

/** Every Update pushed to userId, in order, unwrapped from Updates / UpdateShort. */
export function pushedTo(pushes: Push[], userId: number): Api.TypeUpdate[] {
  return pushes.filter((p) => p.userId === userId).flatMap((p) => updatesIn(p.updates));
}

/** The Update list inside an Updates-like object. */
export function updatesIn(updates: unknown): Api.TypeUpdate[] {
  if (updates instanceof Api.Updates || updates instanceof Api.UpdatesCombined) return updates.updates;
  if (updates instanceof Api.UpdateShort) return [updates.update];
  return [];
}

/** The RPC error a call throws (fails the test when it does not throw one). */
export function rpcError(call: () => unknown): RpcError {
  try {
    call();
  } catch (error) {
    if (error instanceof RpcError) return error;
    throw error;
  }
  throw new Error("expected an RpcError");
}
