import { type Config, parseConfig } from "../app/config.js";
import { type Env, readEnv } from "../config.js";
import { fail } from "./run.js";

/** What to do when nothing at all is configured. */
export const NO_CREDENTIALS =
  "No Telegram credentials: get api_id and api_hash at my.telegram.org (API development tools), put them in .env as " +
  "TELEGRAM_API_ID and TELEGRAM_API_HASH, then run `npm run login` (or set TELEGRAM_BOT_TOKEN to run as a bot). " +
  "To try the toolkit without any account, run `npm run demo`.";

/** True when none of the credential variables is set. */
export function hasNoCredentials(env: Env): boolean {
  return ["TELEGRAM_API_ID", "TELEGRAM_API_HASH", "TELEGRAM_BOT_TOKEN"].every((name) => (env[name]?.trim() ?? "") === "");
}

/** The environment (.env under the real one) and the config it gives; stops with one clear line when it is not usable. */
export function configFromEnvironment(): { env: Env; config: Config } {
  const env = readEnv();
  if (hasNoCredentials(env)) fail(NO_CREDENTIALS);
  return { env, config: parseConfig(env) };
}

/** The session name asked for: the --session flag, else TELEGRAM_SESSION when set. */
export function askedSessionName(flag: string | undefined, env: Env): string | undefined {
  return flag ?? (env.TELEGRAM_SESSION?.trim() || undefined);
}
