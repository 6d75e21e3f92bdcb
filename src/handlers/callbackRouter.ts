/**
 * Routing inline-button presses to the plugins' onCallback handlers: the first handler whose codec reads
 * the data runs; a press no handler reads (an old or foreign button) is answered "no longer available";
 * a press the handler left unanswered is answered with nothing when it ends, so the person's app stops
 * waiting. Failures are logged, never thrown.
 */
import type { TelegramClient } from "telegram";
import type { Logger } from "../log.js";
import type { CallbackAnswerer, CallbackContext, CallbackHandler, CallbackQuery } from "./callback.js";
import type { Me } from "./context.js";
import type { TelegramGateway } from "./gateway.js";
import type { Plugin } from "./plugin.js";

/** What a press of a button no handler knows is answered. */
export const EXPIRED_BUTTON_TEXT = "This button is no longer available.";

/** A handler with the plugin it belongs to. */
export interface CallbackEntry {
  readonly plugin: string;
  readonly handler: CallbackHandler;
}

/** What the callback router needs. */
export interface CallbackRouterOptions {
  readonly plugins: readonly Plugin[];
  /** Handlers tried before the plugins' (the runtime's own buttons). */
  readonly builtIns?: readonly CallbackEntry[];
  readonly answerer: CallbackAnswerer;
  readonly services: { readonly telegram: TelegramGateway; readonly client: TelegramClient; readonly log: Logger; readonly me: Me };
}

/** Runs the handler of each press. */
export class CallbackRouter {
  private readonly entries: readonly CallbackEntry[];

  /** Collects the built-in handlers, then every plugin's. */
  constructor(private readonly options: CallbackRouterOptions) {
    const fromPlugins = options.plugins.flatMap((plugin) => (plugin.callbacks ?? []).map((handler) => ({ plugin: plugin.name, handler })));
    this.entries = [...(options.builtIns ?? []), ...fromPlugins];
  }

  /** Handles one press. */
  async handle(query: CallbackQuery): Promise<void> {
    const { log } = this.options.services;
    const where = { chat: query.chatId, messageId: query.messageId, user: query.senderId };
    for (const { plugin, handler } of this.entries) {
      const values = handler.decode(query.data);
      if (values === undefined) continue;
      const name = `${plugin}/${handler.name}`;
      const ctx = this.context(query, values, name);
      try {
        await handler.run(ctx);
      } catch (err) {
        log.error({ ...where, handler: name, err }, "callback handler failed");
      }
      await ctx.finish();
      return;
    }
    log.debug({ ...where, data: query.data }, "a button no handler knows was pressed");
    await this.answer(query, { text: EXPIRED_BUTTON_TEXT });
  }

  private context(query: CallbackQuery, values: unknown, handler: string): CallbackContext & { finish(): Promise<void> } {
    const { telegram, client, log, me } = this.options.services;
    let settled = false;
    return {
      query,
      values,
      me,
      handler,
      telegram,
      client,
      log: log.child({ chat: query.chatId, handler }),
      answer: async (text, options) => {
        if (settled) return;
        settled = true;
        await this.answer(query, { text, alert: options?.alert });
      },
      editMessage: (text, options) => telegram.editMessage(query.chatId, query.messageId, text, options),
      respond: (text, options) => telegram.sendMessage(query.chatId, text, options),
      leaveUnanswered: () => {
        settled = true;
      },
      finish: async () => {
        if (settled) return;
        settled = true;
        await this.answer(query, {});
      },
    };
  }

  private async answer(query: CallbackQuery, answer: { text?: string; alert?: boolean }): Promise<void> {
    try {
      await this.options.answerer.answerCallback(query.queryId, answer);
    } catch (err) {
      this.options.services.log.warn({ chat: query.chatId, err }, "could not answer a button press");
    }
  }
}
