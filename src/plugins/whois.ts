import { type Context, command, definePlugin, displayName, parseUserRef, type UserInfo, type UserRef } from "../handlers/index.js";

/** Which user `whois` is about: the argument, else the replied message's sender, else the private-chat peer or sender. */
async function target(ctx: Context): Promise<UserRef | string> {
  const arg = ctx.args[0];
  if (arg !== undefined) return parseUserRef(arg) ?? `"${arg}" is neither a @username nor a numeric id.`;
  if (ctx.message.replyToMessageId !== undefined) {
    const replied = await ctx.getReplyMessage();
    if (replied === undefined) return "The replied message is not available.";
    return replied.senderId === undefined ? "The replied message has no sender user." : { id: replied.senderId };
  }
  if (ctx.mode === "user" && ctx.chat.type === "private") return { id: ctx.chat.id };
  return ctx.sender === undefined ? "This message has no sender user." : { id: ctx.sender.id };
}

/** The answer lines describing a user. */
function describe(user: UserInfo): string {
  const lines = [`Name: ${user.isDeleted === true ? "Deleted account" : displayName(user)}`, `ID: ${user.id}`];
  if (user.username !== undefined) lines.push(`Username: @${user.username}`);
  lines.push(`Bot: ${user.isBot === true ? "yes" : "no"}`);
  if (user.isSelf === true) lines.push("This is you.");
  return lines.join("\n");
}

/** Answers with what Telegram knows about a user given by reply, @username or id. */
async function whois(ctx: Context): Promise<void> {
  const ref = await target(ctx);
  if (typeof ref === "string") {
    await ctx.answer(`${ref} Usage: ${ctx.prefix}whois [@username | id], or reply to a message.`);
    return;
  }
  const user = await ctx.telegram.getUser(ref);
  const asked = "id" in ref ? ref.id : `@${ref.username}`;
  await ctx.answer(user === undefined ? `No user found for ${asked}.` : describe(user));
}

export default definePlugin({
  name: "whois",
  description: "Describes a user",
  handlers: [command({ name: "whois", description: "describe a user by reply, @username or id", usage: "[@username | id]" }, whois)],
});
