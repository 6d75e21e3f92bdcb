/**
 * Conversations and inline buttons as a runtime extension, over the session database:
 * `startRuntime({ ..., extend: [accessExtension(db, config.access), conversationsExtension(db)] })`.
 * It offers ctx.ask / ctx.startFlow (taking answers before the dispatcher), runs the plugins' flows
 * (resuming saved ones), routes button presses to the plugins' onCallback handlers (bot mode), answers
 * presses on `npm run confirm` buttons whose script has finished or died, and notes the access hashes of
 * everyone it meets so that `npm run send` can address them by id.
 */
import type { Api } from "telegram";
import { lateAnswer, settledText } from "../confirm/outcome.js";
import { type ConfirmationStore, confirmButton, SqliteConfirmationStore } from "../confirm/store.js";
import { type CallbackContext, type CallbackQuery, onCallback } from "../handlers/callback.js";
import { CallbackRouter } from "../handlers/callbackRouter.js";
import { commandSyntax } from "../handlers/commands.js";
import type { RuntimeExtension, RuntimeServices } from "../runtime/extension.js";
import { SqliteKnownPeers } from "../send/knownPeers.js";
import type { Db } from "../store/database.js";
import { callbackAnswerer, callbackQueryOf } from "../telegram/callbacks.js";
import { ConversationManager } from "./manager.js";
import { SqliteFlowStore } from "./store.js";

/** The running extension, with its parts (for tests and other extensions). */
export interface ConversationsExtension extends RuntimeExtension {
  readonly conversations: ConversationManager;
  readonly callbacks: CallbackRouter;
  /** Resolves once every button press received so far has been handled. */
  idle(): Promise<void>;
}

/** The `extend` function of startRuntime that runs conversations and buttons over the session database. */
export function conversationsExtension(
  db: Db,
  options: { readonly takenByScript?: (press: CallbackQuery) => boolean } = {},
): (services: RuntimeServices) => ConversationsExtension {
  return ({ client, config, me, log, telegram, plugins }) => {
    const known = new SqliteKnownPeers(db);
    const confirmations = new SqliteConfirmationStore(db);
    const conversations = new ConversationManager({
      store: new SqliteFlowStore(db),
      telegram,
      log: log.child({ module: "conversations" }),
      syntax: commandSyntax(me.mode, { userPrefix: config.commandPrefix, botUsername: me.username }),
      flows: plugins.flatMap((plugin) => plugin.flows ?? []),
    });
    const callbacks = new CallbackRouter({
      plugins,
      builtIns: [{ plugin: "confirm", handler: onCallback(confirmButton, (ctx) => answerConfirmation(ctx, confirmations), { name: "late" }) }],
      answerer: callbackAnswerer(client),
      services: { telegram, client, log: log.child({ module: "buttons" }), me },
    });
    const pending = new Set<Promise<void>>();
    // Presses carry no pts (nothing to order or catch up): they come as the intake applies them, after the
    // users of their container went to onEntities.
    const takePress = (update: Api.TypeUpdate | Api.TypeUpdates) => {
      const query = callbackQueryOf(update, me.id);
      // A press a script waits for through the local socket (npm run confirm) is its to answer.
      if (query === undefined || options.takenByScript?.(query) === true) return;
      const handled = callbacks.handle(query).finally(() => pending.delete(handled));
      pending.add(handled);
    };
    let taking = true;
    conversations.resume();
    return {
      conversations,
      callbacks,
      interceptMessage: (message) => conversations.intercept(message),
      onEntities: (entities) => known.remember(entities),
      onUpdate: (update) => {
        if (taking) takePress(update);
      },
      stopping: () => {
        taking = false;
        conversations.stop();
      },
      async close() {
        taking = false;
        await Promise.all(pending);
        await conversations.idle();
      },
      async idle() {
        while (pending.size > 0) await Promise.all(pending);
      },
    };
  };
}

/**
 * A press on a confirmation button reached the runtime: while the confirm script waits, it answers (the
 * press is left to it); once finished, the person is told how it ended; past its deadline with the script
 * gone, it is marked expired and its buttons removed.
 */
async function answerConfirmation(ctx: CallbackContext<{ readonly id: string }>, confirmations: ConfirmationStore): Promise<void> {
  const confirmation = confirmations.get(ctx.values.id);
  if (confirmation === undefined) return ctx.answer("This confirmation is unknown here.", { alert: true });
  if (confirmation.status === "pending" && confirmation.expiresAt > Date.now()) return ctx.leaveUnanswered();
  if (confirmation.status === "pending") {
    confirmations.finish(confirmation.id, "timeout");
    await ctx.answer(lateAnswer({ status: "timeout" }), { alert: true });
    await ctx.editMessage(settledText(confirmation.question, { status: "timeout" }), { keyboard: [] });
    return;
  }
  await ctx.answer(lateAnswer(confirmation), { alert: true });
}
