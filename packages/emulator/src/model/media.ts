/**
 * What messages.sendMedia attaches: an uploaded file made into a document or a photo
 * (InputMediaUploadedDocument, InputMediaUploadedPhoto), or stored media sent again (InputMediaDocument,
 * InputMediaPhoto, with their file reference checked). Preparing checks everything and stores nothing:
 * the file's bytes are kept, and its parts dropped, only once the message is posted, so a refused send
 * can be retried with the same InputFile.
 */
import { Api } from "telegram";
import { homeDcOf } from "./dcs.js";
import { badRequest } from "./errors.js";
import type { StoredMedia } from "./files.js";
import type { World } from "./world.js";

/** Longest caption: config caption_length_max (premium accounts: caption_length_limit_premium). */
export const MAX_CAPTION_LENGTH = 1024;
export const MAX_CAPTION_LENGTH_PREMIUM = 4096;

/** Media ready to attach, and what to do once the message carrying it is posted. */
export interface PreparedMedia {
  readonly media: StoredMedia;
  commit(): void;
}

/** MEDIA_CAPTION_TOO_LONG for a caption longer than the sender may write. */
export function checkCaption(world: World, senderId: number, caption: string | undefined): void {
  const max = world.users.get(senderId)?.premium ? MAX_CAPTION_LENGTH_PREMIUM : MAX_CAPTION_LENGTH;
  if ((caption ?? "").length > max) throw badRequest("MEDIA_CAPTION_TOO_LONG");
}

/** The media an InputMedia names for `userId`, with the documented errors (upload, image and file reference ones). */
export function prepareMedia(world: World, userId: number, input: Api.TypeInputMedia): PreparedMedia {
  if (input instanceof Api.InputMediaUploadedDocument) {
    const file = world.uploads.assemble(world, userId, input.file);
    const attributes = [...(input.attributes ?? [])];
    // The file name travels in documentAttributeFilename; the InputFile's name stands in when it is missing.
    if (file.name && !attributes.some((a) => a instanceof Api.DocumentAttributeFilename))
      attributes.push(new Api.DocumentAttributeFilename({ fileName: file.name }));
    const media = world.files.newDocument(file.bytes, { mimeType: input.mimeType || "application/octet-stream", attributes, dcId: uploaderDc(world, userId) });
    return uploaded(world, userId, media, file.bytes, input.file);
  }
  if (input instanceof Api.InputMediaUploadedPhoto) {
    const file = world.uploads.assemble(world, userId, input.file);
    return uploaded(world, userId, world.files.newPhoto(file.bytes, uploaderDc(world, userId)), file.bytes, input.file);
  }
  if (input instanceof Api.InputMediaDocument || input instanceof Api.InputMediaPhoto) {
    const kind = input instanceof Api.InputMediaDocument ? "document" : "photo";
    const ref = input.id;
    if (ref instanceof Api.InputDocumentEmpty || ref instanceof Api.InputPhotoEmpty) throw badRequest("MEDIA_EMPTY");
    const media = world.files.find(kind, ref.id);
    if (media === undefined || media.accessHash !== BigInt(ref.accessHash.toString())) throw badRequest("MEDIA_INVALID");
    world.files.checkReference(media, ref.fileReference);
    return { media, commit: () => {} };
  }
  if (input instanceof Api.InputMediaEmpty) throw badRequest("MEDIA_EMPTY");
  throw badRequest(`MEDIA_${input.className.toUpperCase()}_NOT_IMPLEMENTED_IN_EMULATOR`);
}

/** A file is stored on its uploader's DC. */
function uploaderDc(world: World, userId: number): number {
  const user = world.users.get(userId);
  return user ? homeDcOf(world, user) : world.server.dcId;
}

function uploaded(world: World, userId: number, media: StoredMedia, bytes: Buffer, file: Api.TypeInputFile): PreparedMedia {
  return {
    media,
    commit() {
      world.files.keep(media, bytes);
      world.uploads.release(userId, file);
    },
  };
}
