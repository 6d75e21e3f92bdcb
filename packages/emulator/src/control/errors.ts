/** A client mistake in a control call: answered with HTTP 400 (or the status given) and the message. */
export class ControlError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}
