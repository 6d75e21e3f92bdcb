/**
 * Sending a file to a resolved chat, the sibling of deliver.ts for text: the file is uploaded with GramJS's
 * uploadFile (read from disk in parts, saveBigFilePart above 10 MB), then sent with sendFile as a document
 * (the bytes arrive unchanged, under their name) or as a photo, with an optional caption; the send is paced
 * like any message and retried through short flood waits. When Telegram no longer holds an uploaded part
 * (FILE_PART_X_MISSING) the file is uploaded again, once.
 */
import { Api, type TelegramClient, utils } from "telegram";
import { CustomFile } from "telegram/client/uploads.js";
import { rpcErrorName } from "../errors.js";
import { withFloodWait } from "../telegram/floodWait.js";
import { type DeliverOptions, type Destination, toApiEntities } from "./deliver.js";
import type { FileToSend } from "./fileInput.js";
import type { FormattedText } from "./formatted.js";

/** How a file is sent. */
export interface DeliverFileOptions extends Pick<DeliverOptions, "pacer" | "flood" | "silent"> {
  /** Called as the upload advances, with the bytes uploaded so far. */
  readonly onProgress?: (uploadedBytes: number) => void;
  /** Parallel part uploads (GramJS's workers; default 4). */
  readonly workers?: number;
}

const MISSING_PART = /^FILE_PART_\d+_MISSING$/;

/** Uploads and sends one file, the caption under it; resolves with the message id. */
export async function deliverFile(
  client: TelegramClient,
  to: Destination,
  file: FileToSend,
  caption: FormattedText | undefined,
  options: DeliverFileOptions,
): Promise<number> {
  for (let attempt = 1; ; attempt += 1) {
    const media = await uploadMedia(client, file, options);
    if (attempt === 1) await options.pacer.acquire(to.chatId); // a send again after uploading again keeps its place
    try {
      const sent = await withFloodWait(
        "messages.sendMedia",
        () =>
          client.sendFile(to.peer, {
            file: media,
            caption: caption?.text ?? "",
            formattingEntities: toApiEntities(caption?.entities ?? []),
            silent: options.silent,
          }),
        options.flood,
      );
      return sent.id;
    } catch (error) {
      if (attempt === 1 && MISSING_PART.test(rpcErrorName(error) ?? "")) continue;
      throw error;
    }
  }
}

/** Uploads the file and describes it as Telegram's InputMedia: a photo, or a document named as the file is. */
async function uploadMedia(client: TelegramClient, file: FileToSend, options: DeliverFileOptions): Promise<Api.TypeInputMedia> {
  const custom = new CustomFile(file.name, file.size, file.path);
  const progress = options.onProgress;
  const uploaded = await client.uploadFile({
    file: custom,
    workers: options.workers ?? 4,
    onProgress: progress === undefined ? undefined : (fraction: number) => progress(Math.min(file.size, Math.round(fraction * file.size))),
  });
  if (file.asPhoto) return new Api.InputMediaUploadedPhoto({ file: uploaded });
  // GramJS's own guess of the MIME type from the name; only the file name attribute, so nothing turns it into
  // a video, voice note or sticker: a document arrives as the file it is.
  const { mimeType } = utils.getAttributes(custom, { forceDocument: true });
  return new Api.InputMediaUploadedDocument({
    file: uploaded,
    mimeType,
    attributes: [new Api.DocumentAttributeFilename({ fileName: file.name })],
    forceFile: true,
  });
}
