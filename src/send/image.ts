/**
 * What an image's header says: its format (PNG or JPEG) and its size in pixels. Pure and dependency-free:
 * `npm run send --photo` checks a file with it before connecting, and the emulator builds the photo
 * Telegram would from it.
 */

/** A PNG or JPEG image's format and pixel size. */
export interface ImageInfo {
  readonly format: "png" | "jpeg";
  readonly width: number;
  readonly height: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** JPEG start-of-frame markers (baseline, progressive, lossless, arithmetic); C4, C8 and CC are not frames. */
const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** The format and size from the first bytes of a file (the PNG IHDR chunk, a JPEG SOF segment); undefined when it is neither. */
export function readImageInfo(bytes: Uint8Array): ImageInfo | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length >= 24 && buffer.subarray(0, 8).equals(PNG_SIGNATURE) && buffer.toString("latin1", 12, 16) === "IHDR") {
    const width = buffer.readUInt32BE(16);
    const height = buffer.readUInt32BE(20);
    return width > 0 && height > 0 ? { format: "png", width, height } : undefined;
  }
  if (buffer.length >= 4 && buffer[0] === 0xff && buffer[1] === 0xd8) return jpegSize(buffer);
  return undefined;
}

/** Walks a JPEG's segments up to its first frame header. */
function jpegSize(buffer: Buffer): ImageInfo | undefined {
  let at = 2;
  while (at + 4 <= buffer.length) {
    if (buffer[at] !== 0xff) return undefined;
    const marker = buffer[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image or scan data before any frame
    const length = buffer.readUInt16BE(at + 2);
    if (length < 2) return undefined;
    if (SOF_MARKERS.has(marker)) {
      if (at + 9 > buffer.length) return undefined;
      const height = buffer.readUInt16BE(at + 5);
      const width = buffer.readUInt16BE(at + 7);
      return width > 0 && height > 0 ? { format: "jpeg", width, height } : undefined;
    }
    at += 2 + length;
  }
  return undefined;
}

/** Telegram's limits for a photo (the Bot API states them): at most 10 MB, width + height at most 10,000, sides at most 20:1. */
export const PHOTO_LIMITS = { maxBytes: 10 * 1024 * 1024, maxWidthPlusHeight: 10_000, maxAspectRatio: 20 } as const;

/** Whether Telegram takes an image of this size as a photo (PHOTO_INVALID_DIMENSIONS otherwise). */
export function photoDimensionsValid(info: Pick<ImageInfo, "width" | "height">): boolean {
  const { width, height } = info;
  return width + height <= PHOTO_LIMITS.maxWidthPlusHeight && Math.max(width, height) / Math.min(width, height) <= PHOTO_LIMITS.maxAspectRatio;
}
