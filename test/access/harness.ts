/**
 * End-to-end glue for the access tests: an in-process emulator, a real GramJS client over TCP signed in
 * as the account (user or bot), the runtime's update intake (which feeds every update to the layer) and
 * gateway, and the Router with the access layer as its policy. Simulated people write through the
 * control API; `ask` resolves once the router has handled the message, with what was sent back.
 */

import type { Emulator } from "@tg-toolkit/emulator";
import { ControlClient, type PeerType } from "@tg-toolkit/emulator/control";
import type { TelegramClient } from "telegram";
import { type AccessConfig, parseAccessConfig } from "../../src/access/config.js";
import { type AccessLayer, createAccessLayer } from "../../src/access/layer.js";
import { sqliteAccessStores } from "../../src/access/schema.js";
import { commandSyntax } from "../../src/handlers/commands.js";
import type { SendOptions, TelegramGateway } from "../../src/handlers/gateway.js";
import type { Message, RunMode } from "../../src/handlers/message.js";
import { command, definePlugin, type Plugin } from "../../src/handlers/plugin.js";
import { Router } from "../../src/handlers/router.js";
import accessPlugin from "../../src/plugins/access.js";
import { type Db, openDatabase } from "../../src/store/database.js";
import { PeerDirectory } from "../../src/telegram/convert.js";
import { customServerConnection } from "../../src/telegram/customServer.js";
import { GramjsGateway } from "../../src/telegram/gramjsGateway.js";
import { gramjsUpdateSource } from "../../src/telegram/updateSource.js";
import { type Intake, startIntake } from "../../src/updates/intake.js";
import { captureLog } from "../kit/log.js";
import { Watch } from "../kit/watch.js";
import { signedInClient } from "../kit/world.js";

/** What one message led to. */
export interface Outcome {
  /** Handlers that ran, as "name:args". */
  readonly ran: string[];
  /** Texts the account sent back to that chat while handling it. */
  readonly sent: string[];
}

/** The demo plugin the tests gate: /secret needs the vip gate, /ping and /stats are plain commands. */
export const demoPlugin: Plugin = definePlugin({
  name: "demo",
  handlers: [
    command({ name: "secret", needs: { gate: "vip" } }, (ctx) => ctx.reply("the secret")),
    command("ping", (ctx) => ctx.reply("pong")),
    command("stats", (ctx) => ctx.reply("stats")),
  ],
});

/** A running end-to-end setup. */
export interface Harness {
  readonly emu: Emulator;
  readonly control: ControlClient;
  readonly client: TelegramClient;
  readonly layer: AccessLayer;
  readonly db: Db;
  readonly selfId: string;
  /** Sends text as a simulated person and resolves once the account handled it. */
  ask(fromId: string, peer: { type: PeerType; id: string }, text: string): Promise<Outcome>;
  /** Resolves once an update made the condition true (at once when it already is). */
  untilUpdate(condition: () => boolean): Promise<void>;
  /** Resolves once every message the account started sending has been sent (rejects if one failed). */
  sendsDone(): Promise<void>;
  /** RPC count of a method on the emulator. */
  rpcCount(method: string): Promise<number>;
  stop(): Promise<void>;
}

/** Starts the account's client against the emulator and wires the access layer. */
export async function startHarness(options: {
  emu: Emulator;
  accountId: string;
  mode: RunMode;
  botUsername?: string;
  access?: Partial<AccessConfig>;
}): Promise<Harness> {
  const { emu, accountId, mode } = options;
  const control = new ControlClient(emu.controlUrl);
  const client = await signedInClient(emu, accountId, { connection: customServerConnection(emu.host, emu.port) });
  const { log } = captureLog();
  const db = openDatabase(":memory:");
  const context = { mode, selfId: accountId, directory: new PeerDirectory(accountId) } as const;
  const raw = new GramjsGateway(client, context);
  const sent: { chatId: string; text: string }[] = [];
  const sending = new Set<Promise<unknown>>();
  const telegram: TelegramGateway = {
    sendMessage(chatId: string, text: string, sendOptions?: SendOptions) {
      sent.push({ chatId, text });
      const promise = raw.sendMessage(chatId, text, sendOptions);
      const tracked = promise.finally(() => sending.delete(tracked));
      sending.add(tracked);
      return promise;
    },
    editMessage: (chatId, messageId, text, sendOptions) => raw.editMessage(chatId, messageId, text, sendOptions),
    getMessage: (chatId, messageId) => raw.getMessage(chatId, messageId),
    getUser: (ref) => raw.getUser(ref),
    forward: (from, ids, to, forwardOptions) => raw.forward(from, ids, to, forwardOptions),
    copy: (from, id, to, copyOptions) => raw.copy(from, id, to, copyOptions),
    delete: (chatId, ids, deleteOptions) => raw.delete(chatId, ids, deleteOptions),
    pin: (chatId, id, pinOptions) => raw.pin(chatId, id, pinOptions),
    unpin: (chatId, id) => raw.unpin(chatId, id),
    markRead: (chatId, maxId) => raw.markRead(chatId, maxId),
    history: (chatId, historyOptions) => raw.history(chatId, historyOptions),
  };
  const config = { ...parseAccessConfig({}, []), ...options.access };
  const layer = createAccessLayer({ stores: sqliteAccessStores(db, config), client, mode, config, log, telegram });
  const ran: string[] = [];
  const recording = definePlugin({
    name: "demo",
    handlers: demoPlugin.handlers.map((handler) => ({
      ...handler,
      run: (ctx: Parameters<typeof handler.run>[0]) => {
        ran.push(`${handler.name}:${ctx.rawArgs}`);
        return handler.run(ctx);
      },
    })),
  });
  const router = new Router({
    plugins: [recording, accessPlugin],
    syntax: commandSyntax(mode, { botUsername: options.botUsername }),
    services: { telegram, client, log, me: { id: accountId, username: options.botUsername, mode } },
    policy: layer.policy,
  });

  const updates = new Watch();
  const handledWaiters = new Map<string, (message: Message) => void>();
  const intake: Intake = startIntake(gramjsUpdateSource(client, context), {
    onUpdate: (update) => {
      layer.onUpdate(update);
      updates.changed();
    },
    onMessage: (message) => {
      void router.handle(message).then(() => handledWaiters.get(message.text)?.(message));
    },
  });

  return {
    emu,
    control,
    client,
    layer,
    db,
    selfId: accountId,
    async ask(fromId, peer, text) {
      const ranBefore = ran.length;
      const sentBefore = sent.length;
      const handled = new Promise<Message>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the account never handled ${JSON.stringify(text)}`)), 10_000);
        handledWaiters.set(text, (message) => {
          clearTimeout(timer);
          handledWaiters.delete(text);
          resolve(message);
        });
      });
      await control.sendMessage(fromId, peer, text);
      const message = await handled;
      return {
        ran: ran.slice(ranBefore),
        sent: sent
          .slice(sentBefore)
          .filter((s) => s.chatId === message.chatId)
          .map((s) => s.text),
      };
    },
    untilUpdate(condition) {
      return updates.until(condition, "the expected update did not arrive");
    },
    async sendsDone() {
      await Promise.all([...sending]);
    },
    async rpcCount(method) {
      return (await control.stats()).rpc[method] ?? 0;
    },
    async stop() {
      intake.stop();
      layer.close();
      await client.destroy();
      db.close();
    },
  };
}
