import { describe, expect, it } from "vitest";
import { ConfigError, type Env, parseConfig } from "../../src/config.js";

const BASE: Env = { TELEGRAM_API_ID: "12345", TELEGRAM_API_HASH: "0123456789abcdef0123456789abcdef" };

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
