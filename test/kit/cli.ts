/**
 * Running the command-line entry points (`npm run login`, `npm start`, `npm run demo`, `send`, `confirm`,
 * `audit`, `access`) as a user does: a child process with its own working directory (its sessions/ and
 * .env), a clean environment, and piped standard input.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { Env } from "../../src/config.js";

const TSX = createRequire(import.meta.url).resolve("tsx");
const CLI = fileURLToPath(new URL("../../src/cli/", import.meta.url));

/** How a finished command ended. */
export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running command. */
export interface Running {
  readonly child: ChildProcess;
  /** Everything written so far. */
  readonly output: { stdout: string; stderr: string };
  /** Resolves with the first stderr line matching, or rejects when the command exits first or after timeoutMs. */
  line(match: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves when the command exits. */
  readonly finished: Promise<Finished>;
}

/** The entry points under src/cli/. */
export type CliName = "login" | "start" | "demo" | "send" | "confirm" | "audit" | "access" | "status" | "automations";

/** Starts `src/cli/NAME.ts` in `cwd` with exactly the variables given (plus PATH), stdin piped from `input` (or closed). */
export function startCli(name: CliName, args: readonly string[], options: { cwd: string; env?: Env; input?: string }): Running {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "" };
  for (const [key, value] of Object.entries(options.env ?? {})) if (value !== undefined) env[key] = value;
  const child = spawn(process.execPath, ["--import", TSX, `${CLI}${name}.ts`, ...args], { cwd: options.cwd, env, stdio: ["pipe", "pipe", "pipe"] });
  child.stdin!.end(options.input ?? "");
  const output = { stdout: "", stderr: "" };
  const waiters = new Set<() => void>();
  child.stdout!.on("data", (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    output.stderr += chunk.toString();
    for (const check of [...waiters]) check();
  });
  // "close", not "exit": the output is complete only once the child's pipes are closed.
  const finished = once(child, "close").then(([code]) => ({ code: code as number | null, ...output }));
  return {
    child,
    output,
    finished,
    line(match, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`no stderr line matching ${match} within ${timeoutMs} ms:\n${output.stderr}`)), timeoutMs);
        const done = (error?: Error, line?: string) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error === undefined) resolve(line!);
          else reject(error);
        };
        const check = () => {
          const found = output.stderr.split("\n").find((candidate) => match.test(candidate));
          if (found !== undefined) done(undefined, found);
        };
        waiters.add(check);
        check();
        void finished.then(() => {
          check();
          done(new Error(`the command exited before printing a line matching ${match}:\n${output.stderr}`));
        });
      });
    },
  };
}

/** Runs a command to its end. */
export function runCli(name: CliName, args: readonly string[], options: { cwd: string; env?: Env; input?: string }): Promise<Finished> {
  return startCli(name, args, options).finished;
}

/** The last line a command printed (on stderr, where the one-line errors go). */
export function lastLine(stderr: string): string {
  return stderr.trimEnd().split("\n").at(-1) ?? "";
}
