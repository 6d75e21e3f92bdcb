/**
 * The chats an audit run covers, as given on the command line: @username, t.me link, numeric id, or
 * the path of a file listing such chats one per line (blank lines and # comments skipped).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { PeerError, type PeerInput, parsePeerInput } from "../telegram/peers.js";

/** One chat to audit: what was typed, and its parsed reference. */
export interface ChatArgument {
  text: string;
  input: PeerInput;
}

/** How the list reads files (injectable for tests). */
export interface ChatFiles {
  isFile(path: string): boolean;
  read(path: string): string;
}

const diskFiles: ChatFiles = {
  isFile: (path) => existsSync(path) && statSync(path).isFile(),
  read: (path) => readFileSync(path, "utf8"),
};

/** Text that can only be a chat reference, never a file name. */
const CHAT_LIKE = /^(@|-?\d+$|(https?:\/\/)?(www\.)?(t|telegram)\.(me|dog)\/|tg:\/\/)/i;

/** The chats the arguments name, in order and without repeats; throws PeerError naming the bad entry (and its file line). */
export function readChatArguments(args: readonly string[], files: ChatFiles = diskFiles): ChatArgument[] {
  const chats: ChatArgument[] = [];
  const seen = new Set<string>();
  const add = (text: string, where: string) => {
    let input: PeerInput;
    try {
      input = parsePeerInput(text);
    } catch (error) {
      throw error instanceof PeerError ? new PeerError(`${where}${error.message}`) : error;
    }
    const key = JSON.stringify(input);
    if (seen.has(key)) return;
    seen.add(key);
    chats.push({ text, input });
  };
  for (const arg of args) {
    if (CHAT_LIKE.test(arg.trim()) || !files.isFile(arg)) {
      add(arg, "");
      continue;
    }
    files
      .read(arg)
      .split(/\r?\n/)
      .forEach((line, index) => {
        const text = line.replace(/#.*$/, "").trim();
        if (text !== "") add(text, `${arg}:${index + 1}: `);
      });
  }
  return chats;
}
