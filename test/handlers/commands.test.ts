import { describe, expect, it } from "vitest";
import { commandSyntax, parseCommand, splitArgs } from "../../src/handlers/commands.js";

describe("parseCommand", () => {
  const user = commandSyntax("user");
  const bot = commandSyntax("bot", { botUsername: "ToolkitBot" });

  it("reads .name and arguments in user mode", () => {
    expect(parseCommand(".ping", user)).toEqual({ name: "ping", prefix: ".", mention: undefined, args: [], rawArgs: "" });
    const parsed = parseCommand(".whois  @alice  extra", user);
    expect(parsed?.name).toBe("whois");
    expect(parsed?.args).toEqual(["@alice", "extra"]);
    expect(parsed?.rawArgs).toBe("@alice  extra");
  });

  it("lower-cases the name and keeps newlines in rawArgs", () => {
    const parsed = parseCommand(".Echo line one\nline two", user);
    expect(parsed?.name).toBe("echo");
    expect(parsed?.rawArgs).toBe("line one\nline two");
  });

  it("rejects texts that only look like commands", () => {
    for (const text of ["ping", "..ping", ". ping", ".5 apples", "...", ".ping@bot", " .ping", "/ping", ".pingpong!"]) {
      expect(parseCommand(text, user), text).toBeUndefined();
    }
  });

  it("honours a custom user prefix", () => {
    const bang = commandSyntax("user", { userPrefix: "!" });
    expect(parseCommand("!id", bang)?.name).toBe("id");
    expect(parseCommand(".id", bang)).toBeUndefined();
  });

  it("reads /cmd and /cmd@ourname in bot mode, case-insensitively for the name", () => {
    expect(parseCommand("/start", bot)?.name).toBe("start");
    const mentioned = parseCommand("/whois@toolkitbot 42", bot);
    expect(mentioned?.name).toBe("whois");
    expect(mentioned?.mention).toBe("toolkitbot");
    expect(mentioned?.args).toEqual(["42"]);
  });

  it("ignores /cmd@otherbot and mentions when our username is unknown", () => {
    expect(parseCommand("/start@OtherBot", bot)).toBeUndefined();
    expect(parseCommand("/start@ToolkitBot", commandSyntax("bot"))).toBeUndefined();
    expect(parseCommand(".ping", bot)).toBeUndefined();
  });
});

describe("splitArgs", () => {
  it("splits on any whitespace", () => {
    expect(splitArgs("  a\tb\n c  ")).toEqual(["a", "b", "c"]);
    expect(splitArgs("")).toEqual([]);
  });

  it("groups quoted words, double, single and smart quotes alike", () => {
    expect(splitArgs(`say "hello world" 'it''s' “smart quotes” ‘x y’`)).toEqual(["say", "hello world", "its", "smart quotes", "x y"]);
  });

  it("keeps empty quoted arguments and joins quotes to adjacent text", () => {
    expect(splitArgs(`a "" b`)).toEqual(["a", "", "b"]);
    expect(splitArgs(`--name="John Smith"`)).toEqual(["--name=John Smith"]);
  });

  it('unescapes \\" and \\\\ inside double quotes only', () => {
    expect(splitArgs(`"say \\"hi\\"" 'c:\\dir' "a\\\\b"`)).toEqual([`say "hi"`, "c:\\dir", "a\\b"]);
  });

  it("runs an unterminated quote to the end", () => {
    expect(splitArgs(`one "two three`)).toEqual(["one", "two three"]);
  });
});
