/**
 * A script that connected by itself (no `npm start` was running) hands over to an npm start begun meanwhile:
 * before each call, and every `pollMs` while it waits for a press or a reply, it looks for the session's lock;
 * once npm start listens, the script's watches move to it (npm start replays what it received shortly
 * before), its later calls go through it, and its own connection closes. Two connections of one
 * authorization split the updates between them (only the last active gets them,
 * https://core.telegram.org/api/updates#subscribing-to-updates): keeping its own would starve one of them.
 */
import type { CallbackQuery } from "../handlers/callback.js";
import type { ChatMessage, ScriptPort } from "../send/port.js";
import type { PeerInput } from "../telegram/peers.js";

/** How the handover finds npm start. */
export interface HandoverOptions {
  /** Whether a live npm start holds the session's lock. */
  readonly npmStartRuns: () => boolean;
  /** Connects to it (waiting while it starts); undefined when it is gone. */
  readonly connect: () => Promise<ScriptPort | undefined>;
  /** Told once the script runs through npm start. */
  readonly onHandover?: (port: ScriptPort) => void;
  readonly pollMs?: number;
}

interface Watch {
  stop: () => void;
  start(port: ScriptPort): () => void;
}

/** A port that starts as `direct` and moves to npm start when one begins for the session. */
export function handoverPort(direct: ScriptPort, options: HandoverOptions): ScriptPort {
  let active = direct;
  let switching: Promise<ScriptPort> | undefined;
  const peers = new Map<string, PeerInput>();
  const resolved = new Set<string>();
  const watches = new Set<Watch>();
  let timer: NodeJS.Timeout | undefined;

  const current = (): Promise<ScriptPort> => {
    if (active !== direct) return Promise.resolve(active);
    if (switching !== undefined) return switching;
    if (!options.npmStartRuns()) return Promise.resolve(direct);
    switching = (async () => {
      const running = await options.connect();
      if (running === undefined) {
        switching = undefined;
        return direct;
      }
      for (const watch of watches) {
        watch.stop();
        watch.stop = watch.start(running);
      }
      active = running;
      clearInterval(timer);
      await direct.close();
      options.onHandover?.(running);
      return running;
    })();
    return switching;
  };

  /** The port to call, with the chat resolved on it. */
  const forChat = async (chatId: string): Promise<ScriptPort> => {
    const port = await current();
    if (port !== direct && !resolved.has(chatId)) {
      const peer = peers.get(chatId);
      if (peer !== undefined) await port.chat(peer);
      resolved.add(chatId);
    }
    return port;
  };

  const watch = (start: (port: ScriptPort) => () => void): (() => void) => {
    const entry: Watch = { start, stop: start(active) };
    watches.add(entry);
    timer ??= setInterval(() => void current(), options.pollMs ?? 250).unref();
    return () => {
      entry.stop();
      watches.delete(entry);
      if (watches.size === 0) {
        clearInterval(timer);
        timer = undefined;
      }
    };
  };

  return {
    get mode() {
      return active.mode;
    },
    get selfId() {
      return active.selfId;
    },
    get via() {
      return active.via;
    },
    async chat(peer) {
      const port = await current();
      const chat = await port.chat(peer);
      peers.set(chat.chatId, peer);
      if (port !== direct) resolved.add(chat.chatId);
      return chat;
    },
    users: async (people) => (await current()).users(people),
    send: async (chatId, parts, sendOptions) => (await forChat(chatId)).send(chatId, parts, sendOptions),
    sendFile: async (chatId, file, caption, sendOptions) => (await forChat(chatId)).sendFile(chatId, file, caption, sendOptions),
    edit: async (chatId, messageId, part, keyboard) => (await forChat(chatId)).edit(chatId, messageId, part, keyboard),
    answer: async (queryId, answer) => (await current()).answer(queryId, answer),
    onPress: (prefix: string, listener: (press: CallbackQuery) => void) => watch((port) => port.onPress(prefix, listener)),
    onMessage: (chatId: string, after: () => number | undefined, listener: (message: ChatMessage) => void) =>
      watch((port) => port.onMessage(chatId, after, listener)),
    async close() {
      clearInterval(timer);
      await (switching ?? Promise.resolve(active)).then(
        (port) => port.close(),
        () => direct.close(),
      );
    },
  };
}
