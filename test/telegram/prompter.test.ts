import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createPrompter, InputPrompter, LinePrompter, PromptClosedError, ScriptedPrompter } from "../../src/telegram/prompter.js";

/** A line prompter over in-memory streams, with the text written to its output. */
function piped(): { prompter: LinePrompter; input: PassThrough; output: () => string } {
  const input = new PassThrough();
  const out = new PassThrough();
  let written = "";
  out.on("data", (chunk) => (written += String(chunk)));
  return { prompter: new LinePrompter(input, out), input, output: () => written };
}

describe("LinePrompter", () => {
  it("answers questions from piped lines, buffered before or after asking", async () => {
    const { prompter, input, output } = piped();
    input.write("+99966 21234\r\n22222\n");
    expect(await prompter.text("Phone number:")).toBe("+99966 21234");
    expect(await prompter.text("Code:")).toBe("22222");
    const password = prompter.password("Password:");
    input.write("  spaced secret \n");
    expect(await password).toBe("  spaced secret ");
    expect(output()).toBe("Phone number: \nCode: \nPassword: \n");
    expect(output()).not.toContain("secret");
    prompter.close();
  });

  it("rejects a question when the input ends, naming it", async () => {
    const { prompter, input } = piped();
    const pending = prompter.text("Phone number:");
    input.end();
    await expect(pending).rejects.toThrow(PromptClosedError);
    await expect(prompter.text("Code:")).rejects.toThrow(/"Code:"/);
  });
});

describe("ScriptedPrompter", () => {
  it("gives scripted answers in order and records the questions", async () => {
    const prompter = new ScriptedPrompter(["+999", " 22222 ", "pw "]);
    expect(await prompter.text("phone")).toBe("+999");
    expect(await prompter.text("code")).toBe("22222");
    expect(await prompter.password("password")).toBe("pw ");
    await expect(prompter.text("more")).rejects.toThrow(PromptClosedError);
    expect(prompter.asked).toEqual(["phone", "code", "password", "more"]);
  });
});

describe("createPrompter", () => {
  it("reads lines when stdin is piped and uses `input` on a terminal", () => {
    const pipedIn = new PassThrough();
    const lines = createPrompter(pipedIn, new PassThrough());
    expect(lines).toBeInstanceOf(LinePrompter);
    lines.close();
    const terminal = Object.assign(new PassThrough(), { isTTY: true });
    expect(createPrompter(terminal, new PassThrough())).toBeInstanceOf(InputPrompter);
  });
});
