/**
 * Shared plumbing of the command-line entry points: a user's mistake (any UserError) becomes one
 * clear line on stderr and its exit code, never a stack trace; anything else is a bug and says so.
 */
import { BAD_INPUT_EXIT_CODE, UserError } from "../errors.js";

/** Stop with a one-line message for the user (exit code 2 unless given). */
export function fail(message: string, exitCode = BAD_INPUT_EXIT_CODE): never {
  throw new UserError(message, exitCode);
}

/** Run a CLI main function: exit 0 on success, print one line and exit non-zero on failure. */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      const userFacing = e instanceof UserError;
      process.stderr.write(`${userFacing ? "" : "error: "}${e.message}\n`);
      if (!userFacing && process.env.DEBUG) process.stderr.write(`${e.stack}\n`);
      process.exit(userFacing ? e.exitCode : 1);
    },
  );
}
