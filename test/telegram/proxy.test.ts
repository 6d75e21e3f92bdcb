import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/app/config.js";
import { ConfigError } from "../../src/config.js";
import { configSecrets } from "../../src/telegram/config.js";
import { describeProxy, gramjsProxy, mtproxySecretHex, parseProxy, proxyRefusal } from "../../src/telegram/proxy.js";

const SECRET = "0123456789abcdef0123456789abcdef";
const BASE = { TELEGRAM_API_ID: "12345", TELEGRAM_API_HASH: "0123456789abcdef0123456789abcdef" };

describe("TELEGRAM_PROXY", () => {
  it("reads SOCKS5 with and without credentials, percent-decoded, on IPv4, names and IPv6", () => {
    expect(parseProxy("socks5://alice:s%40cret%3A1@127.0.0.1:1080")).toEqual({
      kind: "socks5",
      host: "127.0.0.1",
      port: 1080,
      username: "alice",
      password: "s@cret:1",
    });
    expect(parseProxy("SOCKS5://proxy.example.org:9050")).toEqual({ kind: "socks5", host: "proxy.example.org", port: 9050 });
    expect(parseProxy("socks5://u:p@[::1]:1080/")).toEqual({ kind: "socks5", host: "::1", port: 1080, username: "u", password: "p" });
  });

  it("reads SOCKS4 with an optional user, and MTProxy secrets in hex, dd-hex and base64", () => {
    expect(parseProxy("socks4://10.0.0.1:1080")).toEqual({ kind: "socks4", host: "10.0.0.1", port: 1080 });
    expect(parseProxy("socks4://bob@10.0.0.1:1080")).toEqual({ kind: "socks4", host: "10.0.0.1", port: 1080, username: "bob" });
    expect(parseProxy(`mtproxy://${SECRET}@mt.example.org:443`)).toEqual({ kind: "mtproxy", host: "mt.example.org", port: 443, secret: SECRET });
    expect(parseProxy(`mtproxy://dd${SECRET.toUpperCase()}@1.2.3.4:443`)).toMatchObject({ secret: `dd${SECRET}` });
    const base64 = Buffer.from(SECRET, "hex").toString("base64url");
    expect(parseProxy(`mtproxy://${base64}@1.2.3.4:443`)).toMatchObject({ secret: SECRET });
    expect(mtproxySecretHex(`ee${SECRET}${Buffer.from("example.com").toString("hex")}`)).toBe("fake-tls");
  });

  it("answers every mistake in one line that names what is wrong and never repeats a credential", () => {
    const cases: [string, RegExp][] = [
      ["127.0.0.1:1080", /^TELEGRAM_PROXY must be a proxy URL: socks5:\/\/user:pass@host:port/],
      ["http://u:hunter22@127.0.0.1:8080", /^TELEGRAM_PROXY "http:\/\/" is not supported: use socks5:\/\//],
      ["socks5://u:hunter22@127.0.0.1", /^TELEGRAM_PROXY must give the proxy's port, e.g. socks5:\/\/127\.0\.0\.1:1080$/],
      ["socks5://u:hunter22@127.0.0.1:99999", /^TELEGRAM_PROXY is not a valid socks5:\/\/ URL/],
      ["socks5://u:hunter22@127.0.0.1:1080/path", /^TELEGRAM_PROXY must end at host:port/],
      ["socks5://hunter22@127.0.0.1:1080", /^TELEGRAM_PROXY gives a SOCKS5 user name without a password/],
      ["socks4://u:hunter22@127.0.0.1:1080", /^TELEGRAM_PROXY: SOCKS4 has no passwords/],
      ["mtproxy://127.0.0.1:443", /^TELEGRAM_PROXY must give the MTProxy's secret: mtproxy:\/\/SECRET@127\.0\.0\.1:443$/],
      ["mtproxy://hunter22@127.0.0.1:443", /^TELEGRAM_PROXY's MTProxy secret must be 32 hexadecimal digits/],
      [`mtproxy://ee${SECRET}6578616d706c652e636f6d@127.0.0.1:443`, /^TELEGRAM_PROXY's MTProxy secret is a fake-TLS one/],
      [`mtproxy://${SECRET}:hunter22@127.0.0.1:443`, /^TELEGRAM_PROXY: an MTProxy takes a secret only/],
    ];
    for (const [value, expected] of cases) {
      const problem = parseProxy(value);
      expect(typeof problem, value).toBe("string");
      expect(problem, value).toMatch(expected);
      expect(problem, value).not.toMatch(/hunter22|0123456789abcdef/);
      expect(problem, value).not.toContain("\n");
    }
  });

  it("is a config problem of its own, and its credentials are secrets of the config", () => {
    expect(() => parseConfig({ ...BASE, TELEGRAM_PROXY: "socks5://u:hunter22@127.0.0.1" })).toThrow(ConfigError);
    const config = parseConfig({ ...BASE, TELEGRAM_PROXY: "socks5://alice:hunter22@127.0.0.1:1080" });
    expect(config.proxy).toEqual({ kind: "socks5", host: "127.0.0.1", port: 1080, username: "alice", password: "hunter22" });
    expect(configSecrets(config)).toEqual(expect.arrayContaining(["alice", "hunter22"]));
    const mt = parseConfig({ ...BASE, TELEGRAM_PROXY: `mtproxy://${SECRET}@127.0.0.1:443` });
    expect(configSecrets(mt)).toEqual(expect.arrayContaining([SECRET, Buffer.from(SECRET, "hex").toString("base64")]));
    expect(parseConfig(BASE).proxy).toBeUndefined();
  });

  it("is handed to GramJS as its proxy option", () => {
    expect(gramjsProxy({ kind: "socks5", host: "h", port: 1, username: "u", password: "p" })).toEqual({
      ip: "h",
      port: 1,
      socksType: 5,
      username: "u",
      password: "p",
    });
    expect(gramjsProxy({ kind: "socks4", host: "h", port: 1 })).toEqual({ ip: "h", port: 1, socksType: 4, username: undefined });
    expect(gramjsProxy({ kind: "mtproxy", host: "h", port: 1, secret: SECRET })).toEqual({ ip: "h", port: 1, secret: SECRET, MTProxy: true });
    expect(describeProxy({ kind: "socks5", host: "::1", port: 1080, username: "u", password: "p" })).toBe("socks5 [::1]:1080");
  });

  it("reads a refusal no retry can fix from the SOCKS client's errors, and nothing else", () => {
    const socks5 = { kind: "socks5", host: "127.0.0.1", port: 1080, username: "u", password: "hunter22" } as const;
    expect(proxyRefusal(new Error("Socks5 Authentication failed"), socks5)).toBe(
      "TELEGRAM_PROXY: the proxy at socks5 127.0.0.1:1080 refused the user name and password: check them in TELEGRAM_PROXY",
    );
    expect(
      proxyRefusal(new Error("Received invalid Socks5 initial handshake (no accepted authentication type)"), { kind: "socks5", host: "h", port: 1 }),
    ).toMatch(/wants a user name and password/);
    expect(proxyRefusal(new Error("connect ECONNREFUSED 127.0.0.1:1080"), socks5)).toBeUndefined();
    expect(proxyRefusal(new Error("Socks5 proxy rejected connection - HostUnreachable"), socks5)).toBeUndefined();
  });
});
