import { type CommandSyntax, parseCommand } from "../handlers/commands.js";
import type { Context } from "../handlers/context.js";
import { definePlugin, onMessage, type Plugin } from "../handlers/plugin.js";

/**
 * The runtime's answer to a command no plugin defines, so a typo is not met with silence. In user mode it
 * answers the account's own commands only; in bot mode, commands in a private chat or addressed to the bot
 * by name (a bare "/cmd" in a group may be meant for another bot).
 */
export function unknownCommandPlugin(plugins: readonly Plugin[], syntax: CommandSyntax): Plugin {
  const known = new Set(
    plugins.flatMap((plugin) => plugin.handlers.flatMap((handler) => (handler.kind === "command" ? [handler.command, ...handler.aliases] : []))),
  );
  return definePlugin({
    name: "unknown-command",
    description: "Answers commands no plugin defines",
    handlers: [
      onMessage(
        (message) => {
          const command = parseCommand(message.text, syntax);
          if (command === undefined || known.has(command.name)) return false;
          return syntax.mode === "user" || message.chatType === "private" || command.mention !== undefined;
        },
        (ctx: Context) =>
          ctx.answer(`Unknown command "${ctx.prefix}${parseCommand(ctx.message.text, syntax)?.name ?? ""}". Send ${ctx.prefix}help for the list.`),
        { name: "answer", needs: syntax.mode === "user" ? { access: "owner" } : {} },
      ),
    ],
  });
}
