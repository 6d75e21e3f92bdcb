/** The away reply at work: interceptMessage's part of the automations extension (user mode only). */
import type { Message } from "../handlers/message.js";
import type { PluginDataService } from "../handlers/pluginStore.js";
import type { RuntimeServices } from "../runtime/extension.js";
import { decideAway, StoredAwayState } from "./away.js";
import type { AutoReply } from "./schema.js";

/** Sees each new message; true when it was the owner's .afk or .back (taken: no handler sees it). */
export function awayReplier(
  config: AutoReply,
  services: RuntimeServices,
  data: PluginDataService,
  now: () => number = Date.now,
): (message: Message) => boolean {
  const state = new StoredAwayState(data.store("autoReply"));
  const prefix = services.config.commandPrefix;
  const log = services.log.child({ feature: "autoReply" });
  const confirm = (message: Message, text: string) => {
    services.telegram
      .editMessage(message.chatId, message.messageId, text)
      .catch((error: unknown) => log.warn({ err: error }, "could not confirm the away command"));
  };
  return (message) => {
    const decision = decideAway(message, services.me.id, prefix, state, config, now());
    switch (decision.kind) {
      case "afk":
        state.setAway(decision.reason, now());
        confirm(message, decision.reason === undefined ? "Away." : `Away: ${decision.reason}`);
        return true;
      case "back":
        state.setBack();
        if (decision.command) confirm(message, "Back.");
        else log.info("back: the owner wrote");
        return decision.command;
      case "reply":
        state.replied(decision.personId, now());
        services.telegram
          .sendMessage(decision.chatId, decision.text)
          .catch((error: unknown) => log.warn({ err: error, chat: decision.chatId }, "away reply not sent"));
        return false;
      default:
        return false;
    }
  };
}
