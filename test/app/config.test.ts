import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../src/app/config.js";
import { ConfigError, type Env, readEnv } from "../../src/config.js";
import { configSecrets } from "../../src/telegram/config.js";

const HASH = "0123456789abcdef0123456789abcdef";
const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const PEM = "-----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEA\n-----END RSA PUBLIC KEY-----\n";
const BASE: Env = { TELEGRAM_API_ID: "12345", TELEGRAM_API_HASH: HASH };
const files: Record<string, string> = { "/keys/server.pem": PEM, "/keys/private.pem": "-----BEGIN RSA PRIVATE KEY-----\n", "/keys/note.txt": "hello" };
const readFile = (path: string) => {
  const text = files[path];
  if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
  return text;
};

/** The ConfigError that parsing these variables raises. */
function failure(env: Env): ConfigError {
  try {
    parseConfig(env, readFile);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig", () => {
  it("applies defaults in user mode", () => {
    const config = parseConfig(BASE, readFile);
    expect(config).toMatchObject({
      apiId: 12345,
      apiHash: HASH,
      mode: "user",
      sessionName: "default",
      server: undefined,
      log: { level: "info", format: "auto" },
      commandPrefix: ".",
      dispatch: { concurrency: 8, queuePerChat: 100, slowHandlerMs: 30_000 },
      rateLimits: { globalPerSecond: 30, chatPerSecond: 1, groupPerMinute: 20 },
      flood: { maxSleepSeconds: 60, maxRetries: 3 },
    });
    expect(config.botToken).toBeUndefined();
  });

  it("switches to bot mode with a token and reads every knob", () => {
    const config = parseConfig(
      {
        ...BASE,
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_SESSION: "my-bot_2",
        TELEGRAM_SERVER: "127.0.0.1:4430",
        TELEGRAM_SERVER_KEY: "/keys/server.pem",
        LOG_LEVEL: "debug",
        LOG_FORMAT: "json",
        COMMAND_PREFIX: "!",
        DISPATCH_CONCURRENCY: "4",
        DISPATCH_QUEUE_PER_CHAT: "10",
        HANDLER_SLOW_MS: "500",
        RATE_GLOBAL_PER_SECOND: "0",
        RATE_CHAT_PER_SECOND: "0.5",
        RATE_GROUP_PER_MINUTE: "10",
        FLOOD_SLEEP_THRESHOLD: "5",
        FLOOD_RETRIES: "0",
      },
      readFile,
    );
    expect(config.mode).toBe("bot");
    expect(config.botToken).toBe(TOKEN);
    expect(config.sessionName).toBe("my-bot_2");
    expect(config.server).toEqual({ host: "127.0.0.1", port: 4430, keyPath: "/keys/server.pem", publicKeyPem: PEM });
    expect(config.log).toEqual({ level: "debug", format: "json" });
    expect(config.commandPrefix).toBe("!");
    expect(config.dispatch).toEqual({ concurrency: 4, queuePerChat: 10, slowHandlerMs: 500 });
    expect(config.rateLimits).toEqual({ globalPerSecond: 0, chatPerSecond: 0.5, groupPerMinute: 10 });
    expect(config.flood).toEqual({ maxSleepSeconds: 5, maxRetries: 0 });
  });

  it("treats empty and blank values as unset and accepts [ipv6]:port and host names", () => {
    const config = parseConfig(
      { ...BASE, TELEGRAM_BOT_TOKEN: "", TELEGRAM_SESSION: "  ", TELEGRAM_SERVER: "[::1]:443", TELEGRAM_SERVER_KEY: "/keys/server.pem" },
      readFile,
    );
    expect(config.mode).toBe("user");
    expect(config.sessionName).toBe("default");
    expect(config.server?.host).toBe("::1");
    expect(parseConfig({ ...BASE, TELEGRAM_SERVER: "emulator.local:32767", TELEGRAM_SERVER_KEY: "/keys/server.pem" }, readFile).server?.port).toBe(32767);
  });

  const cases: [string, Env, RegExp][] = [
    ["TELEGRAM_API_ID", { TELEGRAM_API_HASH: HASH }, /^TELEGRAM_API_ID must be a positive integer: get it at my\.telegram\.org.*not set/],
    ["TELEGRAM_API_ID", { ...BASE, TELEGRAM_API_ID: "abc" }, /^TELEGRAM_API_ID must be a positive integer/],
    ["TELEGRAM_API_ID", { ...BASE, TELEGRAM_API_ID: "0" }, /^TELEGRAM_API_ID must be a positive integer/],
    ["TELEGRAM_API_ID", { ...BASE, TELEGRAM_API_ID: "-5" }, /^TELEGRAM_API_ID must be a positive integer/],
    ["TELEGRAM_API_ID", { ...BASE, TELEGRAM_API_ID: "99999999999" }, /^TELEGRAM_API_ID must be a positive integer/],
    ["TELEGRAM_API_HASH", { TELEGRAM_API_ID: "1" }, /^TELEGRAM_API_HASH must be the 32 hexadecimal characters.*not set/],
    ["TELEGRAM_API_HASH", { ...BASE, TELEGRAM_API_HASH: "xyz" }, /^TELEGRAM_API_HASH must be the 32 hexadecimal characters/],
    ["TELEGRAM_BOT_TOKEN", { ...BASE, TELEGRAM_BOT_TOKEN: "not-a-token" }, /^TELEGRAM_BOT_TOKEN must look like 123456789:/],
    ["TELEGRAM_SESSION", { ...BASE, TELEGRAM_SESSION: "../etc/passwd" }, /^TELEGRAM_SESSION must be 1-64 letters/],
    ["TELEGRAM_SESSION", { ...BASE, TELEGRAM_SESSION: "a.b" }, /^TELEGRAM_SESSION must be/],
    ["TELEGRAM_SERVER", { ...BASE, TELEGRAM_SERVER_KEY: "/keys/server.pem" }, /^TELEGRAM_SERVER must be set when TELEGRAM_SERVER_KEY is/],
    [
      "TELEGRAM_SERVER",
      { ...BASE, TELEGRAM_SERVER: "127.0.0.1", TELEGRAM_SERVER_KEY: "/keys/server.pem" },
      /^TELEGRAM_SERVER must be host:port with a port from 1 to 32767/,
    ],
    ["TELEGRAM_SERVER", { ...BASE, TELEGRAM_SERVER: "127.0.0.1:40000", TELEGRAM_SERVER_KEY: "/keys/server.pem" }, /^TELEGRAM_SERVER must be host:port/],
    ["TELEGRAM_SERVER", { ...BASE, TELEGRAM_SERVER: "127.0.0.1:0", TELEGRAM_SERVER_KEY: "/keys/server.pem" }, /^TELEGRAM_SERVER must be host:port/],
    ["TELEGRAM_SERVER_KEY", { ...BASE, TELEGRAM_SERVER: "127.0.0.1:4430" }, /^TELEGRAM_SERVER_KEY must be set together with TELEGRAM_SERVER/],
    [
      "TELEGRAM_SERVER_KEY",
      { ...BASE, TELEGRAM_SERVER: "127.0.0.1:4430", TELEGRAM_SERVER_KEY: "/keys/missing.pem" },
      /^TELEGRAM_SERVER_KEY must be the path of a readable PEM public key file; cannot read \/keys\/missing\.pem/,
    ],
    [
      "TELEGRAM_SERVER_KEY",
      { ...BASE, TELEGRAM_SERVER: "127.0.0.1:4430", TELEGRAM_SERVER_KEY: "/keys/note.txt" },
      /^TELEGRAM_SERVER_KEY must be a PEM public key file/,
    ],
    [
      "TELEGRAM_SERVER_KEY",
      { ...BASE, TELEGRAM_SERVER: "127.0.0.1:4430", TELEGRAM_SERVER_KEY: "/keys/private.pem" },
      /^TELEGRAM_SERVER_KEY must be a public key/,
    ],
    ["LOG_LEVEL", { ...BASE, LOG_LEVEL: "verbose" }, /^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent$/],
    ["LOG_FORMAT", { ...BASE, LOG_FORMAT: "xml" }, /^LOG_FORMAT must be auto/],
    ["COMMAND_PREFIX", { ...BASE, COMMAND_PREFIX: "go" }, /^COMMAND_PREFIX must be 1-3 punctuation characters/],
    ["DISPATCH_CONCURRENCY", { ...BASE, DISPATCH_CONCURRENCY: "0" }, /^DISPATCH_CONCURRENCY must be an integer from 1 to 1000 \(default 8\)$/],
    ["DISPATCH_QUEUE_PER_CHAT", { ...BASE, DISPATCH_QUEUE_PER_CHAT: "many" }, /^DISPATCH_QUEUE_PER_CHAT must be an integer/],
    ["HANDLER_SLOW_MS", { ...BASE, HANDLER_SLOW_MS: "1.5" }, /^HANDLER_SLOW_MS must be an integer/],
    ["RATE_GLOBAL_PER_SECOND", { ...BASE, RATE_GLOBAL_PER_SECOND: "-1" }, /^RATE_GLOBAL_PER_SECOND must be a number of 0 or more/],
    ["RATE_CHAT_PER_SECOND", { ...BASE, RATE_CHAT_PER_SECOND: "fast" }, /^RATE_CHAT_PER_SECOND must be a number/],
    ["RATE_GROUP_PER_MINUTE", { ...BASE, RATE_GROUP_PER_MINUTE: "1e3" }, /^RATE_GROUP_PER_MINUTE must be a number/],
    ["FLOOD_SLEEP_THRESHOLD", { ...BASE, FLOOD_SLEEP_THRESHOLD: "x" }, /^FLOOD_SLEEP_THRESHOLD must be an integer from 0 to 86400/],
    ["FLOOD_RETRIES", { ...BASE, FLOOD_RETRIES: "1000" }, /^FLOOD_RETRIES must be an integer from 0 to 100/],
  ];

  it.each(cases)("names %s when it is missing or malformed", (variable, env, message) => {
    const error = failure(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain("\n");
    expect(error.exitCode).toBe(2);
  });

  it("never echoes secret values in its messages", () => {
    const badHash = "secret-but-wrong-hash";
    const badToken = "12:short-secret";
    const error = failure({ TELEGRAM_API_ID: "1", TELEGRAM_API_HASH: badHash, TELEGRAM_BOT_TOKEN: badToken });
    expect(error.problems).toHaveLength(2);
    expect(error.problems.join(" ")).not.toContain(badHash);
    expect(error.problems.join(" ")).not.toContain("short-secret");
  });

  it("lists every problem, the first one as the message", () => {
    const error = failure({ LOG_LEVEL: "loud" });
    expect(error.problems.map((p) => p.split(" ")[0])).toEqual(["TELEGRAM_API_ID", "TELEGRAM_API_HASH", "LOG_LEVEL"]);
    expect(error.message).toBe(error.problems[0]);
  });

  it("lists the api hash and the bot token (whole and key part) as secrets", () => {
    const config = parseConfig({ ...BASE, TELEGRAM_BOT_TOKEN: TOKEN }, readFile);
    expect(configSecrets(config)).toEqual([HASH, TOKEN, TOKEN.split(":")[1]]);
  });
});

describe("loading .env", () => {
  it("reads the file and lets the real environment win", () => {
    const dir = mkdtempSync(join(tmpdir(), "config-"));
    const file = join(dir, ".env");
    writeFileSync(file, `TELEGRAM_API_ID=777\nTELEGRAM_API_HASH=${HASH}\nLOG_LEVEL=warn\n`);
    const config = loadConfig({ file, env: { LOG_LEVEL: "error" } });
    expect(config.apiId).toBe(777);
    expect(config.log.level).toBe("error");
  });

  it("works without a .env file", () => {
    const env = readEnv({ file: "/nonexistent/.env", env: BASE });
    expect(env.TELEGRAM_API_ID).toBe("12345");
  });
});

describe("CATCH_UP_* and PLUGINS_DIR", () => {
  it("defaults to catching up a week back, refetching history on tooLong", () => {
    expect(parseConfig(BASE).catchUp).toEqual({ enabled: true, maxAgeSeconds: 604_800, tooLong: "history", historyLimit: 10_000 });
    expect(parseConfig(BASE).pluginsDir).toBeUndefined();
  });

  it("reads every knob", () => {
    const config = parseConfig({
      ...BASE,
      CATCH_UP: "off",
      CATCH_UP_MAX_AGE: "0",
      CATCH_UP_TOO_LONG: "skip",
      CATCH_UP_HISTORY_LIMIT: "500",
      PLUGINS_DIR: "/srv/plugins",
    });
    expect(config.catchUp).toEqual({ enabled: false, maxAgeSeconds: 0, tooLong: "skip", historyLimit: 500 });
    expect(config.pluginsDir).toBe("/srv/plugins");
  });

  it("names the variable of a bad value", () => {
    for (const [name, value] of [
      ["CATCH_UP", "maybe"],
      ["CATCH_UP_TOO_LONG", "drop"],
      ["CATCH_UP_MAX_AGE", "-1"],
      ["CATCH_UP_HISTORY_LIMIT", "0"],
    ]) {
      let error: unknown;
      try {
        parseConfig({ ...BASE, [name]: value });
      } catch (caught) {
        error = caught;
      }
      expect(error, name).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe(name);
    }
  });
});
