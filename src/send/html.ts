/**
 * The HTML Telegram's apps and the Bot API understand: <b> <strong>, <i> <em>, <u> <ins>, <s> <strike>
 * <del>, <tg-spoiler> or <span class="tg-spoiler">, <a href>, <code>, <pre> (with <code class="language-x">
 * inside for a language), <blockquote>; &lt; &gt; &amp; &quot; and numeric entities. Anything else
 * (an unknown or unclosed tag, a stray "<", a tag inside code) is an error that names the place.
 */
import { type Entity, type EntityType, type FormattedText, MarkupError, positionOf } from "./formatted.js";

const TAGS: Readonly<Record<string, EntityType>> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strike",
  strike: "strike",
  del: "strike",
  "tg-spoiler": "spoiler",
  span: "spoiler",
  a: "link",
  code: "code",
  pre: "pre",
  blockquote: "blockquote",
};

const SUPPORTED = 'b, i, u, s, a href, code, pre, tg-spoiler, span class="tg-spoiler", blockquote';
const NAMED: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"' };
const TAG = /^<(\/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[A-Za-z][A-Za-z0-9-]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(\/?)>/;
const ATTRIBUTE = /([A-Za-z][A-Za-z0-9-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

interface Open {
  readonly tag: string;
  readonly type: EntityType;
  readonly start: number;
  readonly at: number;
  readonly url?: string;
  /** A pre block's language, from the <code class="language-x"> inside it. */
  language?: string;
  /** The <code> inside a <pre>: it only names the block's language. */
  readonly inPre?: boolean;
}

/** Reads HTML into text and entities; throws MarkupError naming the line and column of broken markup. */
export function parseHtml(source: string): FormattedText {
  let out = "";
  const entities: Entity[] = [];
  const stack: Open[] = [];
  const fail = (at: number, problem: string): never => {
    throw new MarkupError(`broken HTML at ${positionOf(source, at)}: ${problem}`);
  };
  let i = 0;
  while (i < source.length) {
    const char = source[i];
    if (char === "&") {
      const entity = /^&(#\d{1,7}|#x[0-9A-Fa-f]{1,6}|[A-Za-z]+);/.exec(source.slice(i, i + 12));
      const decoded = entity === null ? undefined : decodeEntity(entity[1]);
      out += decoded ?? "&";
      i += decoded === undefined ? 1 : entity![0].length;
      continue;
    }
    if (char !== "<") {
      out += char;
      i += 1;
      continue;
    }
    const match = TAG.exec(source.slice(i));
    if (match === null) fail(i, "< does not start a tag: write &lt; to send it as text");
    const [whole, slash, rawName, rawAttributes, selfClosing] = match!;
    const name = rawName.toLowerCase();
    const type = TAGS[name];
    if (type === undefined) fail(i, `<${rawName}> is not a tag Telegram supports (supported: ${SUPPORTED})`);
    const top = stack.at(-1);
    if (slash === "/") {
      if (top === undefined) fail(i, `</${rawName}> closes a tag that was never opened`);
      if (top!.tag !== name) fail(i, `</${rawName}> closes <${top!.tag}> of ${positionOf(source, top!.at)} (close tags in reverse order)`);
      stack.pop();
      close(top!, out.length, entities);
      i += whole.length;
      continue;
    }
    if (selfClosing === "/") fail(i, `<${rawName}/> is empty: write <${name}>text</${name}>`);
    const attributes = readAttributes(rawAttributes);
    if (top !== undefined && (top.type === "code" || top.type === "pre")) {
      if (!(top.type === "pre" && name === "code" && out.length === top.start)) fail(i, `<${rawName}> cannot be inside <${top.tag}>: code is shown as is`);
      top.language = /^language-(.+)$/.exec(attributes.get("class") ?? "")?.[1];
      stack.push({ tag: name, type: "code", start: out.length, at: i, inPre: true });
      i += whole.length;
      continue;
    }
    if (name === "span" && attributes.get("class") !== "tg-spoiler") fail(i, '<span> is only supported as <span class="tg-spoiler">');
    const url = name === "a" ? attributes.get("href")?.trim() : undefined;
    if (name === "a" && (url === undefined || url === "")) fail(i, '<a> needs an href: <a href="https://...">text</a>');
    stack.push({ tag: name, type, start: out.length, at: i, url });
    i += whole.length;
  }
  const unclosed = stack.at(-1);
  if (unclosed !== undefined) fail(unclosed.at, `<${unclosed.tag}> is never closed (close it with </${unclosed.tag}>)`);
  return { text: out, entities: entities.sort((a, b) => a.offset - b.offset || b.length - a.length) };
}

/** Records the entity of a closed tag (a <code> inside <pre> only sets the block's language). */
function close(open: Open, end: number, entities: Entity[]): void {
  if (end === open.start || open.inPre === true) return;
  entities.push({ type: open.type, offset: open.start, length: end - open.start, url: open.url, language: open.language });
}

/** The attributes of a tag, names lower-cased, values with entities decoded. */
function readAttributes(raw: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of raw.matchAll(ATTRIBUTE)) {
    const value = match[2] ?? match[3] ?? match[4] ?? "";
    attributes.set(
      match[1].toLowerCase(),
      value.replace(/&(#\d{1,7}|#x[0-9A-Fa-f]{1,6}|[A-Za-z]+);/g, (all, body: string) => decodeEntity(body) ?? all),
    );
  }
  return attributes;
}

/** The character an entity body (without & and ;) stands for, or undefined when it is not one Telegram reads. */
function decodeEntity(body: string): string | undefined {
  if (body.startsWith("#")) {
    const code = body[1] === "x" ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
  }
  return NAMED[body.toLowerCase()];
}
