/**
 * The files `npm run send --file` sends, checked before connecting: each is an existing, readable, non-empty
 * regular file within Telegram's 2 GB, and with --photo a PNG or JPEG within Telegram's photo limits. Every
 * failure is a FileInputError whose message says what to do instead. No GramJS here, so mistakes are
 * answered at once.
 */
import { constants, type Stats } from "node:fs";
import { access, readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { UserError } from "../errors.js";
import { type ImageInfo, PHOTO_LIMITS, photoDimensionsValid, readImageInfo } from "./image.js";

/** Telegram's largest file for accounts without Premium: 4,000 parts of 512 KB (the "2 GB" of its FAQ). */
export const MAX_FILE_BYTES = 4000 * 512 * 1024;

/** A file checked and ready to upload. */
export interface FileToSend {
  /** The path as given. */
  readonly path: string;
  /** The name it arrives under. */
  readonly name: string;
  readonly size: number;
  /** Sent as a photo (compressed and shown inline by Telegram's apps) rather than as a document. */
  readonly asPhoto: boolean;
  /** With asPhoto: the image's format and size. */
  readonly image?: ImageInfo;
}

/** A file that cannot be sent; the message is one line for the user. */
export class FileInputError extends UserError {}

/** A size in words: "512 bytes", "1.5 MB", "2.1 GB" (powers of 1,024, as Telegram counts). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 10 ? Math.round(value) : Math.round(value * 10) / 10} ${units[unit]}`;
}

/** Checks one --file argument; rejects with FileInputError saying what is wrong. */
export async function checkFile(path: string, options: { asPhoto: boolean }): Promise<FileToSend> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch (error) {
    throw new FileInputError(fsProblem(path, error));
  }
  if (info.isDirectory()) throw new FileInputError(`${path} is a folder: give a file to send`);
  if (!info.isFile()) throw new FileInputError(`${path} is not a regular file: give a file to send`);
  try {
    await access(path, constants.R_OK);
  } catch (error) {
    throw new FileInputError(fsProblem(path, error));
  }
  const size = info.size;
  if (size === 0) throw new FileInputError(`${path} is empty: Telegram does not take empty files`);
  if (size > MAX_FILE_BYTES) {
    const count = (n: number) => n.toLocaleString("en-US");
    throw new FileInputError(`${path} is ${count(size)} bytes: Telegram takes files up to ${count(MAX_FILE_BYTES)} bytes (2 GB)`);
  }
  const file = { path, name: basename(path), size, asPhoto: options.asPhoto };
  if (!options.asPhoto) return file;
  if (size > PHOTO_LIMITS.maxBytes) throw new FileInputError(`${path} is ${formatSize(size)}: photos are at most 10 MB; send it without --photo, as a file`);
  const image = readImageInfo(await readFile(path));
  if (image === undefined) throw new FileInputError(`${path} is not a PNG or JPEG image: send it without --photo, as a file`);
  if (!photoDimensionsValid(image)) {
    throw new FileInputError(
      `${path} is ${image.width}×${image.height} pixels: a photo's width and height may add up to 10,000 and be at most 20 times each other; send it without --photo, as a file`,
    );
  }
  return { ...file, image };
}

/** What went wrong reading a path, in words. */
function fsProblem(path: string, error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === "ENOENT") return `no file at ${path}: check the path`;
  if (code === "EACCES" || code === "EPERM") return `cannot read ${path}: permission denied`;
  if (code === "ENOTDIR") return `no file at ${path}: a part of the path is not a folder`;
  return `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`;
}
