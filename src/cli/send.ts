/**
 * `npm run send -- <chat> [text] [--file PATH [--file PATH...] [--photo]] [--markdown | --html] [--each-line]
 * [--silent] [--no-preview] [--session NAME]` sends a message from a script: to @username, a t.me link, an
 * id or `me` (Saved Messages), as the saved user session or the bot of TELEGRAM_BOT_TOKEN. The text is the
 * arguments after the chat, or standard input when there are none; longer than 4,096 characters it is split
 * at line boundaries. With --each-line every line is its own message, sent as it arrives
 * (`tail -f log | npm run send ...`). With --file the files are sent (as documents, or with --photo as
 * photos) and the text is the first one's caption, or follows them as messages when longer than 1,024
 * characters; standard input is not read. Sends are paced by the RATE_* limits, shared by every process of
 * the session. Exit 0 once Telegram accepted every message; 2 for bad input; 1 when Telegram refused.
 */
import { createInterface } from "node:readline";
import { MAX_CAPTION_LENGTH, placeCaption } from "../send/caption.js";
import { checkFile, FileInputError, type FileToSend } from "../send/fileInput.js";
import { type FormattedText, MarkupError, type ParseMode } from "../send/formatted.js";
import { readMarkup } from "../send/markup.js";
import { splitFormatted } from "../send/split.js";
import { type PeerInput, parsePeerInput } from "../telegram/peers.js";
import { chooseSessionName } from "../telegram/sessionName.js";
import { SessionStore } from "../telegram/sessionStore.js";
import { parseCommandLine, sessionFlag } from "./args.js";
import { askedSessionName, configFromEnvironment } from "./credentials.js";
import { fail, runMain } from "./run.js";

const USAGE =
  "npm run send -- <@username | t.me link | id | me> [text] [--file PATH [--file PATH...] [--photo]] [--markdown | --html] [--each-line] [--silent] [--no-preview] [--session NAME]";

const OPTIONS = {
  markdown: { type: "boolean" },
  md: { type: "boolean" },
  html: { type: "boolean" },
  "each-line": { type: "boolean" },
  file: { type: "string", multiple: true },
  photo: { type: "boolean" },
  silent: { type: "boolean" },
  "no-preview": { type: "boolean" },
  session: { type: "string" },
} as const;

/** The parse mode the flags ask for. */
function parseModeOf(flags: { markdown?: boolean; md?: boolean; html?: boolean }): ParseMode {
  const markdown = flags.markdown === true || flags.md === true;
  if (markdown && flags.html === true) fail("--markdown and --html cannot be combined: choose one parse mode");
  return markdown ? "markdown" : flags.html === true ? "html" : "plain";
}

/** One message's text (line `line` of the input, with --each-line) read in the parse mode and split into parts; bad input stops with exit 2. */
function prepare(text: string, mode: ParseMode, line?: number): FormattedText[] {
  if (text.trim() === "") fail(`the text${line === undefined ? "" : ` of line ${line}`} is empty: nothing to send`);
  try {
    return splitFormatted(readMarkup(text, mode));
  } catch (error) {
    if (error instanceof MarkupError) fail(`${line === undefined ? "" : `line ${line}: `}${error.message}`);
    throw error;
  }
}

/** The --file arguments checked (exists, readable, not empty, within 2 GB; an image within the photo limits with --photo). */
async function checkFiles(paths: readonly string[], asPhoto: boolean): Promise<FileToSend[]> {
  const files: FileToSend[] = [];
  for (const path of paths) {
    try {
      files.push(await checkFile(path, { asPhoto }));
    } catch (error) {
      if (error instanceof FileInputError) fail(error.message);
      throw error;
    }
  }
  return files;
}

/** The non-blank lines of a text, numbered from 1. */
function linesOf(text: string): { line: string; number: number }[] {
  return text.split("\n").flatMap((line, index) => (line.trim() === "" ? [] : [{ line, number: index + 1 }]));
}

/** Everything standard input holds. */
async function readAll(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

runMain(async () => {
  const { flags, positionals } = parseCommandLine(process.argv.slice(2), OPTIONS, USAGE);
  const [chat, ...words] = positionals;
  if (chat === undefined) fail(`name the chat to send to\nusage: ${USAGE}`);
  const peer: PeerInput = parsePeerInput(chat);
  const mode = parseModeOf(flags);
  const eachLine = flags["each-line"] === true;
  const paths = flags.file ?? [];
  const asPhoto = flags.photo === true;
  if (asPhoto && paths.length === 0) fail("--photo sends an image given with --file: add --file PATH");
  if (paths.length > 0 && eachLine) fail("--each-line cannot be combined with --file: send the file and the lines in two commands");
  const files = await checkFiles(paths, asPhoto);
  // With files, the words are the caption (possibly none); standard input is not read.
  const captionPlan = files.length === 0 ? undefined : placeCaption(words.join(" ").trim() === "" ? [] : prepare(words.join(" "), mode));
  const fromStdin = words.length === 0 && files.length === 0;
  if (fromStdin && process.stdin.isTTY === true) fail(`no text: give it after the chat, or pipe it on standard input\nusage: ${USAGE}`);
  // Everything known before connecting is checked before connecting; streamed lines are checked as they come.
  const text = files.length > 0 ? "" : fromStdin ? (eachLine ? undefined : await readAll()) : words.join(" ");
  const batches =
    files.length > 0 ? [] : text === undefined ? [] : eachLine ? linesOf(text).map(({ line, number }) => prepare(line, mode, number)) : [prepare(text, mode)];
  if (files.length === 0 && text !== undefined && batches.length === 0) fail("the text is empty: nothing to send");

  const { env, config } = configFromEnvironment();
  const store = new SessionStore();
  const sessionName = chooseSessionName(config, askedSessionName(sessionFlag(flags.session), env));
  if (config.mode === "user" && !store.exists(sessionName))
    fail(`No saved session "${sessionName}" (${store.pathOf(sessionName)}): run \`npm run login\` first.`);

  // GramJS loads only once the input is known to be usable: mistakes are answered at once.
  // Through the npm start running for the session when there is one (one connection per session), else directly.
  const [{ openScriptPort }, { explainRefusal }, { uploadProgressFor }] = await Promise.all([
    import("../bridge/scriptPort.js"),
    import("../send/refusal.js"),
    import("../send/uploadProgress.js"),
  ]);
  const port = await openScriptPort(config, store, sessionName);
  const sent: number[] = [];
  try {
    const target = await port.chat(peer);
    const options = { silent: flags.silent === true, linkPreview: flags["no-preview"] !== true };
    const send = async (parts: readonly FormattedText[]) => sent.push(...(await port.send(target.chatId, parts, options)));
    const progress = uploadProgressFor(process.stderr);
    for (const [index, file] of files.entries()) {
      progress.start(file);
      try {
        const caption = index === 0 ? captionPlan?.caption : undefined;
        sent.push(await port.sendFile(target.chatId, file, caption, { ...options, onProgress: (bytes) => progress.update(bytes) }));
      } finally {
        progress.stop();
      }
    }
    if (captionPlan !== undefined && captionPlan.after.length > 0) {
      process.stderr.write(
        `note: the caption is longer than the ${MAX_CAPTION_LENGTH.toLocaleString("en-US")} characters Telegram shows under a file: it follows as its own message\n`,
      );
      await send(captionPlan.after);
    }
    for (const parts of batches) await send(parts);
    if (text === undefined) {
      let number = 0;
      for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
        number += 1;
        if (line.trim() !== "") await send(prepare(line, mode, number));
      }
    }
    if (sent.length === 0) fail("the text is empty: nothing to send");
    const what = sent.length === 1 ? `message ${sent[0]}` : `${sent.length} messages (${sent[0]}-${sent.at(-1)})`;
    const names = files.length === 0 ? "" : ` ${files.map((file) => file.name).join(", ")}${captionPlan?.after.length ? " and the caption" : ""}`;
    process.stdout.write(`Sent${names} to ${target.label}: ${what}.\n`);
  } catch (error) {
    const refusal = explainRefusal(error);
    if (refusal === undefined) throw error;
    const partly = sent.length === 0 ? "" : ` (after ${sent.length} message${sent.length === 1 ? "" : "s"} went through)`;
    fail(`${refusal}${partly}`, 1);
  } finally {
    await port.close();
  }
});
