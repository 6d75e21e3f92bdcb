/**
 * The one module that reaches into GramJS beyond its documented API: raw update subscription with the
 * entities GramJS attaches to each update, its connection-state pseudo-updates, and DC switching. When
 * GramJS changes, this is the file to check.
 */
import { Api, type TelegramClient } from "telegram";
import { Raw } from "telegram/events/Raw.js";
import { UpdateConnectionState } from "telegram/network/index.js";

/** A user or chat that came with an update. */
export type Entity = Api.TypeUser | Api.TypeChat;

/** What GramJS hands a raw handler: a Telegram update, or its own connection-state notice. */
export type RawUpdate = Api.TypeUpdate | Api.TypeUpdates | UpdateConnectionState;

/** Connection states GramJS reports. */
export type ConnectionState = "connected" | "disconnected" | "broken";

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
