/**
 * The one module that reaches into GramJS beyond its documented API: raw update subscription with the
 * entities GramJS attaches to each update, the update containers its connection receives (before GramJS
 * splits them and drops their seq), the results of every call, its connection-state pseudo-updates, DC
 * switching, containers with an error in them, requests sent past its entity bookkeeping, and its table
 * of trusted server keys. When GramJS
 * changes, this is the file to check.
 */
import bigInt from "big-integer";
import type { Api, TelegramClient } from "telegram";
import { _serverKeys } from "telegram/crypto/RSA.js";
import { Raw } from "telegram/events/Raw.js";
import { BinaryReader } from "telegram/extensions/index.js";
import { type MTProtoSender, UpdateConnectionState } from "telegram/network/index.js";
import { RequestState } from "telegram/network/RequestState.js";
import { RPCResult } from "telegram/tl/core/index.js";
import type { ConnectionState } from "../updates/intake.js";

/** A user or chat that came with an update. */
export type Entity = Api.TypeUser | Api.TypeChat;

/** What GramJS hands a raw handler: a Telegram update, or its own connection-state notice. */
export type RawUpdate = Api.TypeUpdate | Api.TypeUpdates | UpdateConnectionState;

/**
 * Calls `handler` synchronously for every update GramJS receives (GramJS awaits one update's handlers in
 * turn, so the handler must only hand work off). Returns the function that unsubscribes.
 */
export function onRawUpdate(client: TelegramClient, handler: (update: RawUpdate) => void): () => void {
  const builder = new Raw({});
  const callback = (update: RawUpdate) => {
    handler(update);
  };
  client.addEventHandler(callback, builder);
  return () => client.removeEventHandler(callback, builder);
}

/** The users and chats of the `updates` container an update arrived in (GramJS stores them on the update). */
export function entitiesOf(update: Api.TypeUpdate): Iterable<Entity> {
  const entities = (update as { _entities?: Map<string, Entity> })._entities;
  return entities === undefined ? [] : entities.values();
}

/** The connection state a GramJS notice reports, or undefined for a real update. */
export function connectionStateOf(update: RawUpdate): ConnectionState | undefined {
  if (!(update instanceof UpdateConnectionState)) return undefined;
  if (update.state === UpdateConnectionState.connected) return "connected";
  return update.state === UpdateConnectionState.disconnected ? "disconnected" : "broken";
}

/** Moves the client to another data center (QR login answered auth.loginTokenMigrateTo). */
export async function switchDataCenter(client: TelegramClient, dcId: number): Promise<void> {
  await (client as unknown as { _switchDC(dcId: number): Promise<void> })._switchDC(dcId);
}

/** What GramJS's connection hands its update callback: an update container, or a connection-state notice. */
export type ReceivedUpdates = Api.TypeUpdates | UpdateConnectionState;

/** GramJS's main connection as far as updates go: the callback it hands every received update to. */
interface UpdateSender {
  _updateCallback?: (client: TelegramClient, update: ReceivedUpdates) => void;
}

/**
 * Calls `handler` with every update container (Updates, UpdatesCombined, UpdateShort*, UpdatesTooLong) and
 * connection-state notice the client's connection receives, whole and in arrival order, right after GramJS's
 * own handling has cached the entities they carry (its event handlers still run). The client must be
 * connected; a later DC switch is not followed. Returns the function that unsubscribes.
 */
export function onUpdatesReceived(client: TelegramClient, handler: (received: ReceivedUpdates) => void): () => void {
  const sender = (client as unknown as { _sender?: UpdateSender })._sender;
  const original = sender?._updateCallback;
  if (sender === undefined || original === undefined) throw new Error("the client must be connected before taking its updates");
  const hooked = (owner: TelegramClient, update: ReceivedUpdates) => {
    original(owner, update);
    handler(update);
  };
  sender._updateCallback = hooked;
  return () => {
    if (sender._updateCallback === hooked) sender._updateCallback = original;
  };
}

/**
 * Calls `observer` with every successful call's request and result (the results of calls are updates too:
 * Telegram counts the pts of a sent message in them). Returns the function that stops observing.
 */
export function onCallResult(client: TelegramClient, observer: (request: Api.AnyRequest, result: unknown) => void): () => void {
  const original = client.invoke;
  const observed = async <R extends Api.AnyRequest>(request: R, dcId?: number): Promise<R["__response"]> => {
    const result: R["__response"] = await original.call(client, request, dcId);
    observer(request, result);
    return result;
  };
  client.invoke = observed;
  return () => {
    if (client.invoke === observed) client.invoke = original;
  };
}

type ResultHandler = ((message: unknown) => unknown) & { containerGuard?: true };

/**
 * GramJS 2.26 stops reading a msg_container at the first rpc_error in it: after rejecting the failed
 * request it rethrows, so the answers after it in the same container are dropped and their requests
 * never settle. Telegram packs concurrent answers into containers, so this makes the sender's
 * rpc_result handler swallow that rethrow (the failed request still gets its error). Idempotent.
 */
export function guardContainers(sender: MTProtoSender): void {
  const handlers = (sender as unknown as { _handlers: Record<string, ResultHandler> })._handlers;
  const key = RPCResult.CONSTRUCTOR_ID.toString();
  const original = handlers[key];
  if (original === undefined || original.containerGuard) return;
  const guarded: ResultHandler = (message) => {
    try {
      return original(message);
    } catch {
      return undefined;
    }
  };
  guarded.containerGuard = true;
  handlers[key] = guarded;
}

/** Guard every connection the client makes (GramJS builds its sender on connect). */
export function guardContainersOnConnect(client: TelegramClient): void {
  const connect = client.connect.bind(client);
  client.connect = async () => {
    const connected = await connect();
    const sender = (client as unknown as { _sender?: MTProtoSender })._sender;
    if (sender) guardContainers(sender);
    return connected;
  };
}

/**
 * Ends the attempts of the connect() under way (GramJS 2.26 tries `connectionRetries` times, here without
 * end): its loop stops after the current attempt and connect() resolves false. For a failure no retry can
 * fix, such as a proxy refusing its credentials.
 */
export function stopConnectRetries(client: TelegramClient): void {
  const sender = (client as unknown as { _sender?: { _retries: number } })._sender;
  if (sender !== undefined) sender._retries = 0;
}

/** A BinaryReader that reads 64-bit integers straight from the buffer, skipping GramJS's hex-string round trip. */
class LongReader extends BinaryReader {
  override readLargeInt(bits: number, signed = true): bigInt.BigInteger {
    if (bits !== 64) return super.readLargeInt(bits, signed);
    const bytes = this.read(8);
    return bigInt(signed ? bytes.readBigInt64LE(0) : bytes.readBigUInt64LE(0));
  }
}

/**
 * Sends a request straight to the client's MTProto sender instead of `client.invoke`, and hands its answer,
 * as read, to `read`; rejects with `timeout.error()` after `timeout.ms`. `invoke` adds every user of every
 * result to the session's entity list (a Set of fresh arrays that never deduplicates) and to the entity
 * cache, so memory would grow with a large group's member pages; reading ids and access hashes through hex
 * strings costs more CPU than the rest of a page. Whatever `read` builds is all that outlives the answer.
 * The sender's containers are guarded (guardContainers), so pipelined requests survive a neighbour's error.
 */
export function sendUncached<T>(
  client: TelegramClient,
  request: Api.AnyRequest,
  read: (answer: unknown) => T,
  timeout: { readonly ms: number; readonly error: () => Error },
): Promise<T> {
  const sender = client._sender;
  if (sender === undefined || sender.userDisconnected) return Promise.reject(new Error("the Telegram client is not connected"));
  guardContainers(sender);
  // The sender reads an answer with its request's readResult (an instance method at run time, whatever the typings say).
  Object.defineProperty(request, "readResult", { value: (reader: BinaryReader) => read(new LongReader(reader.read()).tgReadObject()) });
  const state = new RequestState(request);
  sender.addStateToQueue(state);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(timeout.error()), timeout.ms);
    (state.promise as Promise<T>).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Adds an RSA public key to the table of server keys GramJS accepts during the auth-key handshake. */
export function trustRsaKey(fingerprint: string, n: bigint, e: bigint): void {
  _serverKeys.set(fingerprint, { n: bigInt(n.toString()), e: Number(e) });
}
