/**
 * Uploaded file parts waiting to be used, as core.telegram.org/api/files describes them: an account saves
 * the parts of a file under a file_id it chose (upload.saveFilePart for files up to 10 MB,
 * upload.saveBigFilePart above), then names the file in an InputFile / InputFileBig, and the server checks
 * and joins the parts. All parts have one size, a multiple of 1 KB that divides 512 KB; only the last may
 * be smaller. Parts are kept per account and file_id in a bounded buffer: when it is full the least
 * recently used uploads go first, uploads untouched for a while expire, and a used file's parts are dropped
 * — all of which later reads as FILE_PART_X_MISSING, as on Telegram ("the storage life of each portion of
 * data is between several minutes and several hours").
 */
import { createHash } from "node:crypto";
import { Api } from "telegram";
import { badRequest } from "./errors.js";

/** Largest part (FILE_PART_TOO_BIG above). */
export const MAX_PART_BYTES = 512 * 1024;
/** Files above this size must be saved with upload.saveBigFilePart. */
export const SMALL_FILE_MAX_BYTES = 10 * 1024 * 1024;
/** Most parts of a file: appConfig upload_max_fileparts_default and upload_max_fileparts_premium. */
export const MAX_FILE_PARTS = 4000;
export const MAX_FILE_PARTS_PREMIUM = 8000;
/** file_total_parts of a streamed upload's parts before the last one. */
const STREAMED = -1;

/** One part as upload.saveFilePart / saveBigFilePart carry it. */
export interface FilePart {
  fileId: { toString(): string };
  part: number;
  /** saveBigFilePart only: the number of parts (-1 while streaming). */
  totalParts?: number;
  bytes: Uint8Array;
}

/** A file joined from its parts, with the name its InputFile gave. */
export interface AssembledFile {
  bytes: Buffer;
  name: string;
}

interface PendingUpload {
  key: string;
  parts: Map<number, Buffer>;
  bytes: number;
  /** saveBigFilePart's file_total_parts, once a part gave it. */
  totalParts?: number;
  /** world.now() of the last part saved or use. */
  touchedAt: number;
}

/** What uploads read of the world: who is premium, the clock and the buffer limits. */
export interface UploadHost {
  readonly users: ReadonlyMap<number, { readonly premium: boolean }>;
  readonly limits: { readonly uploadBufferBytes: number; readonly uploadPartTtlSeconds: number };
  now(): number;
}

/** The most parts the account may upload. */
function maxParts(world: UploadHost, userId: number): number {
  return world.users.get(userId)?.premium ? MAX_FILE_PARTS_PREMIUM : MAX_FILE_PARTS;
}

/**
 * Which rule the parts break, if any: every part but the last one the same size, that size a multiple of
 * 1 KB dividing 512 KB, the last part no larger. The last part is the one at `lastIndex` when the total is
 * known (saveBigFilePart), else the highest part saved so far.
 */
function shapeError(parts: ReadonlyMap<number, Buffer>, saving: { part: number; size: number }, lastIndex: number | undefined): string | undefined {
  let last = lastIndex ?? saving.part;
  if (lastIndex === undefined) for (const index of parts.keys()) last = Math.max(last, index);
  let common: number | undefined;
  let lastSize: number | undefined;
  let changed = false;
  const visit = (index: number, size: number) => {
    if (index === last) lastSize = size;
    else if (common === undefined) common = size;
    else if (size !== common) changed = true;
  };
  for (const [index, bytes] of parts) if (index !== saving.part) visit(index, bytes.length);
  visit(saving.part, saving.size);
  if (changed) return "FILE_PART_SIZE_CHANGED";
  if (common === undefined) return undefined;
  if (common % 1024 !== 0 || MAX_PART_BYTES % common !== 0) return "FILE_PART_SIZE_INVALID";
  if (lastSize !== undefined && lastSize > common) return "FILE_PART_SIZE_CHANGED";
  return undefined;
}

/** Every account's pending uploads, bounded by world.limits.uploadBufferBytes and uploadPartTtlSeconds. */
export class UploadStore {
  /** Least recently used first. */
  private readonly uploads = new Map<string, PendingUpload>();
  private held = 0;

  /** Bytes of parts held now. */
  get heldBytes(): number {
    return this.held;
  }

  /**
   * upload.saveFilePart (big = false) and upload.saveBigFilePart (big = true): checks the part as the
   * documentation lists (FILE_PARTS_INVALID, FILE_PART_INVALID, FILE_PART_EMPTY, FILE_PART_TOO_BIG,
   * FILE_PART_SIZE_INVALID, FILE_PART_SIZE_CHANGED) and keeps it; saving a part again replaces it.
   */
  save(world: UploadHost, userId: number, big: boolean, input: FilePart): void {
    const limit = maxParts(world, userId);
    const total = big ? (input.totalParts ?? 0) : undefined;
    if (total !== undefined && total !== STREAMED && (!Number.isInteger(total) || total < 1 || total > limit)) throw badRequest("FILE_PARTS_INVALID");
    const { part } = input;
    if (!Number.isInteger(part) || part < 0 || part >= limit || (total !== undefined && total > 0 && part >= total)) throw badRequest("FILE_PART_INVALID");
    const size = input.bytes.length;
    // A streamed upload may end with an empty part (core.telegram.org/api/files, "Streamed uploads").
    const streamedEnd = total !== undefined && total > 0 && part === total - 1;
    if (size === 0 && !streamedEnd) throw badRequest("FILE_PART_EMPTY");
    if (size > MAX_PART_BYTES) throw badRequest("FILE_PART_TOO_BIG");

    this.expire(world);
    const key = uploadKey(userId, big, input.fileId);
    const upload = this.uploads.get(key) ?? { key, parts: new Map<number, Buffer>(), bytes: 0, touchedAt: 0 };
    const knownTotal = total !== undefined && total > 0 ? total : undefined;
    if (knownTotal !== undefined && upload.totalParts !== undefined && upload.totalParts !== knownTotal) throw badRequest("FILE_PARTS_INVALID");
    const totalParts = knownTotal ?? upload.totalParts;
    const shape = shapeError(upload.parts, { part, size }, totalParts === undefined ? undefined : totalParts - 1);
    if (shape !== undefined) throw badRequest(shape);

    const before = upload.parts.get(part)?.length ?? 0;
    upload.parts.set(part, Buffer.from(input.bytes)); // a copy: the request's buffer may be a view of a larger one
    upload.bytes += size - before;
    this.held += size - before;
    if (knownTotal !== undefined) upload.totalParts = knownTotal;
    upload.touchedAt = world.now();
    this.uploads.delete(key);
    this.uploads.set(key, upload);
    this.evict(world.limits.uploadBufferBytes, upload, part);
  }

  /**
   * The file an InputFile / InputFileBig names, joined from its parts: FILE_PARTS_INVALID for a wrong part
   * count (or an InputFile over 10 MB), FILE_PART_X_MISSING for the first part not held (X its number),
   * MD5_CHECKSUM_INVALID when the InputFile's md5_checksum does not match. The parts stay until `release`.
   */
  assemble(world: UploadHost, userId: number, file: Api.TypeInputFile): AssembledFile {
    if (!(file instanceof Api.InputFile) && !(file instanceof Api.InputFileBig)) throw badRequest("INPUT_FILE_INVALID");
    const big = file instanceof Api.InputFileBig;
    const parts = file.parts;
    if (!Number.isInteger(parts) || parts < 1 || parts > maxParts(world, userId)) throw badRequest("FILE_PARTS_INVALID");
    this.expire(world);
    const upload = this.uploads.get(uploadKey(userId, big, file.id));
    for (let index = 0; index < parts; index += 1) {
      if (!upload?.parts.has(index)) throw badRequest(`FILE_PART_${index}_MISSING`);
    }
    if (upload!.parts.size > parts || (upload!.totalParts !== undefined && upload!.totalParts !== parts)) throw badRequest("FILE_PARTS_INVALID");
    const bytes = Buffer.concat(Array.from({ length: parts }, (_, index) => upload!.parts.get(index)!));
    if (bytes.length === 0 || (!big && bytes.length > SMALL_FILE_MAX_BYTES)) throw badRequest("FILE_PARTS_INVALID");
    if (file instanceof Api.InputFile && file.md5Checksum && createHash("md5").update(bytes).digest("hex") !== file.md5Checksum.toLowerCase()) {
      throw badRequest("MD5_CHECKSUM_INVALID");
    }
    upload!.touchedAt = world.now();
    return { bytes, name: file.name };
  }

  /** Drops the parts of a file once it was used. */
  release(userId: number, file: Api.TypeInputFile): void {
    if (file instanceof Api.InputFile || file instanceof Api.InputFileBig) this.remove(uploadKey(userId, file instanceof Api.InputFileBig, file.id));
  }

  /** Forgets every upload (control API POST /reset). */
  clear(): void {
    this.uploads.clear();
    this.held = 0;
  }

  private remove(key: string): void {
    const upload = this.uploads.get(key);
    if (upload === undefined) return;
    this.uploads.delete(key);
    this.held -= upload.bytes;
  }

  /** Drops uploads untouched for longer than world.limits.uploadPartTtlSeconds. */
  private expire(world: UploadHost): void {
    const oldest = world.now() - world.limits.uploadPartTtlSeconds;
    for (const [key, upload] of this.uploads) {
      if (upload.touchedAt < oldest) this.remove(key);
    }
  }

  /** Keeps the buffer within `limit`: other uploads first (least recently used), then the current one's earliest parts. */
  private evict(limit: number, current: PendingUpload, keepPart: number): void {
    for (const [key, upload] of this.uploads) {
      if (this.held <= limit) return;
      if (upload !== current) this.remove(key);
    }
    for (const index of [...current.parts.keys()].sort((a, b) => a - b)) {
      if (this.held <= limit) return;
      if (index === keepPart) continue;
      const size = current.parts.get(index)!.length;
      current.parts.delete(index);
      current.bytes -= size;
      this.held -= size;
    }
  }
}

/** Small and big uploads are stored apart: an InputFile never finds saveBigFilePart's parts, and the reverse. */
function uploadKey(userId: number, big: boolean, fileId: { toString(): string }): string {
  return `${userId}:${big ? "big" : "small"}:${fileId.toString()}`;
}
