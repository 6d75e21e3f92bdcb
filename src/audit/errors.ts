/** Why a chat could not be audited, in words meant for the person running the audit. */
import { UserError } from "../errors.js";

/** Exit code of `npm run audit` when a --fail-on rule matched. */
export const FAIL_ON_EXIT_CODE = 3;
/** Exit code of `npm run audit` when a chat could not be audited (rights, private chat, not a group). */
export const NOT_AUDITED_EXIT_CODE = 4;
/** Exit code of `npm run audit` after Ctrl-C. */
export const INTERRUPTED_EXIT_CODE = 130;

/** What kept the audit from reading the member list. */
export type AuditProblem =
  /** The account may not see the member list (not an admin of a channel, hidden members). */
  | "no-rights"
  /** The chat is private and the account is not in it, or was banned from it. */
  | "private"
  /** The reference names a person, not a group or channel. */
  | "not-a-group"
  /** Telegram asked for a flood wait longer than the audit waits. */
  | "flood-wait";

/** A chat that cannot be audited; the message is one line for the user. */
export class AuditError extends UserError {
  /** Creates the error for a problem, with the line to show. */
  constructor(
    readonly problem: AuditProblem,
    message: string,
  ) {
    super(message, NOT_AUDITED_EXIT_CODE);
  }
}

/** Thrown when the audit was stopped (Ctrl-C): nothing of the interrupted chat was kept. */
export class AuditInterrupted extends UserError {
  /** Creates the error. */
  constructor() {
    super("audit interrupted: no snapshot was written for the chat in progress", INTERRUPTED_EXIT_CODE);
  }
}
