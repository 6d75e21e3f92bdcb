import { createRequire } from "node:module";
import { createInterface, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { UserError } from "../errors.js";

/** Asks the person questions during login; tests script the answers. */
export interface Prompter {
  /** Asks for a line of text (trimmed). */
  text(question: string): Promise<string>;
  /** Asks for a secret; what is typed is never echoed. */
  password(question: string): Promise<string>;
  /** Releases the input. */
  close(): void;
}

/** The input ended before a question was answered. */
export class PromptClosedError extends UserError {
  /** Creates the error for the unanswered question. */
  constructor(question: string) {
    super(`input ended before an answer to "${question}" was given`);
  }
}

/** Reads answers line by line from a non-terminal stream (e.g. `printf 'phone\ncode\n' | npm run login`). */
export class LinePrompter implements Prompter {
  private readonly lines: string[] = [];
  private readonly waiters: { resolve: (line: string) => void; reject: (error: Error) => void; question: string }[] = [];
  private readonly reader: Interface;
  private ended = false;

  /** Starts reading lines from `input`; questions are written to `output`. */
  constructor(
    input: Readable,
    private readonly output: Writable,
  ) {
    this.reader = createInterface({ input, terminal: false, crlfDelay: Infinity });
    this.reader.on("line", (line) => {
      const waiter = this.waiters.shift();
      if (waiter === undefined) this.lines.push(line);
      else waiter.resolve(line);
    });
    this.reader.on("close", () => {
      this.ended = true;
      for (const waiter of this.waiters.splice(0)) waiter.reject(new PromptClosedError(waiter.question));
    });
  }

  /** Asks for a line of text (trimmed). */
  async text(question: string): Promise<string> {
    return (await this.ask(question)).trim();
  }

  /** Asks for a secret; the answer is taken verbatim and never written out. */
  password(question: string): Promise<string> {
    return this.ask(question);
  }

  /** Stops reading the input. */
  close(): void {
    this.reader.close();
  }

  private ask(question: string): Promise<string> {
    this.output.write(`${question} `);
    const answered = (line: string) => {
      this.output.write("\n");
      return line;
    };
    const buffered = this.lines.shift();
    if (buffered !== undefined) return Promise.resolve(answered(buffered));
    if (this.ended) return Promise.reject(new PromptClosedError(question));
    return new Promise<string>((resolve, reject) => {
      this.waiters.push({ resolve: (line) => resolve(answered(line)), reject, question });
    });
  }
}

interface InputModule {
  text(label: string): Promise<string>;
  password(label: string): Promise<string>;
}

/** Interactive prompts on a terminal through the `input` package (passwords shown as asterisks). */
export class InputPrompter implements Prompter {
  private module: InputModule | undefined;

  /** Asks for a line of text (trimmed). */
  async text(question: string): Promise<string> {
    return (await this.input().text(question)).trim();
  }

  /** Asks for a secret, masked while typed. */
  password(question: string): Promise<string> {
    return this.input().password(question);
  }

  /** Nothing to release: `input` closes its readline after each question. */
  close(): void {}

  private input(): InputModule {
    this.module ??= createRequire(import.meta.url)("input") as InputModule;
    return this.module;
  }
}

/** Answers questions from a list, in order, and records what was asked (for tests and scripted runs). */
export class ScriptedPrompter implements Prompter {
  /** Questions asked so far, in order. */
  readonly asked: string[] = [];
  private readonly answers: string[];

  /** Creates a prompter that gives these answers in order. */
  constructor(answers: readonly string[]) {
    this.answers = [...answers];
  }

  /** Returns the next scripted answer (trimmed). */
  async text(question: string): Promise<string> {
    return (await this.password(question)).trim();
  }

  /** Returns the next scripted answer verbatim. */
  async password(question: string): Promise<string> {
    this.asked.push(question);
    const answer = this.answers.shift();
    if (answer === undefined) throw new PromptClosedError(question);
    return answer;
  }

  /** Nothing to release. */
  close(): void {}
}

/** The right prompter for the standard streams: interactive on a terminal, line-reading when stdin is piped. */
export function createPrompter(input: Readable & { isTTY?: boolean } = process.stdin, output: Writable = process.stderr): Prompter {
  return input.isTTY === true ? new InputPrompter() : new LinePrompter(input, output);
}
