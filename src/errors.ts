/**
 * Ground: the one base class of errors meant for the person at the keyboard, and reading Telegram's RPC
 * errors (their names, and the wait a flood error asks for). A command-line entry point prints a UserError's message as one line and exits with its
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

const WAIT_NAME = /^(?:FLOOD_WAIT|FLOOD_PREMIUM_WAIT|FLOOD_TEST_PHONE_WAIT|SLOWMODE_WAIT)_(\d+)$/;

/**
 * Seconds a flood-type error asks to wait: a GramJS FloodError subclass (code 420 with a `seconds` field:
 * FloodWaitError, SlowModeWaitError, FloodTestPhoneWaitError) or an RPC error named FLOOD_WAIT_X and kin.
 */
export function floodWaitSeconds(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const fields = error as { seconds?: unknown; errorMessage?: unknown; code?: unknown };
  if (fields.code === 420 && typeof fields.seconds === "number" && Number.isFinite(fields.seconds)) return fields.seconds;
  if (typeof fields.errorMessage === "string") {
    const match = WAIT_NAME.exec(fields.errorMessage);
    if (match !== null) return Number(match[1]);
  }
  return undefined;
}
