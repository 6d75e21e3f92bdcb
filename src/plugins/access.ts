import { changeRule, describeAll, describePair, removeRules } from "../access/admin.js";
import { type AccessLayer, accessLayerFor } from "../access/layer.js";
import { AccessInputError, type Effect, type RuleTarget } from "../access/rules.js";
import { type Context, command, definePlugin } from "../handlers/index.js";
import { PeerError } from "../telegram/peers.js";

const TARGET_USAGE = "<@username | id | t.me link | here> [command ...]";

/** The access layer of this runtime, or an answer saying it is off. */
async function layerOf(ctx: Context): Promise<AccessLayer | undefined> {
  const layer = accessLayerFor(ctx.client);
  if (layer === undefined) await ctx.answer("Access control is not enabled in this runtime.");
  return layer;
}

/** Who a rule command is about: "here" (this chat), else the replied message's sender (every argument a command), else the first argument. */
async function targetOf(ctx: Context): Promise<{ target: string | RuleTarget; commands: readonly string[] } | string> {
  const here = ctx.args[0]?.toLowerCase() === "here";
  if (ctx.message.replyToMessageId !== undefined && !here) {
    const replied = await ctx.getReplyMessage();
    if (replied?.senderId === undefined) return "The replied message has no sender.";
    if (replied.senderId === ctx.me.id) return "That is the account itself: the owner may do everything already.";
    return {
      target: { subject: "user", peerId: replied.senderId, label: replied.sender?.username === undefined ? replied.senderId : `@${replied.sender.username}` },
      commands: ctx.args,
    };
  }
  const [first, ...rest] = ctx.args;
  if (first === undefined) return `Name a chat or person, or reply to a message. Usage: ${ctx.prefix}${ctx.command?.name ?? "allow"} ${TARGET_USAGE}`;
  if (here) {
    return {
      target: { subject: "chat", peerId: ctx.chat.id, label: ctx.chat.title === undefined ? ctx.chat.id : `"${ctx.chat.title}" (${ctx.chat.id})` },
      commands: rest,
    };
  }
  return { target: first, commands: rest };
}

/** `.allow` / `.deny`: changes the rules of a chat or person and answers with what it has now. */
function ruleCommand(effect: Effect) {
  return async (ctx: Context): Promise<void> => {
    const layer = await layerOf(ctx);
    if (layer === undefined) return;
    const request = await targetOf(ctx);
    if (typeof request === "string") {
      await ctx.answer(request);
      return;
    }
    try {
      const { target, pair } = await changeRule(ctx.client, layer.rules, effect, request.target, request.commands);
      await ctx.answer(`Done: ${describePair(target, pair)}.`);
    } catch (error) {
      if (error instanceof PeerError || error instanceof AccessInputError) await ctx.answer(`Nothing changed: ${error.message}.`);
      else throw error;
    }
  };
}

/** `.rules`: lists rules and gates; `.rules remove <target>` deletes a chat's or person's rules. */
async function rulesCommand(ctx: Context): Promise<void> {
  const layer = await layerOf(ctx);
  if (layer === undefined) return;
  const [verb, target] = ctx.args;
  if (verb === undefined) {
    await ctx.answer(describeAll(layer.rules).join("\n"));
    return;
  }
  if (verb !== "remove" || target === undefined) {
    await ctx.answer(`Usage: ${ctx.prefix}rules, or ${ctx.prefix}rules remove <@username | id | t.me link | here>`);
    return;
  }
  try {
    const resolved = target.toLowerCase() === "here" ? ({ subject: "chat", peerId: ctx.chat.id, label: ctx.chat.id } as const) : target;
    const { target: which, removed } = await removeRules(ctx.client, layer.rules, resolved);
    await ctx.answer(removed ? `Removed every rule of ${which.subject} ${which.label}.` : `${which.subject} ${which.label} had no rules.`);
  } catch (error) {
    if (error instanceof PeerError || error instanceof AccessInputError) await ctx.answer(`Nothing changed: ${error.message}.`);
    else throw error;
  }
}

export default definePlugin({
  name: "access",
  description: "Who may use the bot: allow and deny chats and people, list the rules",
  handlers: [
    command(
      { name: "allow", description: "allow a chat or person every command, or the listed ones", usage: TARGET_USAGE, needs: { access: "owner" } },
      ruleCommand("allow"),
    ),
    command(
      { name: "deny", description: "deny a chat or person every command, or the listed ones", usage: TARGET_USAGE, needs: { access: "owner" } },
      ruleCommand("deny"),
    ),
    command(
      { name: "rules", description: "list access rules and gates; rules remove <target> deletes some", usage: "[remove <target>]", needs: { access: "owner" } },
      rulesCommand,
    ),
  ],
});
