/**
 * The extension contract: how a feature (access control, conversations and buttons, automations) plugs
 * into a running account. The runtime builds each extension once signed in, hears it on every update,
 * asks it for an access policy and conversations, and closes it when it stops; features import this
 * file, the runtime imports no feature.
 */
import type { Api, TelegramClient } from "telegram";
import type { Me } from "../handlers/context.js";
import type { ConversationService } from "../handlers/conversation.js";
import type { TelegramGateway } from "../handlers/gateway.js";
import type { Message } from "../handlers/message.js";
import type { Plugin } from "../handlers/plugin.js";
import type { PluginDataService } from "../handlers/pluginStore.js";
import type { AccessPolicy } from "../handlers/router.js";
import type { Logger } from "../log.js";
import type { ConnectionState } from "../updates/intake.js";
import type { RuntimeConfig } from "./config.js";

/** What the runtime offers an extension once the account is signed in. */
export interface RuntimeServices {
  readonly config: RuntimeConfig;
  readonly client: TelegramClient;
  readonly me: Me;
  /** The rate-limited, flood-wait-aware gateway handlers use. */
  readonly telegram: TelegramGateway;
  readonly log: Logger;
  /** The plugins the runtime runs (their button handlers and flows, for an extension that serves them). */
  readonly plugins: readonly Plugin[];
}

/** What an extension (such as the access layer) adds to the runtime. */
export interface RuntimeExtension {
  /** The router's access policy (RuntimeOptions.policy wins when both are given). */
  readonly policy?: AccessPolicy;
  /** Hears every Telegram update the client receives. */
  onUpdate?(update: Api.TypeUpdate | Api.TypeUpdates): void;
  /** Hears the users and chats that come with updates, before the updates themselves. */
  onEntities?(entities: readonly (Api.TypeUser | Api.TypeChat)[]): void;
  /** Called when the runtime stops, after the handlers drained and before the closeables. */
  close?(): void | Promise<void>;
  /** Offered to handlers as ctx.ask and ctx.startFlow (the first extension offering it wins). */
  readonly conversations?: ConversationService;
  /** Offered to handlers as ctx.store and ctx.settings (the first extension offering it wins). */
  readonly pluginData?: PluginDataService;
  /** Sees each new message before the dispatcher; true takes it (no handler sees it), e.g. an answer a handler waits for. */
  interceptMessage?(message: Message): boolean;
  /** Called as the runtime begins to stop, before running handlers drain (e.g. to end their waits). */
  stopping?(): void;
  /** Hears the connection to Telegram drop ("disconnected", "broken") and come back ("connected"). */
  onConnection?(state: ConnectionState): void;
  /** Hears each handler that failed (named "plugin/handler"), after the router logged it. */
  onHandlerError?(handler: string, error: unknown): void;
}

/** Builds an extension once the account is signed in. */
export type ExtendFunction = (services: RuntimeServices) => RuntimeExtension | Promise<RuntimeExtension>;
