/**
 * The Markdown the toolkit reads (GramJS's flavour, so it means the same as the handlers' "markdown"
 * parse mode): **bold**, __italic__, ~~strike~~, ||spoiler||, `code`, ```lang\npre```, [text](url),
 * and a backslash before any of \ * _ ~ | ` [ ] ( ) to write it as text. Single * _ ~ | are text.
 * Broken markup (an unclosed or overlapping delimiter, an unclosed code block or link) is an error
 * that names the place, never a silently different message.
 */
import { type Entity, type EntityType, type FormattedText, MarkupError, positionOf } from "./formatted.js";

const DELIMITERS: Readonly<Record<string, EntityType>> = { "**": "bold", __: "italic", "~~": "strike", "||": "spoiler" };
const ESCAPABLE = new Set(["\\", "*", "_", "~", "|", "`", "[", "]", "(", ")"]);

interface Open {
  readonly delimiter: string;
  readonly type: EntityType;
  /** Where the entity starts in the output text. */
  readonly start: number;
  /** Where the delimiter is in the source. */
  readonly at: number;
  /** For a link: the index of its closing "]". */
  readonly close?: number;
}

/** Reads Markdown into text and entities; throws MarkupError naming the line and column of broken markup. */
export function parseMarkdown(source: string): FormattedText {
  let out = "";
  const entities: Entity[] = [];
  const stack: Open[] = [];
  const fail = (at: number, problem: string): never => {
    throw new MarkupError(`broken Markdown at ${positionOf(source, at)}: ${problem}`);
  };
  let i = 0;
  while (i < source.length) {
    const char = source[i];
    if (char === "\\" && ESCAPABLE.has(source[i + 1] ?? "")) {
      out += source[i + 1];
      i += 2;
      continue;
    }
    if (source.startsWith("```", i)) {
      const end = source.indexOf("```", i + 3);
      if (end < 0) fail(i, "``` opens a code block that is never closed (close it with ```)");
      const block = preBlock(source.slice(i + 3, end));
      if (block.code !== "") entities.push({ type: "pre", offset: out.length, length: block.code.length, language: block.language });
      out += block.code;
      i = end + 3;
      continue;
    }
    if (char === "`") {
      const end = source.indexOf("`", i + 1);
      if (end < 0) fail(i, "` opens inline code that is never closed (close it with `, or write \\` for a backtick)");
      const code = source.slice(i + 1, end);
      if (code !== "") entities.push({ type: "code", offset: out.length, length: code.length });
      out += code;
      i = end + 1;
      continue;
    }
    const delimiter = source.slice(i, i + 2);
    const type = DELIMITERS[delimiter];
    if (type !== undefined) {
      const top = stack.at(-1);
      if (top?.delimiter === delimiter) {
        stack.pop();
        if (out.length > top.start) entities.push({ type, offset: top.start, length: out.length - top.start });
      } else {
        const inner = stack.findIndex((open) => open.delimiter === delimiter);
        if (inner >= 0) {
          const crossing = stack[stack.length - 1];
          fail(
            i,
            `${delimiter} closes ${delimiter} of ${positionOf(source, stack[inner].at)} while ${crossing.delimiter} of ${positionOf(source, crossing.at)} is still open (close them in reverse order)`,
          );
        }
        stack.push({ delimiter, type, start: out.length, at: i });
      }
      i += 2;
      continue;
    }
    if (char === "[") {
      const close = linkEnd(source, i);
      if (close !== undefined) {
        stack.push({ delimiter: "[", type: "link", start: out.length, at: i, close });
        i += 1;
        continue;
      }
    }
    const link = stack.at(-1);
    if (char === "]" && link?.close === i) {
      stack.pop();
      const end = source.indexOf(")", i + 2);
      if (end < 0) fail(i + 1, "the link target ( is never closed (close it with ))");
      const url = source.slice(i + 2, end).trim();
      if (url === "" || /\s/.test(url)) fail(i + 1, `the link target ${JSON.stringify(url)} is not a URL`);
      if (out.length > link.start) entities.push({ type: "link", offset: link.start, length: out.length - link.start, url });
      i = end + 1;
      continue;
    }
    if (char === "]" && stack.some((open) => open.close === i)) {
      const crossing = stack[stack.length - 1];
      fail(i, `the link text ends while ${crossing.delimiter} of ${positionOf(source, crossing.at)} is still open`);
    }
    out += char;
    i += 1;
  }
  const unclosed = stack[0];
  if (unclosed !== undefined) {
    const escaped = unclosed.delimiter.replace(/./g, "\\$&");
    fail(unclosed.at, `${unclosed.delimiter} is never closed (close it, or write ${escaped} to send it as text)`);
  }
  return { text: out, entities: entities.sort((a, b) => a.offset - b.offset || b.length - a.length) };
}

/** The "]" that ends a link whose "[" is at `open`, when "](" follows it; undefined when "[" is just text. */
function linkEnd(source: string, open: number): number | undefined {
  let depth = 0;
  for (let j = open + 1; j < source.length; j += 1) {
    const char = source[j];
    if (char === "\\") j += 1;
    else if (char === "[") depth += 1;
    else if (char === "]") {
      if (depth > 0) depth -= 1;
      else return source[j + 1] === "(" ? j : undefined;
    }
  }
  return undefined;
}

/** A ``` block's language (a word alone on its first line) and code, without the newlines around it. */
function preBlock(body: string): { language: string; code: string } {
  const firstLine = /^([A-Za-z0-9_+#.-]*)\n/.exec(body);
  const language = firstLine?.[1] ?? "";
  let code = firstLine === null ? body : body.slice(firstLine[0].length);
  if (code.endsWith("\n")) code = code.slice(0, -1);
  return { language, code };
}
