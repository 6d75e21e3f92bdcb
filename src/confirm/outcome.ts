/** The words of a confirmation: how its message reads once settled, and what a late press is told. */
import { displayName, type UserInfo } from "../handlers/message.js";
import { formatWait } from "../telegram/errors.js";
import type { Confirmation, ConfirmationStatus } from "./store.js";

/** A settled confirmation: approved or denied by someone, timed out, or cancelled. */
export type ConfirmOutcome =
  | { readonly status: "approved" | "denied"; readonly by: string }
  /** afterMs: how long it waited, when known. */
  | { readonly status: "timeout"; readonly afterMs?: number }
  | { readonly status: "cancelled" };

/** The exit codes of `npm run confirm`. */
export const CONFIRM_EXIT: Readonly<Record<ConfirmOutcome["status"], number>> = { approved: 0, denied: 1, timeout: 3, cancelled: 130 };

/** "Alice Smith (@alice)", "@alice" or the id. */
export function answererName(user: UserInfo): string {
  const name = displayName(user);
  return user.username !== undefined && name !== `@${user.username}` ? `${name} (@${user.username})` : name;
}

/** One line saying how it ended. */
export function outcomeLine(outcome: ConfirmOutcome): string {
  switch (outcome.status) {
    case "approved":
      return `✅ Approved by ${outcome.by}`;
    case "denied":
      return `❌ Denied by ${outcome.by}`;
    case "timeout":
      return `⌛ No answer ${outcome.afterMs === undefined ? "in time" : `within ${formatWait(outcome.afterMs / 1000)}`}: not approved`;
    case "cancelled":
      return "⛔ Cancelled: the script that asked stopped";
  }
}

/** The question's message once settled: the question, then the outcome line. */
export function settledText(question: string, outcome: ConfirmOutcome): string {
  return `${question}\n\n${outcomeLine(outcome)}`;
}

/** What a press on a settled confirmation's button is told. */
export function lateAnswer(confirmation: Pick<Confirmation, "status" | "answeredBy">): string {
  const how: Record<Exclude<ConfirmationStatus, "pending">, string> = {
    approved: `it was approved by ${confirmation.answeredBy ?? "someone"}`,
    denied: `it was denied by ${confirmation.answeredBy ?? "someone"}`,
    timeout: "it expired without an answer",
    cancelled: "it was cancelled",
  };
  return confirmation.status === "pending"
    ? "This confirmation is still waiting for an answer."
    : `This confirmation is already finished: ${how[confirmation.status]}.`;
}
