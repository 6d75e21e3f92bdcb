import { jpegHead, pngImage } from "@tg-toolkit/emulator/testing";
import { describe, expect, it } from "vitest";
import { photoDimensionsValid, readImageInfo } from "../../src/send/image.js";

describe("readImageInfo", () => {
  it("reads a PNG's size from its IHDR chunk", () => {
    expect(readImageInfo(pngImage(64, 48))).toEqual({ format: "png", width: 64, height: 48 });
  });

  it("reads a JPEG's size from its frame header, past other segments", () => {
    expect(readImageInfo(jpegHead(1280, 720))).toEqual({ format: "jpeg", width: 1280, height: 720 });
    const progressive = jpegHead(300, 200);
    progressive[progressive.indexOf(0xc0, 2)] = 0xc2;
    expect(readImageInfo(progressive)).toEqual({ format: "jpeg", width: 300, height: 200 });
  });

  it("answers undefined for anything else", () => {
    expect(readImageInfo(Buffer.from("%PDF-1.7 not an image"))).toBeUndefined();
    expect(readImageInfo(Buffer.alloc(0))).toBeUndefined();
    expect(readImageInfo(pngImage(4, 4).subarray(0, 20))).toBeUndefined();
    expect(readImageInfo(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).toBeUndefined();
  });

  it("checks Telegram's photo dimensions", () => {
    expect(photoDimensionsValid({ width: 5000, height: 5000 })).toBe(true);
    expect(photoDimensionsValid({ width: 9000, height: 1001 })).toBe(false);
    expect(photoDimensionsValid({ width: 2100, height: 100 })).toBe(false);
  });
});
