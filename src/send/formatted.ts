/**
 * Formatted text as Telegram takes it: plain text plus entities (bold, links, code...) addressed by
 * UTF-16 offsets, kept free of GramJS types so markup parsing and splitting stay pure (and load fast).
 */
import { UserError } from "../errors.js";

/** The kinds of formatting the parse modes produce. */
export type EntityType = "bold" | "italic" | "underline" | "strike" | "spoiler" | "code" | "pre" | "link" | "blockquote";

/** One formatted range of the text (offset and length in UTF-16 code units, as Telegram counts). */
export interface Entity {
  readonly type: EntityType;
  readonly offset: number;
  readonly length: number;
  /** Target of a link. */
  readonly url?: string;
  /** Language of a pre block, when given. */
  readonly language?: string;
}

/** Text with its entities. */
export interface FormattedText {
  readonly text: string;
  readonly entities: readonly Entity[];
}

/** How the text given to send is read. */
export type ParseMode = "plain" | "markdown" | "html";

/** Broken markup; the message says where and how to fix it. */
export class MarkupError extends UserError {}

/** Line and column (both from 1) of a position in a text, for error messages. */
export function positionOf(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split("\n").length;
  const column = index - before.lastIndexOf("\n");
  return `line ${line}, column ${column}`;
}
