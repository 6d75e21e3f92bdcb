import { describe, expect, it } from "vitest";
import { MAX_MESSAGE_LENGTH, splitFormatted } from "../../src/send/split.js";

const plain = (text: string) => ({ text, entities: [] });

describe("splitFormatted", () => {
  it("keeps a message within the limit whole", () => {
    const text = "x".repeat(MAX_MESSAGE_LENGTH);
    expect(splitFormatted(plain(text))).toEqual([plain(text)]);
  });

  it("cuts at the last line boundary that fits, dropping the newline", () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${String(i).padStart(3, "0")} ${"-".repeat(90)}`);
    const parts = splitFormatted(plain(lines.join("\n")));
    expect(parts.length).toBe(3);
    for (const part of parts) expect(part.text.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(parts.map((part) => part.text).join("\n")).toBe(lines.join("\n"));
    for (const part of parts) expect(part.text.startsWith("line ")).toBe(true);
  });

  it("cuts an over-long line at a space, else at the limit", () => {
    expect(splitFormatted(plain("aaaa bbbb cc"), 6).map((part) => part.text)).toEqual(["aaaa", "bbbb", "cc"]);
    expect(splitFormatted(plain("abcdefghij"), 4).map((part) => part.text)).toEqual(["abcd", "efgh", "ij"]);
  });

  it("never cuts inside a surrogate pair", () => {
    const parts = splitFormatted(plain("abc😀def"), 4);
    expect(parts.map((part) => part.text)).toEqual(["abc", "😀de", "f"]);
  });

  it("leaves out parts holding only whitespace", () => {
    expect(splitFormatted(plain("one\n\n\n\n\n\ntwo"), 4).map((part) => part.text)).toEqual(["one", "two"]);
  });

  it("clips entities to the parts they fall in", () => {
    const parts = splitFormatted(
      {
        text: "abc\ndef\nghi",
        entities: [
          { type: "bold", offset: 2, length: 7 },
          { type: "link", offset: 8, length: 3, url: "https://x" },
        ],
      },
      4,
    );
    expect(parts).toEqual([
      { text: "abc", entities: [{ type: "bold", offset: 2, length: 1 }] },
      { text: "def", entities: [{ type: "bold", offset: 0, length: 3 }] },
      {
        text: "ghi",
        entities: [
          { type: "bold", offset: 0, length: 1 },
          { type: "link", offset: 0, length: 3, url: "https://x" },
        ],
      },
    ]);
  });
});
