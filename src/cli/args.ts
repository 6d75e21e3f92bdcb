import { type ParseArgsConfig, parseArgs } from "node:util";
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

/**
 * Parses flags and positionals; negative numbers (chat ids such as -1001234) stay arguments, not
 * flags. An unknown flag or a missing value stops with the usage line.
 */
export function parseCommandLine<T extends Options>(argv: readonly string[], options: T, usage: string) {
  const held: string[] = [];
  const args = argv.map((arg) => (/^-\d+$/.test(arg) ? `\u0000${held.push(arg) - 1}` : arg));
  const restore = (arg: string) => (arg.startsWith("\u0000") ? held[Number(arg.slice(1))] : arg);
  try {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: true });
    for (const [key, value] of Object.entries(values)) {
      if (typeof value === "string") (values as Record<string, unknown>)[key] = restore(value);
      else if (Array.isArray(value)) (values as Record<string, unknown>)[key] = value.map((v) => (typeof v === "string" ? restore(v) : v));
    }
    return { flags: values, positionals: positionals.map(restore) };
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
