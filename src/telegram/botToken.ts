/** Bot tokens as @BotFather gives them: the bot's id, a colon and the secret. */

/** What a bot token looks like. */
export const BOT_TOKEN_PATTERN = /^\d{1,20}:[A-Za-z0-9_-]{30,}$/;

/** The bot's user id, from the part of its token before the colon. */
export function botIdOf(token: string): string {
  return token.slice(0, token.indexOf(":"));
}
