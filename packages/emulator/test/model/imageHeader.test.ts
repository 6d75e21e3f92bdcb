/** The emulator's own photo-header reader: what messages.sendMedia accepts as a photo. */
import { describe, expect, it } from "vitest";
import { photoSizeAccepted, readPhotoHeader } from "../../src/model/imageHeader.js";
import { jpegHead, pngImage } from "../../src/testing/images.js";

describe("readPhotoHeader", () => {
  it("reads PNG and JPEG sizes, baseline and progressive frames", () => {
    expect(readPhotoHeader(pngImage(3, 700))).toEqual({ format: "png", width: 3, height: 700 });
    expect(readPhotoHeader(jpegHead(640, 480))).toEqual({ format: "jpeg", width: 640, height: 480 });
    const progressive = jpegHead(10, 20);
    progressive[progressive.indexOf(0xc0, 2)] = 0xc2;
    expect(readPhotoHeader(progressive)).toEqual({ format: "jpeg", width: 10, height: 20 });
  });

  it("does not take a Huffman table segment (C4) for a frame", () => {
    const table = Buffer.from([0xff, 0xd8, 0xff, 0xc4, 0x00, 0x07, 0x00, 0x10, 0x00, 0x20, 0x00, 0xff, 0xd9]);
    expect(readPhotoHeader(table)).toBeUndefined();
  });

  it("refuses what is not a whole header", () => {
    expect(readPhotoHeader(new Uint8Array())).toBeUndefined();
    expect(readPhotoHeader(Buffer.from("GIF89a........"))).toBeUndefined();
    expect(readPhotoHeader(pngImage(8, 8).subarray(0, 23))).toBeUndefined();
    expect(readPhotoHeader(jpegHead(8, 8).subarray(0, 24))).toBeUndefined();
  });

  it("applies Telegram's photo limits", () => {
    expect(photoSizeAccepted({ format: "png", width: 5000, height: 5000 })).toBe(true);
    expect(photoSizeAccepted({ format: "png", width: 5000, height: 5001 })).toBe(false);
    expect(photoSizeAccepted({ format: "png", width: 100, height: 2000 })).toBe(true);
    expect(photoSizeAccepted({ format: "png", width: 100, height: 2001 })).toBe(false);
  });
});
