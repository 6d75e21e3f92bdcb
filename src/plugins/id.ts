import { type Context, command, definePlugin } from "../handlers/index.js";

/** Answers with the ids of the chat, the sender, the message and, for a reply, the replied message and its sender. */
async function id(ctx: Context): Promise<void> {
  const message = ctx.message;
  const lines = [`Chat: ${ctx.chat.id} (${ctx.chat.type})`];
  if (ctx.sender !== undefined) lines.push(`Sender: ${ctx.sender.id}`);
  lines.push(`Message: ${message.messageId}`);
  if (message.replyToMessageId !== undefined) {
    const replied = await ctx.getReplyMessage();
    const from = replied?.senderId === undefined ? "" : `, from ${replied.senderId}`;
    lines.push(`Replied message: ${message.replyToMessageId}${from}`);
  }
  await ctx.answer(lines.join("\n"));
}

export default definePlugin({
  name: "id",
  description: "Shows Telegram ids",
  handlers: [command({ name: "id", description: "ids of this chat, the sender and the replied message" }, id)],
});
