import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, isSecretKey, REDACTED, redactText, SecretRegistry } from "../src/log.js";
import { captureLog } from "./kit/log.js";

/** A parsed JSON log line, read field by field in assertions. */
// biome-ignore lint/suspicious/noExplicitAny: log lines are arbitrary JSON
type LogLine = Record<string, any>;

const API_HASH = "0123456789abcdef0123456789abcdef";
const SESSION = `1AQAOMTQ5LjE1NC4xNjcuNTEBu7${"x".repeat(40)}`;
const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const PASSWORD = 'correct horse "battery" staple';

describe("logger redaction", () => {
  function registry(): SecretRegistry {
    const secrets = new SecretRegistry();
    secrets.add(API_HASH, SESSION, TOKEN, PASSWORD, undefined);
    return secrets;
  }

  it("masks registered secret values in messages, fields, errors, causes and child bindings", () => {
    const { log, lines } = captureLog({ secrets: registry() });
    log.info(`connecting with ${API_HASH}`);
    log.info({ note: `session is ${SESSION}`, nested: { deeper: [TOKEN] } }, "fields");
    const cause = new Error(`inner ${PASSWORD}`);
    log.error({ err: new Error(`bad token ${TOKEN}`, { cause }) }, "failure");
    log.error(new Error(`bare error with ${API_HASH}`));
    log.child({ note: SESSION }).warn("from a child");
    const output = lines.join("");
    for (const secret of [API_HASH, SESSION, TOKEN, PASSWORD, JSON.stringify(PASSWORD).slice(1, -1)]) {
      expect(output).not.toContain(secret);
    }
    expect(output.split(REDACTED).length - 1).toBeGreaterThanOrEqual(6);
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it("redacts secret keys at any depth, including inside errors and toJSON objects", () => {
    const { log, lines } = captureLog({ secrets: new SecretRegistry() });
    const request = { className: "auth.SignIn", toJSON: () => ({ className: "auth.SignIn", phoneCode: "54321", phoneCodeHash: "abcdef0123" }) };
    const error = Object.assign(new Error("SESSION_PASSWORD_NEEDED"), { code: 401, password: "hunter22" });
    log.info(
      { apiHash: "visible-hash-value", config: { botToken: "t0ken-value", api_hash: "other-hash" }, request, err: error, session_string: "s3ss10n" },
      "login",
    );
    log.info({ code: "12345", errno: { code: "ECONNREFUSED" }, rpc: { code: 420 } }, "codes");
    const output = lines.join("");
    for (const secret of ["visible-hash-value", "t0ken-value", "other-hash", "54321", "abcdef0123", "hunter22", "s3ss10n", "12345"]) {
      expect(output).not.toContain(secret);
    }
    const [login, codes] = lines.map((line) => JSON.parse(line) as LogLine);
    expect(login.request.className).toBe("auth.SignIn");
    expect(login.err.message).toBe("SESSION_PASSWORD_NEEDED");
    expect(login.err.code).toBe(401);
    expect(codes.errno.code).toBe("ECONNREFUSED");
    expect(codes.rpc.code).toBe(420);
    expect(codes.code).toBe(REDACTED);
  });

  it("masks secrets in pretty output too", () => {
    let output = "";
    const destination = new Writable({
      write(chunk, _encoding, done) {
        output += String(chunk);
        done();
      },
    });
    const log = createLogger({ format: "pretty", secrets: registry(), destination });
    log.info({ password: "plain-pass" }, `hash ${API_HASH}`);
    expect(output).toContain("hash");
    expect(output).not.toContain(API_HASH);
    expect(output).not.toContain("plain-pass");
    expect(output).not.toMatch(/^\{/);
  });

  it("respects the level and ignores too-short secret values", () => {
    const secrets = new SecretRegistry();
    secrets.add("abc");
    const { log, lines } = captureLog({ secrets, level: "info" });
    log.debug("hidden");
    log.info("abc stays");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("abc stays");
  });

  it("bounds what it writes for huge or circular values", () => {
    const { log, lines } = captureLog({ secrets: new SecretRegistry() });
    const loop: Record<string, unknown> = { name: "loop" };
    loop.self = loop;
    log.info({ big: Array.from({ length: 150 }, (_, i) => i), loop, bytes: Buffer.alloc(256) }, "bounded");
    const entry = JSON.parse(lines[0]);
    expect(entry.big).toHaveLength(101);
    expect(entry.big[100]).toBe("[50 more]");
    expect(entry.loop.self).toBe("[Circular]");
    expect(entry.bytes).toBe("[256 bytes]");
  });

  it("masks text printed outside the logger", () => {
    expect(redactText(`token ${TOKEN}`, registry())).toBe(`token ${REDACTED}`);
  });

  it("masks the credentials of any URL, and proxy fields whole (the SOCKS client's errors carry its user and password)", () => {
    const { log, lines } = captureLog({ secrets: new SecretRegistry() });
    log.warn({ via: "socks5://al:hunter22@127.0.0.1:1080", mt: "mtproxy://0123456789abcdef0123456789abcdef@h:443" }, "through tg://x@y");
    const refused = Object.assign(new Error("Socks5 Authentication failed"), { options: { proxy: { host: "h", userId: "al", password: "hunter22" } } });
    log.error({ err: refused }, "refused");
    const output = lines.join("");
    expect(output).not.toMatch(/hunter22|0123456789abcdef|"al"/);
    expect(output).toContain(`socks5://${REDACTED}@127.0.0.1:1080`);
    expect(output).toContain(`mtproxy://${REDACTED}@h:443`);
    expect(output).toContain(`"proxy":"${REDACTED}"`);
    expect(redactText("see http://127.0.0.1:9464/metrics and a@b.c")).toBe("see http://127.0.0.1:9464/metrics and a@b.c");
  });

  it("classifies keys", () => {
    for (const key of ["apiHash", "api_hash", "TELEGRAM_BOT_TOKEN", "session", "sessionString", "password", "authKey", "phoneCodeHash", "secret", "proxy"]) {
      expect(isSecretKey(key, "x"), key).toBe(true);
    }
    for (const key of ["sessionName", "chat", "handler", "apiId", "username"]) {
      expect(isSecretKey(key, "x"), key).toBe(false);
    }
  });
});
