/**
 * Where the text given with `npm run send --file` goes: under the (first) file as its caption when it fits
 * Telegram's caption limit, else after the files as ordinary messages, split like any long text.
 */
import type { FormattedText } from "./formatted.js";

/** Telegram's longest caption for accounts without Premium (config caption_length_max). */
export const MAX_CAPTION_LENGTH = 1024;

/** The caption to attach, if any, and the messages to send after the files. */
export interface CaptionPlan {
  readonly caption?: FormattedText;
  readonly after: readonly FormattedText[];
}

/** Places the text's parts (as splitFormatted made them): one part of at most 1,024 characters is the caption. */
export function placeCaption(parts: readonly FormattedText[]): CaptionPlan {
  if (parts.length === 0) return { after: [] };
  if (parts.length === 1 && parts[0].text.length <= MAX_CAPTION_LENGTH) return { caption: parts[0], after: [] };
  return { after: parts };
}
