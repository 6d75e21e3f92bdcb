/**
 * The files messages carry: documents and photos made from uploaded files, their bytes in a bounded store
 * (past world.limits.storedFileBytes the oldest files' bytes are dropped), the MessageMedia a message
 * renders with a fresh file reference, and upload.getFile reading them under the rules of
 * core.telegram.org/api/files ("Downloading files") and file references that expire
 * (world.limits.fileReferenceTtlSeconds).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { badRequest, RpcError } from "./errors.js";
import { PHOTO_RULES, photoSizeAccepted, readPhotoHeader } from "./imageHeader.js";

interface MediaCommon {
  readonly id: bigint;
  readonly accessHash: bigint;
  /** Unix seconds the file was stored (Document.date, upload.file mtime). */
  readonly date: number;
  /** Bytes. */
  readonly size: number;
  /** Hex SHA-256 of the content, kept after the bytes are dropped (the control API shows it). */
  readonly sha256: string;
  /** The store holding the bytes; it signs the file references. */
  readonly store: FileStore;
  /** The DC holding the file (its uploader's): upload.getFile elsewhere answers FILE_MIGRATE_X (dcs.ts). */
  readonly dcId: number;
}

/** A document: any file, stored unchanged. */
export interface StoredDocument extends MediaCommon {
  readonly kind: "document";
  readonly mimeType: string;
  readonly attributes: readonly Api.TypeDocumentAttribute[];
}

/** A photo: an image, kept as one PhotoSize holding the uploaded bytes (the emulator does not re-encode). */
export interface StoredPhoto extends MediaCommon {
  readonly kind: "photo";
  readonly format: "png" | "jpeg";
  readonly width: number;
  readonly height: number;
  /** The PhotoSize type Telegram gives a photo this large: s, m, x, y or w. */
  readonly sizeType: string;
}

/** What a message may carry. */
export type StoredMedia = StoredDocument | StoredPhoto;

const MB = 1024 * 1024;
/** Telegram's photo size classes: the type of the size whose box holds the longer side. */
const PHOTO_SIZE_TYPES: readonly [number, string][] = [
  [100, "s"],
  [320, "m"],
  [800, "x"],
  [1280, "y"],
];
const REFERENCE_TAG = { document: 1, photo: 2 } as const;
const REFERENCE_LENGTH = 1 + 4 + 12;

/** A random positive 63-bit id and a random access hash, as Telegram's look. */
function randomLong(positive: boolean): bigint {
  const value = randomBytes(8).readBigInt64LE(0);
  return positive ? value & 0x7fff_ffff_ffff_ffffn : value;
}

/** The file name a document's attributes give, if any. */
export function fileNameOf(media: StoredDocument): string | undefined {
  const attribute = media.attributes.find((a): a is Api.DocumentAttributeFilename => a instanceof Api.DocumentAttributeFilename);
  return attribute?.fileName;
}

/** The MessageMedia a message shows for stored media, with a freshly issued file reference. */
export function renderMedia(media: StoredMedia): Api.MessageMediaDocument | Api.MessageMediaPhoto {
  return media.store.render(media);
}

/** What a file store reads of its world: the clock, the limits and the DC its files are on. */
export interface FileStoreHost {
  readonly limits: { readonly storedFileBytes: number; readonly fileReferenceTtlSeconds: number };
  readonly server: { readonly dcId: number };
  now(): number;
}

/** Documents and photos with their bytes, for one world. */
export class FileStore {
  /** Oldest first: the order in which bytes are dropped. */
  private readonly files = new Map<string, { media: StoredMedia; bytes?: Buffer }>();
  private held = 0;
  private readonly secret = randomBytes(32);

  constructor(private readonly world: FileStoreHost) {}

  /** Bytes of file content held now. */
  get heldBytes(): number {
    return this.held;
  }

  /** A document for these bytes (not stored until `keep`). */
  newDocument(bytes: Buffer, fields: { mimeType: string; attributes: readonly Api.TypeDocumentAttribute[]; dcId?: number }): StoredDocument {
    return { kind: "document", ...this.common(bytes, fields.dcId), mimeType: fields.mimeType, attributes: fields.attributes };
  }

  /**
   * A photo for these bytes (not stored until `keep`): PHOTO_SAVE_FILE_INVALID over 10 MB,
   * IMAGE_PROCESS_FAILED unless a PNG or JPEG, PHOTO_INVALID_DIMENSIONS beyond Telegram's photo limits.
   */
  newPhoto(bytes: Buffer, dcId?: number): StoredPhoto {
    if (bytes.length > PHOTO_RULES.maxBytes) throw badRequest("PHOTO_SAVE_FILE_INVALID");
    const info = readPhotoHeader(bytes);
    if (info === undefined) throw badRequest("IMAGE_PROCESS_FAILED");
    if (!photoSizeAccepted(info)) throw badRequest("PHOTO_INVALID_DIMENSIONS");
    const longer = Math.max(info.width, info.height);
    const sizeType = PHOTO_SIZE_TYPES.find(([box]) => longer <= box)?.[1] ?? "w";
    return { kind: "photo", ...this.common(bytes, dcId), format: info.format, width: info.width, height: info.height, sizeType };
  }

  /** Stores the bytes of media a message now carries, dropping the oldest files' bytes past the limit. */
  keep(media: StoredMedia, bytes: Buffer): void {
    const key = keyOf(media.kind, media.id);
    if (this.files.has(key)) return;
    this.files.set(key, { media, bytes });
    this.held += bytes.length;
    for (const entry of this.files.values()) {
      if (this.held <= this.world.limits.storedFileBytes) break;
      if (entry.bytes === undefined || entry.media === media) continue;
      this.held -= entry.bytes.length;
      entry.bytes = undefined;
    }
  }

  /** Stored media by kind and id. */
  find(kind: StoredMedia["kind"], id: { toString(): string }): StoredMedia | undefined {
    return this.files.get(keyOf(kind, id))?.media;
  }

  /** The bytes of stored media, unless they were dropped to keep the store bounded. */
  bytesOf(media: StoredMedia): Buffer | undefined {
    return this.files.get(keyOf(media.kind, media.id))?.bytes;
  }

  /** The MessageMedia for stored media (use `renderMedia`). */
  render(media: StoredMedia): Api.MessageMediaDocument | Api.MessageMediaPhoto {
    const common = {
      id: returnBigInt(media.id),
      accessHash: returnBigInt(media.accessHash),
      fileReference: this.reference(media),
      date: media.date,
      dcId: media.dcId,
    };
    if (media.kind === "document") {
      const document = new Api.Document({ ...common, mimeType: media.mimeType, size: returnBigInt(media.size), attributes: [...media.attributes] });
      return new Api.MessageMediaDocument({ document });
    }
    const sizes = [new Api.PhotoSize({ type: media.sizeType, w: media.width, h: media.height, size: media.size })];
    return new Api.MessageMediaPhoto({ photo: new Api.Photo({ ...common, sizes }) });
  }

  /**
   * Checks a file reference a client sent back for this media: FILE_REFERENCE_EMPTY, FILE_REFERENCE_INVALID
   * (not one this server issued for this file), FILE_REFERENCE_EXPIRED (older than fileReferenceTtlSeconds).
   */
  checkReference(media: StoredMedia, reference: Uint8Array | undefined): void {
    const bytes = Buffer.from(reference ?? []);
    if (bytes.length === 0) throw badRequest("FILE_REFERENCE_EMPTY");
    if (bytes.length !== REFERENCE_LENGTH || bytes[0] !== REFERENCE_TAG[media.kind]) throw badRequest("FILE_REFERENCE_INVALID");
    const issued = bytes.readUInt32BE(1);
    if (!timingSafeEqual(bytes.subarray(5), this.referenceMac(media, issued))) throw badRequest("FILE_REFERENCE_INVALID");
    if (issued + this.world.limits.fileReferenceTtlSeconds < this.world.now()) throw badRequest("FILE_REFERENCE_EXPIRED");
  }

  /**
   * upload.getFile for InputDocumentFileLocation / InputPhotoFileLocation: LOCATION_INVALID for other
   * locations or a size the photo does not have, FILE_ID_INVALID for an unknown file (or wrong access hash,
   * or bytes dropped to keep the store bounded), file reference errors, then the documented offset / limit
   * rules (OFFSET_INVALID, LIMIT_INVALID). An offset at or past the end reads no bytes. Asked on a DC
   * (`dcId`) that does not hold the file: 303 FILE_MIGRATE_X (core.telegram.org/api/files, "Downloading
   * files": the file is on DC X, repeat the call there).
   */
  read(location: Api.TypeInputFileLocation, offset: number, limit: number, precise: boolean, dcId?: number): Api.upload.File {
    let media: StoredMedia | undefined;
    if (location instanceof Api.InputDocumentFileLocation) {
      media = this.find("document", location.id);
      if (media !== undefined && location.thumbSize) throw badRequest("LOCATION_INVALID");
    } else if (location instanceof Api.InputPhotoFileLocation) {
      media = this.find("photo", location.id);
      if (media?.kind === "photo" && location.thumbSize !== media.sizeType) throw badRequest("LOCATION_INVALID");
    } else {
      throw badRequest("LOCATION_INVALID");
    }
    if (media === undefined || media.accessHash !== BigInt(location.accessHash.toString())) throw badRequest("FILE_ID_INVALID");
    if (dcId !== undefined && dcId !== media.dcId) throw new RpcError(303, `FILE_MIGRATE_${media.dcId}`);
    this.checkReference(media, location.fileReference);
    checkRange(offset, limit, precise);
    const bytes = this.bytesOf(media);
    if (bytes === undefined) throw badRequest("FILE_ID_INVALID");
    const chunk = offset >= bytes.length ? Buffer.alloc(0) : bytes.subarray(offset, offset + limit);
    const type =
      media.kind === "photo"
        ? media.format === "png"
          ? new Api.storage.FilePng()
          : new Api.storage.FileJpeg()
        : chunk.length === bytes.length
          ? new Api.storage.FileUnknown()
          : new Api.storage.FilePartial();
    return new Api.upload.File({ type, mtime: media.date, bytes: chunk });
  }

  /** Forgets every file (control API POST /reset). */
  clear(): void {
    this.files.clear();
    this.held = 0;
  }

  private common(bytes: Buffer, dcId = this.world.server.dcId) {
    return {
      dcId,
      id: randomLong(true),
      accessHash: randomLong(false),
      date: this.world.now(),
      size: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      store: this,
    };
  }

  /** A file reference: kind tag, issue time and a MAC over both and the file id. */
  private reference(media: StoredMedia): Buffer {
    const issued = Math.max(0, Math.floor(this.world.now()));
    const head = Buffer.alloc(5);
    head[0] = REFERENCE_TAG[media.kind];
    head.writeUInt32BE(issued, 1);
    return Buffer.concat([head, this.referenceMac(media, issued)]);
  }

  private referenceMac(media: StoredMedia, issued: number): Buffer {
    return createHmac("sha256", this.secret).update(`${media.kind}:${media.id}:${issued}`).digest().subarray(0, 12);
  }
}

/** upload.getFile's offset and limit rules (core.telegram.org/api/files, "Downloading files"). */
function checkRange(offset: number, limit: number, precise: boolean): void {
  if (!Number.isSafeInteger(offset) || offset < 0) throw badRequest("OFFSET_INVALID");
  if (!Number.isSafeInteger(limit) || limit <= 0) throw badRequest("LIMIT_INVALID");
  const unit = precise ? 1024 : 4096;
  if (offset % unit !== 0) throw badRequest("OFFSET_INVALID");
  if (limit % unit !== 0) throw badRequest("LIMIT_INVALID");
  if (precise ? limit > MB : MB % limit !== 0) throw badRequest("LIMIT_INVALID");
  // Either way the part must lie within one megabyte-sized fragment of the file.
  if (Math.floor(offset / MB) !== Math.floor((offset + limit - 1) / MB)) throw badRequest("LIMIT_INVALID");
}

function keyOf(kind: StoredMedia["kind"], id: { toString(): string }): string {
  return `${kind}:${id.toString()}`;
}
