/** The handlers' settings from the environment: COMMAND_PREFIX (user mode) and PLUGINS_DIR. */
import { type Env, type Problems, variable } from "../config.js";

/** Where plugins come from and how commands are written. */
export interface HandlersConfig {
  /** Command prefix in user mode. */
  readonly commandPrefix: string;
  /** Where the plugins are loaded from (PLUGINS_DIR; default src/plugins/). */
  readonly pluginsDir?: string;
}

/** Reads COMMAND_PREFIX and PLUGINS_DIR, recording each problem. */
export function parseHandlersConfig(env: Env, problems: Problems): HandlersConfig {
  const commandPrefix = variable(env, "COMMAND_PREFIX") ?? ".";
  if (!/^[^\sA-Za-z0-9]{1,3}$/.test(commandPrefix)) problems.push(["COMMAND_PREFIX", "COMMAND_PREFIX must be 1-3 punctuation characters, e.g. . or !"]);
  return { commandPrefix, pluginsDir: variable(env, "PLUGINS_DIR") };
}
