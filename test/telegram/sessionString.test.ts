import { StringSession } from "telegram/sessions/index.js";
import { describe, expect, it } from "vitest";
import { isWellFormedSession, normalizeSession } from "../../src/telegram/sessionStore.js";
import { parseSessionString, toGramjsString, toTelethonString } from "../../src/telegram/sessionString.js";

const KEY = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/**
 * Written by Telethon 1.25 (Debian's python3-telethon): StringSession(), set_dc(DC, IP, 443),
 * auth_key = AuthKey(bytes(range(256))), save(). URL-safe base64 ("_" and "-" appear in the key's bytes).
 */
const TELETHON_IPV4 =
  "1ApWapzMBuwABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj9AQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpbXF1eX2BhYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5_gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZaXmJmam5ydnp-goaKjpKWmp6ipqqusra6vsLGys7S1tre4ubq7vL2-v8DBwsPExcbHyMnKy8zNzs_Q0dLT1NXW19jZ2tvc3d7f4OHi4-Tl5ufo6err7O3u7_Dx8vP09fb3-Pn6-_z9_v8=";
const TELETHON_IPV6 =
  "1BCABBnwE6PAEAAAAAAAAAAoBuwABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj9AQUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVpbXF1eX2BhYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5_gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZaXmJmam5ydnp-goaKjpKWmp6ipqqusra6vsLGys7S1tre4ubq7vL2-v8DBwsPExcbHyMnKy8zNzs_Q0dLT1NXW19jZ2tvc3d7f4OHi4-Tl5ufo6err7O3u7_Dx8vP09fb3-Pn6-_z9_v8=";

/** What GramJS's own StringSession writes. */
function gramjsString(address: string, port: number, dcId = 2): string {
  const session = new StringSession("");
  session.setDC(dcId, address, port);
  session.setAuthKey(Object.assign(Object.create(null), { getKey: () => KEY }) as never);
  return session.save();
}

describe("Telethon session strings", () => {
  it("are read: DC, packed IPv4 or IPv6 address, port and auth key", () => {
    expect(parseSessionString(TELETHON_IPV4)).toEqual({ format: "telethon", dcId: 2, address: "149.154.167.51", port: 443, authKey: KEY });
    expect(parseSessionString(TELETHON_IPV6)).toEqual({ format: "telethon", dcId: 4, address: "2001:67c:4e8:f004:0:0:0:a", port: 443, authKey: KEY });
  });

  it("are written back exactly as Telethon writes them", () => {
    expect(toTelethonString(parseSessionString(TELETHON_IPV4)!)).toBe(TELETHON_IPV4);
    expect(toTelethonString(parseSessionString(TELETHON_IPV6)!)).toBe(TELETHON_IPV6);
  });

  it("are accepted by the store, converted into a string GramJS loads with the same key and server", () => {
    expect(isWellFormedSession(TELETHON_IPV4)).toBe(true);
    const converted = normalizeSession(TELETHON_IPV4)!;
    expect(converted).toMatch(/^1[A-Za-z0-9+/]+=*$/);
    const loaded = new StringSession(converted);
    expect([loaded.dcId, loaded.serverAddress, loaded.port]).toEqual([2, "149.154.167.51", 443]);
  });
});

describe("GramJS session strings", () => {
  it("are read with a host name or an IP, and written back unchanged", () => {
    for (const [address, port] of [
      ["127.0.0.1", 20400],
      ["emulator.local", 32767],
    ] as const) {
      const text = gramjsString(address, port);
      const parsed = parseSessionString(text);
      expect(parsed).toEqual({ format: "gramjs", dcId: 2, address, port, authKey: KEY });
      expect(toGramjsString(parsed!)).toBe(text);
      expect(normalizeSession(text)).toBe(text);
    }
  });

  it("convert to Telethon's layout only when the address is an IP", () => {
    const telethon = toTelethonString(parseSessionString(gramjsString("127.0.0.1", 20400))!);
    expect(parseSessionString(telethon)).toMatchObject({ format: "telethon", address: "127.0.0.1", port: 20400 });
    expect(() => toTelethonString(parseSessionString(gramjsString("emulator.local", 443))!)).toThrow(/host name/);
  });

  it("with a port GramJS cannot store are refused (it reads ports as signed 16-bit numbers)", () => {
    expect(() => toGramjsString({ format: "telethon", dcId: 2, address: "127.0.0.1", port: 40000, authKey: KEY })).toThrow(/signed 16-bit/);
  });
});

describe("anything else", () => {
  it("is not a session string: truncated, a wrong version, mixed alphabets, a short key", () => {
    const good = gramjsString("127.0.0.1", 443);
    for (const bad of [
      good.slice(0, -8),
      `2${good.slice(1)}`,
      good.replace(/.$/, "!"),
      `${TELETHON_IPV4.slice(0, 20)}+${TELETHON_IPV4.slice(21).replace("_", "/")}`.replace("-", "+").replace("_", "/"),
      TELETHON_IPV4.slice(0, 200),
      "1",
      "hello",
      "",
    ]) {
      expect(parseSessionString(bad), bad.slice(0, 12)).toBeUndefined();
    }
  });
});
