/**
 * Ground: the one base class of errors meant for the person at the keyboard, and reading Telegram's RPC
 * error names. A command-line entry point prints a UserError's message as one line and exits with its
 * code; any other error is a bug and says so.
 */

/** Exit code of a command stopped by bad input (a setting, an argument, a file, a chat name). */
export const BAD_INPUT_EXIT_CODE = 2;

/** An error whose message is one line for the user, as is; `exitCode` is what a command exits with. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = BAD_INPUT_EXIT_CODE,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The Telegram error name of a GramJS RPC error (e.g. "PHONE_CODE_INVALID"), or undefined for other errors. */
export function rpcErrorName(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const name = (error as { errorMessage?: unknown }).errorMessage;
  return typeof name === "string" ? name : undefined;
}
