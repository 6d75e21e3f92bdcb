/**
 * `npm start`'s side of running scripts beside it: a runtime extension that opens the local socket once the
 * account is signed in, makes the scripts' calls on the runtime's own client (paced by the session's shared
 * pacer, through the flood-wait policy), and forwards the button presses and new messages the runtime
 * receives to the scripts that watch them (it takes none: handlers still see every message).
 */
import { Api } from "telegram";
import type { CallbackQuery } from "../handlers/callback.js";
import type { RuntimeExtension, RuntimeServices } from "../runtime/extension.js";
import { chatMessageOf, directPort } from "../send/directPort.js";
import { SqliteKnownPeers } from "../send/knownPeers.js";
import { SqlitePacer } from "../send/pace.js";
import type { Db } from "../store/database.js";
import { callbackQueryOf } from "../telegram/callbacks.js";
import type { RateLimits } from "../telegram/rateLimiter.js";
import { BridgeServer } from "./server.js";

/** What the extension needs besides the runtime's services. */
export interface BridgeExtensionOptions {
  readonly socketPath: string;
  readonly db: Db;
  readonly rateLimits: RateLimits;
  readonly flood: { readonly maxSleepSeconds: number; readonly maxRetries: number };
}

/** The local socket of npm start: its runtime extension, and whether a script takes a press (its own to answer). */
export interface BridgeExtension {
  readonly extend: (services: RuntimeServices) => Promise<RuntimeExtension>;
  takes(press: CallbackQuery): boolean;
}

/** The extension that serves `sessions/NAME.sock` for the session npm start runs. */
export function bridgeExtension(options: BridgeExtensionOptions): BridgeExtension {
  let server: BridgeServer | undefined;
  const extend = async (services: RuntimeServices): Promise<RuntimeExtension> => {
    const log = services.log.child({ module: "bridge" });
    const selfId = services.me.id;
    const port = directPort({
      client: services.client,
      mode: services.me.mode,
      selfId,
      known: new SqliteKnownPeers(options.db),
      pacer: new SqlitePacer(options.db, options.rateLimits),
      flood: {
        ...options.flood,
        onWait: ({ method, seconds, attempt }) => log.warn({ method, seconds, attempt }, "flood wait: sleeping before retrying a script's call"),
      },
      log,
      via: "npm start",
    });
    // Updates go to an authorization's last active connection (https://core.telegram.org/api/updates#subscribing-to-updates):
    // after a script's own connection made calls, npm start's gets them again only once it calls; what it
    // missed meanwhile is a gap the runtime fills with getDifference at the next update.
    const takeUpdatesBack = () =>
      void services.client.invoke(new Api.updates.GetState()).catch((err: unknown) => log.warn({ err }, "could not call updates.getState after a handover"));
    const listening = new BridgeServer({ socketPath: options.socketPath, port, log, onHandover: takeUpdatesBack });
    await listening.listen();
    server = listening;
    log.info({ socket: options.socketPath }, "scripts of this session (send, confirm) run through this process");
    return {
      onUpdate(update) {
        const press = callbackQueryOf(update, selfId);
        if (press !== undefined) listening.publishPress(press);
      },
      interceptMessage(message) {
        listening.publishMessage(chatMessageOf(message));
        return false;
      },
      close: () => listening.close(),
    };
  };
  return { extend, takes: (press) => server?.watches(press) ?? false };
}
