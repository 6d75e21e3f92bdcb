/** The settings one running account needs: connection, logging, handlers and the update pipeline. */
import type { HandlersConfig } from "../handlers/config.js";
import type { LogConfig } from "../log.js";
import type { TelegramConfig } from "../telegram/config.js";
import type { UpdatesConfig } from "../updates/config.js";

/** What startRuntime reads; features' own settings (such as access) come with their extensions. */
export interface RuntimeConfig extends TelegramConfig, HandlersConfig, UpdatesConfig {
  readonly log: LogConfig;
}
