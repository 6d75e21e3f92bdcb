/**
 * The emulator's own reading of an uploaded image's header, as Telegram's servers read a photo before
 * they accept it. It is written apart from the product's reader (src/send/image.ts) on purpose: two
 * independent readers make a disagreement between the client's check and the server's answer visible.
 */

/** What Telegram needs to know of an uploaded photo. */
export interface PhotoHeader {
  readonly format: "png" | "jpeg";
  readonly width: number;
  readonly height: number;
}

/**
 * Telegram's photo limits as the Bot API documents them (core.telegram.org/bots/api#sendphoto): at most
 * 10 MB, width + height at most 10,000, a ratio of the sides of at most 20.
 */
export const PHOTO_RULES = { maxBytes: 10 * 1024 * 1024, maxSideSum: 10_000, maxRatio: 20 } as const;

/** Whether a photo of this size passes (PHOTO_INVALID_DIMENSIONS otherwise). */
export function photoSizeAccepted({ width, height }: PhotoHeader): boolean {
  if (width + height > PHOTO_RULES.maxSideSum) return false;
  const [short, long] = width < height ? [width, height] : [height, width];
  return long <= short * PHOTO_RULES.maxRatio;
}

/** The header of a PNG (its IHDR chunk) or a JPEG (its first frame segment); undefined for anything else. */
export function readPhotoHeader(bytes: Uint8Array): PhotoHeader | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isPng(bytes)) {
    if (bytes.length < 24) return undefined;
    return sized("png", view.getUint32(16), view.getUint32(20));
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xd8) return jpegFrame(bytes, view);
  return undefined;
}

/** The 8-byte PNG signature followed by an IHDR chunk (the PNG specification requires it first). */
function isPng(bytes: Uint8Array): boolean {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 16 || signature.some((byte, i) => bytes[i] !== byte)) return false;
  return String.fromCharCode(bytes[12], bytes[13], bytes[14], bytes[15]) === "IHDR";
}

/**
 * Steps over JPEG segments (each 0xFF, a marker, a 2-byte length) until a start-of-frame: SOF0-SOF15
 * except DHT (C4), JPG (C8) and DAC (CC), which share the range but are not frames.
 */
function jpegFrame(bytes: Uint8Array, view: DataView): PhotoHeader | undefined {
  let offset = 2;
  while (offset + 1 < bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1];
    const standalone = marker === 0xff || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
    if (standalone) {
      offset += marker === 0xff ? 1 : 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda || offset + 4 > bytes.length) return undefined;
    const length = view.getUint16(offset + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return offset + 9 <= bytes.length ? sized("jpeg", view.getUint16(offset + 7), view.getUint16(offset + 5)) : undefined;
    if (length < 2) return undefined;
    offset += 2 + length;
  }
  return undefined;
}

function sized(format: PhotoHeader["format"], width: number, height: number): PhotoHeader | undefined {
  return width > 0 && height > 0 ? { format, width, height } : undefined;
}
