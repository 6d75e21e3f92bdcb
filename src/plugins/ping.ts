import { type Context, command, definePlugin } from "../handlers/index.js";

/** Answers "Pong!", then edits the answer to show how long the round trip to Telegram took. */
async function ping(ctx: Context): Promise<void> {
  const started = performance.now();
  const sent = await ctx.answer("Pong!");
  const ms = Math.round(performance.now() - started);
  await ctx.telegram.editMessage(sent.chatId, sent.messageId, `Pong! ${ms} ms`);
}

export default definePlugin({
  name: "ping",
  description: "Checks that the runtime answers",
  handlers: [command({ name: "ping", description: "answer with the round-trip time to Telegram" }, ping)],
});
