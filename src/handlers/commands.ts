import type { RunMode } from "./message.js";

/** A command found at the start of a message text. */
export interface ParsedCommand {
  /** Command name, lower-cased, without prefix or @mention. */
  readonly name: string;
  /** The prefix that introduced it ("." or "/"). */
  readonly prefix: string;
  /** The bot username of a `/cmd@name` mention, as written. */
  readonly mention?: string;
  /** Arguments split on whitespace, with "double", 'single' and “smart” quotes grouping words. */
  readonly args: readonly string[];
  /** Everything after the command, trimmed, unsplit (newlines kept). */
  readonly rawArgs: string;
}

/** How commands are written in one mode. */
export interface CommandSyntax {
  readonly mode: RunMode;
  /** Prefix that starts a command. */
  readonly prefix: string;
  /** Our bot username (bot mode); `/cmd@name` is ours only when name equals it. */
  readonly botUsername?: string;
}

/** Default prefix for commands in user mode (the account's own messages). */
export const USER_PREFIX = ".";

/** Prefix of bot commands. */
export const BOT_PREFIX = "/";

/** Command syntax of a mode: "/" with @botname in bot mode, the user prefix in user mode. */
export function commandSyntax(mode: RunMode, options: { userPrefix?: string; botUsername?: string } = {}): CommandSyntax {
  return mode === "bot" ? { mode, prefix: BOT_PREFIX, botUsername: options.botUsername } : { mode, prefix: options.userPrefix ?? USER_PREFIX };
}

const NAME = /^([A-Za-z][A-Za-z0-9_]{0,31})(?:@([A-Za-z0-9_]{1,32}))?(?=\s|$)/;

/** Parses a command at the start of the text, or returns undefined (not a command, or `/cmd@other` for another bot). */
export function parseCommand(text: string, syntax: CommandSyntax): ParsedCommand | undefined {
  if (!text.startsWith(syntax.prefix)) return undefined;
  const rest = text.slice(syntax.prefix.length);
  const match = NAME.exec(rest);
  if (match === null) return undefined;
  const [whole, name, mention] = match;
  if (mention !== undefined) {
    if (syntax.mode !== "bot" || syntax.botUsername === undefined) return undefined;
    if (mention.toLowerCase() !== syntax.botUsername.replace(/^@/, "").toLowerCase()) return undefined;
  }
  const rawArgs = rest.slice(whole.length).trim();
  return { name: name.toLowerCase(), prefix: syntax.prefix, mention, args: splitArgs(rawArgs), rawArgs };
}

const CLOSING: Record<string, string> = { '"': '"', "'": "'", "“": "”", "‘": "’" };

/** Splits an argument string like a shell: whitespace separates, quotes group, backslash escapes inside "double" quotes. */
export function splitArgs(input: string): string[] {
  const args: string[] = [];
  let current = "";
  let inToken = false;
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    const closing = CLOSING[ch];
    if (closing !== undefined) {
      const end = readQuoted(input, i + 1, closing, ch === '"');
      current += end.value;
      inToken = true;
      i = end.next;
    } else if (/\s/.test(ch)) {
      if (inToken) args.push(current);
      current = "";
      inToken = false;
      i += 1;
    } else {
      current += ch;
      inToken = true;
      i += 1;
    }
  }
  if (inToken) args.push(current);
  return args;
}

/** Reads a quoted section starting after its opening quote; an unterminated quote runs to the end of the input. */
function readQuoted(input: string, start: number, closing: string, escapes: boolean): { value: string; next: number } {
  let value = "";
  let i = start;
  while (i < input.length && input[i] !== closing) {
    if (escapes && input[i] === "\\" && (input[i + 1] === closing || input[i + 1] === "\\")) i += 1;
    value += input[i];
    i += 1;
  }
  return { value, next: i + 1 };
}
