/**
 * The one module that reaches into GramJS beyond its documented API: raw update subscription with the
 * entities GramJS attaches to each update, the update containers its connection receives (before GramJS
 * splits them and drops their seq), the results of every call, its connection-state pseudo-updates, DC
 * switching, containers with an error in them, requests sent past its entity bookkeeping, and its table
 * of trusted server keys. When GramJS
 * changes, this is the file to check.
 */
import bigInt from "big-integer";
import { Api, type TelegramClient } from "telegram";
import { AuthKey } from "telegram/crypto/AuthKey.js";
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

/** Moves the client to another data center (QR login answered auth.loginTokenMigrateTo); see followDcSwitches. */
export async function switchDataCenter(client: TelegramClient, dcId: number): Promise<void> {
  await (client as unknown as SwitchingClient)._switchDC(dcId);
}

/** What GramJS's connection hands its update callback: an update container, or a connection-state notice. */
export type ReceivedUpdates = Api.TypeUpdates | UpdateConnectionState;

type UpdateCallback = (client: TelegramClient, update: ReceivedUpdates) => void;

/** GramJS's main connection as far as updates go: the callback it hands every received update to. */
interface UpdateSender {
  _updateCallback?: UpdateCallback & { hookedFor?: Set<(received: ReceivedUpdates) => void> };
}

/** Handlers of onUpdatesReceived, by client: they move with the client to every new sender (a DC switch). */
const updateHandlers = new WeakMap<TelegramClient, Set<(received: ReceivedUpdates) => void>>();

/** Puts the client's update handlers on its current sender, once. */
function hookSender(client: TelegramClient): void {
  const handlers = updateHandlers.get(client);
  const sender = (client as unknown as { _sender?: UpdateSender })._sender;
  const original = sender?._updateCallback;
  if (handlers === undefined || sender === undefined || original === undefined || original.hookedFor === handlers) return;
  const hooked: UpdateCallback & { hookedFor?: typeof handlers } = (owner, update) => {
    original(owner, update);
    for (const handler of handlers) handler(update);
  };
  hooked.hookedFor = handlers;
  sender._updateCallback = hooked;
}

/**
 * Calls `handler` with every update container (Updates, UpdatesCombined, UpdateShort*, UpdatesTooLong) and
 * connection-state notice the client's connection receives, whole and in arrival order, right after GramJS's
 * own handling has cached the entities they carry (its event handlers still run). The client must be
 * connected. A DC switch (followDcSwitches) moves the handler to the new connection and tells it
 * "connected" once the account is signed in there. Returns the function that unsubscribes.
 */
export function onUpdatesReceived(client: TelegramClient, handler: (received: ReceivedUpdates) => void): () => void {
  const sender = (client as unknown as { _sender?: UpdateSender })._sender;
  if (sender?._updateCallback === undefined) throw new Error("the client must be connected before taking its updates");
  let handlers = updateHandlers.get(client);
  if (handlers === undefined) updateHandlers.set(client, (handlers = new Set()));
  const own = (received: ReceivedUpdates) => handler(received);
  handlers.add(own);
  hookSender(client);
  return () => void handlers.delete(own);
}

/** Where each DC of a custom server listens, by DC id (GramJS dials 80 or 443 whatever the server says). */
export type DcAddressBook = Map<number, { readonly host: string; readonly port: number }>;

/**
 * Makes GramJS's DC look-up (used when it moves to another DC or opens a connection to one for files) answer
 * the address and port help.getConfig's dc_options give, and notes them in `book` for the connection class
 * (customServer.ts): GramJS 2.26 answers port 443 whatever dc_options say. For custom servers only.
 */
export function useDcOptions(client: TelegramClient, book: DcAddressBook): void {
  const configured = client as unknown as { _config?: Api.Config; getDC: TelegramClient["getDC"] };
  const original = configured.getDC.bind(client);
  configured.getDC = async (dcId, downloadDC, web) => {
    if (!book.has(dcId)) {
      // Straight to the sender: this runs inside a DC switch, which holds invoke() (followDcSwitches).
      const sender = (client as unknown as { _sender?: MTProtoSender })._sender;
      configured._config ??= (await (sender ? sender.send(new Api.help.GetConfig()) : client.invoke(new Api.help.GetConfig()))) as Api.Config;
      for (const option of configured._config.dcOptions) {
        if (!option.ipv6 && !option.mediaOnly && !option.cdn && !book.has(option.id)) book.set(option.id, { host: option.ipAddress, port: option.port });
      }
    }
    const known = book.get(dcId);
    return known === undefined ? original(dcId, downloadDC, web) : { id: dcId, ipAddress: known.host, port: known.port };
  };
}

/** GramJS's client as far as switching DCs goes. */
interface SwitchingClient {
  _switchDC(dcId: number): Promise<void>;
  _disconnect(): Promise<void>;
  _sender?: MTProtoSender;
  _isSwitchingDc: boolean;
  _connectedDeferred: { promise: Promise<void>; resolve(): void };
  getDC(dcId: number): Promise<{ id: number; ipAddress: string; port: number }>;
}

/** Listeners of followDcSwitches, by client. */
const switchListeners = new WeakMap<TelegramClient, Set<(dcId: number) => void>>();
/** While a client changes senders: settles when calls may go on (followDcSwitches). */
const holding = new WeakMap<TelegramClient, Promise<void>>();

/** A request GramJS is sending: its queue entries as MTProtoSender keeps them. */
type SendState = Parameters<MTProtoSender["addStateToQueue"]>[0];

/** Takes every request a sender still holds, queued or sent and unanswered (its disconnect leaves them hanging). */
function takeStates(sender: MTProtoSender): SendState[] {
  const inner = sender as unknown as { _pendingState: { values(): SendState[]; clear(): void }; _sendQueue: { _queue: (SendState | undefined)[] } };
  const states = [...inner._pendingState.values(), ...inner._sendQueue._queue.filter((state): state is SendState => state !== undefined)];
  inner._pendingState.clear();
  inner._sendQueue._queue.length = 0;
  return states;
}

/**
 * Replaces GramJS's DC switch (on PHONE_MIGRATE / USER_MIGRATE / NETWORK_MIGRATE in any call, or QR login's
 * loginTokenMigrateTo). GramJS's own builds a new sender with a fresh auth key and nothing more: a signed-in
 * account is then signed out (AUTH_KEY_UNREGISTERED) and whatever was hooked on the old sender is lost. This
 * one carries the authorization over (auth.exportAuthorization on the old DC, auth.importAuthorization on the
 * new one, core.telegram.org/api/datacenter), holds every other call until that is done, moves the update
 * handlers to the new sender and tells them "connected" (so the runtime catches up), then calls the
 * listeners (to save the session). Concurrent calls answered X_MIGRATE share one switch. Idempotent.
 */
export function followDcSwitches(client: TelegramClient, listener?: (dcId: number) => void): void {
  let listeners = switchListeners.get(client);
  if (listeners === undefined) {
    switchListeners.set(client, (listeners = new Set()));
    const switching = client as unknown as SwitchingClient;
    let under: Promise<void> | undefined;
    // New calls wait while the senders change: GramJS's invoke refuses to send without a sender.
    const invoke = client.invoke;
    client.invoke = async <R extends Api.AnyRequest>(request: R, dcId?: number): Promise<R["__response"]> => {
      const hold = holding.get(client);
      if (hold !== undefined) await hold;
      return invoke.call(client, request, dcId);
    };
    switching._switchDC = (dcId: number) => {
      if (under === undefined && client.session.dcId === dcId) return Promise.resolve();
      under ??= switchDc(client, dcId).finally(() => {
        under = undefined;
      });
      return under;
    };
  }
  if (listener !== undefined) listeners.add(listener);
}

async function switchDc(client: TelegramClient, dcId: number): Promise<void> {
  const switching = client as unknown as SwitchingClient;
  const old = switching._sender;
  let exported: Api.auth.ExportedAuthorization | undefined;
  try {
    // Straight to the sender: through invoke, an X_MIGRATE answer would start this switch again.
    if (old !== undefined) exported = (await old.send(new Api.auth.ExportAuthorization({ dcId }))) as Api.auth.ExportedAuthorization;
  } catch (error) {
    // Not signed in (a login that met PHONE_MIGRATE): there is nothing to carry over.
    if ((error as { code?: number }).code !== 401) throw error;
  }
  const dc = await switching.getDC(dcId);
  const connected = switching._connectedDeferred;
  let open!: () => void;
  const held = new Promise<void>((resolve) => (open = resolve));
  // Nothing goes to the new DC before the authorization is there: new calls wait (the invoke wrapper),
  // calls already inside GramJS's invoke wait for its "connected" promise or, if they took the old
  // sender, are kept and moved to the new one.
  holding.set(client, held);
  switching._connectedDeferred = { promise: held, resolve: () => {} };
  const kept: SendState[] = [];
  const abandoned: MTProtoSender[] = [];
  if (old !== undefined) {
    abandoned.push(old);
    old.addStateToQueue = (state) => void kept.push(state);
  }
  let back = false;
  const previous = { dcId: client.session.dcId, address: client.session.serverAddress, port: client.session.port, key: old?.authKey.getKey() };
  try {
    client.session.setDC(dcId, dc.ipAddress, dc.port);
    await old?.authKey.setKey(undefined);
    client.session.setAuthKey(undefined);
    // A StringSession keeps the key it was loaded from and load() (at every connect) restores it: forget it too.
    (client.session as unknown as { _key?: Buffer })._key = undefined;
    client.session.save();
    switching._isSwitchingDc = true;
    await switching._disconnect();
    switching._sender = undefined;
    await client.connect();
    hookSender(client);
    const sender = switching._sender as MTProtoSender | undefined;
    if (exported !== undefined && sender !== undefined) await sender.send(new Api.auth.ImportAuthorization({ id: exported.id, bytes: exported.bytes }));
  } catch (error) {
    // The authorization did not arrive: back to the old DC and its signed-in key, so that the call that
    // asked (GramJS's invoke retries it) and those held meanwhile meet X_MIGRATE again and switch again,
    // rather than reach a key signed in as nobody.
    const failed = switching._sender;
    const restored =
      exported !== undefined && previous.key !== undefined
        ? await restoreDc(client, previous).then(
            () => true,
            () => false,
          )
        : false;
    if (failed !== undefined && failed !== switching._sender) abandoned.push(failed);
    if (!restored) throw error;
    back = true;
  } finally {
    switching._connectedDeferred = connected;
    holding.delete(client);
    open();
    const current = switching._sender;
    // Calls that took a sender left behind go to the current one (GramJS's disconnect leaves them hanging).
    for (const left of abandoned) {
      if (current === undefined || left === current) continue;
      kept.push(...takeStates(left));
      left.addStateToQueue = (state) => (switching._sender ?? current).addStateToQueue(state);
    }
    if (current !== undefined) for (const state of kept.splice(0)) current.addStateToQueue(state);
  }
  for (const handler of updateHandlers.get(client) ?? []) handler(new UpdateConnectionState(UpdateConnectionState.connected));
  if (!back) for (const listener of switchListeners.get(client) ?? []) listener(dcId);
}

/** Reconnects the client to the DC and auth key it had before a switch that failed. */
async function restoreDc(client: TelegramClient, previous: { dcId: number; address: string; port: number; key?: Buffer }): Promise<void> {
  const switching = client as unknown as SwitchingClient;
  const key = new AuthKey();
  await key.setKey(previous.key);
  client.session.setDC(previous.dcId, previous.address, previous.port);
  client.session.setAuthKey(key);
  (client.session as unknown as { _key?: Buffer })._key = previous.key;
  await switching._disconnect();
  switching._sender = undefined;
  await client.connect();
  hookSender(client);
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
