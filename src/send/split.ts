/**
 * Splitting a long message into messages Telegram accepts: at most 4,096 characters (UTF-16 code
 * units, as Telegram and JavaScript count) each, cut at line boundaries; a line longer than the limit
 * is cut at its last space that fits, else at the limit, never inside a surrogate pair. Each part is
 * trimmed (Telegram trims messages) and entities are clipped to the part they fall in.
 */
import type { Entity, FormattedText } from "./formatted.js";

/** Telegram's longest message text. */
export const MAX_MESSAGE_LENGTH = 4096;

/** The parts of a formatted text, each at most `limit` long and trimmed; parts holding only whitespace are left out. */
export function splitFormatted(formatted: FormattedText, limit: number = MAX_MESSAGE_LENGTH): FormattedText[] {
  if (!(limit >= 2)) throw new RangeError(`a message limit of ${limit} is too small`);
  const parts: FormattedText[] = [];
  const { text } = formatted;
  let start = 0;
  while (start < text.length) {
    const { end, next } = cutPoint(text, start, limit);
    const from = start + (text.slice(start, end).length - text.slice(start, end).trimStart().length);
    const to = from + text.slice(from, end).trimEnd().length;
    if (to > from) parts.push({ text: text.slice(from, to), entities: clip(formatted.entities, from, to) });
    start = next;
  }
  return parts;
}

/** Where the part beginning at `start` ends, and where the next one begins (a cut newline or space is dropped). */
function cutPoint(text: string, start: number, limit: number): { end: number; next: number } {
  if (text.length - start <= limit) return { end: text.length, next: text.length };
  const window = text.slice(start, start + limit + 1);
  const newline = window.lastIndexOf("\n");
  if (newline > 0) return { end: start + newline, next: start + newline + 1 };
  const space = window.lastIndexOf(" ");
  if (space > 0) return { end: start + space, next: start + space + 1 };
  let end = start + limit;
  if (isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return { end, next: end };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** The entities overlapping [start, end), moved and cut to that range. */
function clip(entities: readonly Entity[], start: number, end: number): Entity[] {
  const clipped: Entity[] = [];
  for (const entity of entities) {
    const from = Math.max(entity.offset, start);
    const to = Math.min(entity.offset + entity.length, end);
    if (to > from) clipped.push({ ...entity, offset: from - start, length: to - from });
  }
  return clipped;
}
