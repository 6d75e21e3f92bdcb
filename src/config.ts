/**
 * Ground of configuration: reading .env under the real environment, and the helpers every feature's
 * parser uses. Each feature reads its own variables (telegram/config.ts, updates/config.ts,
 * handlers/config.ts, access/config.ts, log.ts); src/app/config.ts assembles them into the Config
 * `npm start` runs on.
 */
import { existsSync, readFileSync } from "node:fs";
import { parse as parseDotenv } from "dotenv";
import { BAD_INPUT_EXIT_CODE, UserError } from "./errors.js";

/** Environment variables by name. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Problems found while validating: the variable and the line to print. */
export type Problems = [variable: string, message: string][];

/** Exit code of a CLI that stops on a configuration error. */
export const CONFIG_EXIT_CODE = BAD_INPUT_EXIT_CODE;

/** A bad or missing variable; the message is the one line to print (no stack trace), naming it and a valid value. */
export class ConfigError extends UserError {
  /** The variable of the first problem. */
  readonly variable: string;
  /** Every problem found, first one in `message`. */
  readonly problems: readonly string[];
  /** Creates the error from the problems found (at least one). */
  constructor(problems: Problems) {
    super(problems[0][1], CONFIG_EXIT_CODE);
    this.variable = problems[0][0];
    this.problems = problems.map(([, message]) => message);
  }
}

/** Reads variables from a .env file (default ./.env, if present) under the real environment, which wins. */
export function readEnv(options: { file?: string; env?: Env } = {}): Env {
  const file = options.file ?? ".env";
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  return { ...fromFile, ...(options.env ?? process.env) };
}

/** A variable's value, trimmed; undefined when unset or blank. */
export function variable(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === "" ? undefined : value;
}

/** Reads an optional integer variable within [min, max], recording a problem when malformed. */
export function optionalInteger(env: Env, name: string, fallback: number, min: number, max: number, problems: Problems): number {
  const value = env[name]?.trim();
  if (value === undefined || value === "") return fallback;
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  if (number >= min && number <= max) return number;
  problems.push([name, `${name} must be an integer from ${min} to ${max} (default ${fallback})`]);
  return fallback;
}

/** Reads an optional non-negative number variable (0 turns the limit off), recording a problem when malformed. */
export function optionalNumber(env: Env, name: string, fallback: number, problems: Problems): number {
  const value = env[name]?.trim();
  if (value === undefined || value === "") return fallback;
  const number = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (Number.isFinite(number)) return number;
  problems.push([name, `${name} must be a number of 0 or more, 0 turning the limit off (default ${fallback})`]);
  return fallback;
}
