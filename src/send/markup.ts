/** Reading the text given to send in its parse mode: plain text as is, Markdown or HTML into entities. */
import type { FormattedText, ParseMode } from "./formatted.js";
import { parseHtml } from "./html.js";
import { parseMarkdown } from "./markdown.js";

/** The text and entities of `source` read in `mode`; throws MarkupError for broken markup. */
export function readMarkup(source: string, mode: ParseMode): FormattedText {
  if (mode === "markdown") return parseMarkdown(source);
  if (mode === "html") return parseHtml(source);
  return { text: source, entities: [] };
}
