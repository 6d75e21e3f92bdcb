/**
 * Shared by the update catch-up tests against the emulator: a cast of simulated people in private chats,
 * a basic group and three channels (a broadcast channel and two supergroups), traffic posted straight into
 * the emulator's model (fast; pushed to connected sessions exactly as the control API would), and a
 * recorder of what the runtime handled, with the checks every test makes: each message once, in order per
 * chat.
 */

import { join } from "node:path";
import { postMessage } from "@tg-toolkit/emulator/model";
import type { Env } from "../../src/config.js";
import type { Message } from "../../src/handlers/message.js";
import { definePlugin, onMessage, type Plugin } from "../../src/handlers/plugin.js";
import type { Logger } from "../../src/log.js";
import { type Runtime, startRuntime } from "../../src/runtime/index.js";
import { openDatabase } from "../../src/store/database.js";
import type { SessionStore } from "../../src/telegram/sessionStore.js";
import { UpdateStateStore } from "../../src/updates/stateStore.js";
import { Watch } from "../kit/watch.js";
import type { World } from "../kit/world.js";

/** Where a simulated person posts. */
export interface Peer {
  readonly type: "user" | "chat" | "channel";
  readonly id: string;
}

/** One chat of the cast, as the account sees it (marked id) and as a sender posts to it. */
export interface CastChat {
  readonly chatId: string;
  readonly peer: Peer;
  /** People who may post there. */
  readonly senders: readonly string[];
}

/** The account, its people, and the chats traffic goes to. */
export interface Cast {
  readonly owner: { readonly id: string };
  readonly people: readonly { readonly id: string }[];
  /** Private chats (one per person), the basic group, then the three channels. */
  readonly chats: readonly CastChat[];
}

/** Creates the account, `count` people, a basic group and three channels (people are admins of the broadcast one). */
export async function createCast(world: World, phone: string, count = 4): Promise<Cast> {
  const { control } = world;
  const owner = await control.createUser({ firstName: "Olivia", phone });
  const people = await Promise.all(Array.from({ length: count }, (_, n) => control.createUser({ firstName: `Person ${n + 1}` })));
  const ids = people.map((person) => person.id);
  const group = await control.createChat({ type: "group", title: "Family", creatorId: owner.id, members: ids.map((userId) => ({ userId, role: "member" })) });
  const broadcast = await control.createChat({
    type: "channel",
    title: "News",
    creatorId: owner.id,
    members: ids.map((userId) => ({ userId, role: "admin" })),
  });
  const supergroups = await Promise.all(
    ["Team", "Club"].map((title) =>
      control.createChat({ type: "supergroup", title, creatorId: owner.id, members: ids.map((userId) => ({ userId, role: "member" })) }),
    ),
  );
  const chats: CastChat[] = [
    ...ids.map((id) => ({ chatId: id, peer: { type: "user" as const, id: owner.id }, senders: [id] })),
    { chatId: `-${group.id}`, peer: { type: "chat", id: group.id }, senders: ids },
    ...[broadcast, ...supergroups].map((chat) => ({ chatId: `-100${chat.id}`, peer: { type: "channel" as const, id: chat.id }, senders: ids })),
  ];
  return { owner, people, chats };
}

/** Posts the n-th message of a round-robin over the cast's chats and senders; returns its chat. */
export function postNth(world: World, cast: Cast, n: number, chats: readonly CastChat[] = cast.chats): CastChat {
  const chat = chats[n % chats.length];
  const sender = chat.senders[Math.floor(n / chats.length) % chat.senders.length];
  const peer = chat.peer;
  postMessage(world.emu.model, Number(sender), { type: peer.type, id: Number(peer.id) }, { text: `message ${n}` });
  return chat;
}

/** What the runtime handled, in handling order. */
export class Recorder {
  readonly handled: Message[] = [];
  private readonly watch = new Watch();

  /** A plugin recording every message it sees. */
  plugin(): Plugin {
    return definePlugin({
      name: "recorder",
      handlers: [
        onMessage(
          () => true,
          (ctx) => {
            this.handled.push(ctx.message);
            this.watch.changed();
          },
        ),
      ],
    });
  }

  /** Resolves once `count` messages were handled in all; rejects after timeoutMs. */
  untilHandled(count: number, timeoutMs = 60_000): Promise<void> {
    return this.watch.until(
      () => this.handled.length >= count,
      () => `handled ${this.handled.length} of ${count} messages`,
      timeoutMs,
    );
  }

  /** "chat:id" keys handled more than once. */
  duplicates(): string[] {
    return duplicatesOf(this.handled.map((message) => `${message.chatId}:${message.messageId}`));
  }

  /** Chats whose messages were handled out of order (message ids not ascending). */
  outOfOrder(): string[] {
    return outOfOrder(this.handled.map((message) => ({ chatId: message.chatId, messageId: message.messageId })));
  }

  /** Messages handled per chat. */
  perChat(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const message of this.handled) counts.set(message.chatId, (counts.get(message.chatId) ?? 0) + 1);
    return counts;
  }
}

/** Keys present more than once. */
export function duplicatesOf(keys: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const key of keys) (seen.has(key) ? twice : seen).add(key);
  return [...twice];
}

/** Chats whose message ids do not ascend in the order given. */
export function outOfOrder(messages: readonly { chatId: string; messageId: number }[]): string[] {
  const last = new Map<string, number>();
  const bad = new Set<string>();
  for (const { chatId, messageId } of messages) {
    if (messageId <= (last.get(chatId) ?? 0)) bad.add(chatId);
    last.set(chatId, messageId);
  }
  return [...bad];
}

/** Starts the runtime on a session of the store with its database sessions/NAME.db (as npm start keeps it), recording into `recorder`. */
export async function startRecorded(
  world: World,
  store: SessionStore,
  recorder: Recorder,
  log: Logger,
  env: Env = {},
  sessionName = "default",
): Promise<Runtime> {
  const db = openDatabase(join(store.dir, `${sessionName}.db`));
  try {
    return await startRuntime({
      config: world.config(env),
      store,
      sessionName,
      plugins: [recorder.plugin()],
      log,
      updateState: new UpdateStateStore(db),
      closeables: [{ close: () => void db.close() }],
    });
  } catch (error) {
    db.close();
    throw error;
  }
}
