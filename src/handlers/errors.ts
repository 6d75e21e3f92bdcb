/** Errors the handler API raises to plugins. */

/** Raised when Telegram asks for a wait longer than the policy sleeps through, or retries ran out. */
export class FloodWaitError extends Error {
  /** Creates the error for a wait of `seconds` imposed on `method`. */
  constructor(
    readonly seconds: number,
    readonly method: string,
    options?: { cause?: unknown },
  ) {
    super(`${method}: Telegram asks to wait ${seconds} seconds (FLOOD_WAIT)`, options);
    this.name = "FloodWaitError";
  }
}
