import { describe, expect, it } from "vitest";
import { parseUserRef } from "../../src/handlers/gateway.js";

describe("parseUserRef", () => {
  it("reads ids and usernames with or without @", () => {
    expect(parseUserRef("123456789")).toEqual({ id: "123456789" });
    expect(parseUserRef(" @Alice_99 ")).toEqual({ username: "Alice_99" });
    expect(parseUserRef("durov")).toEqual({ username: "durov" });
  });

  it("rejects what is neither", () => {
    for (const text of ["", "@", "-100123", "1abc", "@ab", "a b", `@${"x".repeat(40)}`, "t.me/durov"]) {
      expect(parseUserRef(text), text).toBeUndefined();
    }
  });
});
