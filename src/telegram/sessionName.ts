import type { Config } from "../config.js";
import { botIdOf } from "./botToken.js";

/** The session name to use: the one asked for, else in bot mode "bot-ID" (the bot's own file), else config's ("default"). */
export function chooseSessionName(config: Config, asked: string | undefined): string {
  if (asked !== undefined) return asked;
  return config.mode === "bot" && config.botToken !== undefined ? `bot-${botIdOf(config.botToken)}` : config.sessionName;
}
