import { parseArgs, type ParseArgsConfig } from "node:util";
import { isValidSessionName, SESSION_NAME_RULE } from "../telegram/sessionStore.js";
import { fail } from "./run.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parses a command's flags; an unknown flag, a missing value or a stray argument stops with the usage line. */
export function parseFlags<T extends Options>(argv: readonly string[], options: T, usage: string) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, "") : String(error);
    return fail(`${reason}\nusage: ${usage}`);
  }
}

/** Checks a --session value; undefined when the flag was not given. */
export function sessionFlag(value: string | undefined): string | undefined {
  if (value !== undefined && !isValidSessionName(value)) fail(`--session ${JSON.stringify(value)} is not a valid session name: use ${SESSION_NAME_RULE}.`);
  return value;
}
