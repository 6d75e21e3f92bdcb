import { botIdOf } from "./botToken.js";
import type { TelegramConfig } from "./config.js";

/** The session name to use: the one asked for, else in bot mode "bot-ID" (the bot's own file), else config's ("default"). */
export function chooseSessionName(config: TelegramConfig, asked: string | undefined): string {
  if (asked !== undefined) return asked;
  return config.mode === "bot" && config.botToken !== undefined ? `bot-${botIdOf(config.botToken)}` : config.sessionName;
}
