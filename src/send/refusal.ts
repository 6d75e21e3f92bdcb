/** Telegram's refusals of a send, explained in one line for the person running the script. */

import { rpcErrorName } from "../errors.js";
import { FloodWaitError } from "../handlers/errors.js";
import { formatWait } from "../telegram/errors.js";

const REASONS: Readonly<Record<string, string>> = {
  CHAT_WRITE_FORBIDDEN: "this account may not write in that chat",
  CHAT_ADMIN_REQUIRED: "only the chat's admins may post there",
  CHAT_RESTRICTED: "this account is restricted in that chat",
  USER_BANNED_IN_CHANNEL: "this account is banned from writing in that chat",
  CHANNEL_PRIVATE: "that chat is private, or this account was removed from it",
  CHANNEL_INVALID: "that chat is not valid for this account",
  PEER_ID_INVALID: "that chat or person is not valid for this account",
  USER_IS_BLOCKED: "that person blocked this account",
  USER_IS_BOT: "bots cannot write to other bots",
  INPUT_USER_DEACTIVATED: "that account was deleted",
  ENTITY_BOUNDS_INVALID: "the formatting does not fit the text",
  ENTITY_URL_INVALID: "a link in the text is not a valid URL",
  BUTTON_DATA_INVALID: "a button's data is too long",
  MESSAGE_TOO_LONG: "the message is longer than Telegram accepts",
  MESSAGE_EMPTY: "the message is empty",
  MESSAGE_ID_INVALID: "the message to edit no longer exists",
  CHAT_SEND_MEDIA_FORBIDDEN: "this account may not send media in that chat",
  CHAT_SEND_DOCS_FORBIDDEN: "this account may not send files in that chat",
  CHAT_SEND_PHOTOS_FORBIDDEN: "this account may not send photos in that chat",
  MEDIA_CAPTION_TOO_LONG: "the caption is longer than Telegram accepts",
  IMAGE_PROCESS_FAILED: "Telegram could not read the image; send it without --photo, as a file",
  PHOTO_INVALID_DIMENSIONS: "the photo's dimensions are beyond Telegram's limits; send it without --photo, as a file",
  PHOTO_SAVE_FILE_INVALID: "Telegram could not save the photo; send it without --photo, as a file",
  FILE_PARTS_INVALID: "the upload was not accepted (wrong number of parts)",
  MD5_CHECKSUM_INVALID: "the upload arrived damaged (checksum mismatch)",
};

/** A refusal already explained (by the `npm start` a script sends through, src/bridge/): its message is the line. */
export class RefusalError extends Error {
  override name = "RefusalError";
}

/** The line telling why a send failed, when the error is Telegram's; undefined for other errors. */
export function explainRefusal(error: unknown): string | undefined {
  if (error instanceof RefusalError) return error.message;
  if (error instanceof FloodWaitError) return `Telegram asks to wait ${formatWait(error.seconds)} before sending more (FLOOD_WAIT); try again later`;
  const name = rpcErrorName(error);
  if (name === undefined) return undefined;
  const reason = /^FILE_PART_\d+_MISSING$/.test(name) ? "part of the upload was lost; try again" : REASONS[name];
  return reason === undefined ? `Telegram refused: ${name}` : `Telegram refused: ${reason} (${name})`;
}
