/**
 * Asking a person to approve something and waiting for the answer, as `npm run confirm` does. A bot sends
 * the question with Approve / Deny buttons and reads the presses; a user account asks for a reply of
 * yes or no. Only the allowed people's answers count: others get an alert (buttons) or a short note
 * (replies). The question's message is then edited to show the outcome and who answered.
 */
import type { CallbackQuery } from "../handlers/callback.js";
import type { Logger } from "../log.js";
import type { ChatMessage, ChatRef, ScriptPort } from "../send/port.js";
import { answererName, type ConfirmOutcome, lateAnswer, settledText } from "./outcome.js";
import { type ConfirmationStore, confirmButton, newConfirmationId } from "./store.js";

/** What a stranger pressing or replying is told. */
export const NOT_YOURS_TEXT = "Only the person this confirmation is for may answer it.";
/** What a user-mode question asks for. */
export const REPLY_HINT = "Reply yes or no.";

const YES = new Set(["y", "yes", "approve", "approved", "ok"]);
const NO = new Set(["n", "no", "deny", "denied"]);

/** What confirm needs. */
export interface ConfirmOptions {
  /** The script's own connection, or npm start's through the local socket. */
  readonly port: ScriptPort;
  readonly log: Logger;
  readonly store: ConfirmationStore;
  readonly target: ChatRef;
  readonly question: string;
  readonly timeoutMs: number;
  /** Ids of the people whose answer counts. */
  readonly answerers: ReadonlySet<string>;
  /** Settles as cancelled when it resolves (the script was asked to stop). */
  readonly cancelled?: Promise<void>;
}

/** Asks, waits for an allowed answer (or the timeout, or cancellation), shows the outcome; resolves with it. */
export async function confirm(options: ConfirmOptions): Promise<ConfirmOutcome> {
  const { port, target, question, log } = options;
  const id = newConfirmationId();
  let messageId: number | undefined;
  let decided: ConfirmOutcome | undefined;
  let decide: (outcome: ConfirmOutcome) => void = () => {};
  const answered = new Promise<ConfirmOutcome>((resolve) => {
    decide = (outcome) => {
      if (decided !== undefined) return;
      decided = outcome;
      resolve(outcome);
    };
  });
  const listening =
    port.mode === "bot"
      ? listenForPresses(options, id, () => decided, decide)
      : listenForReplies(
          options,
          () => messageId,
          () => decided,
          decide,
        );
  let timer: NodeJS.Timeout | undefined;
  try {
    const keyboard =
      port.mode === "bot" ? [[confirmButton.button("✅ Approve", { id, approve: true }), confirmButton.button("❌ Deny", { id, approve: false })]] : undefined;
    const text = port.mode === "bot" ? question : `${question}\n\n${REPLY_HINT}`;
    [messageId] = await port.send(target.chatId, [{ text, entities: [] }], { keyboard });
    options.store.record({ id, chatId: target.chatId, messageId, question, expiresAt: Date.now() + options.timeoutMs });
    timer = setTimeout(() => decide({ status: "timeout", afterMs: options.timeoutMs }), options.timeoutMs);
    void options.cancelled?.then(() => decide({ status: "cancelled" }));
    const outcome = await answered;
    options.store.finish(id, outcome.status, "by" in outcome ? outcome.by : undefined);
    try {
      await port.edit(target.chatId, messageId, { text: settledText(question, outcome), entities: [] }, port.mode === "bot" ? [] : undefined);
    } catch (err) {
      log.warn({ err }, "could not edit the question to show the outcome");
    }
    return outcome;
  } finally {
    clearTimeout(timer);
    listening();
  }
}

/** Reads presses of this confirmation's buttons; returns the function that stops listening. */
function listenForPresses(
  options: ConfirmOptions,
  id: string,
  decided: () => ConfirmOutcome | undefined,
  decide: (outcome: ConfirmOutcome) => void,
): () => void {
  const answer = (query: CallbackQuery, text: string, alert: boolean) =>
    options.port.answer(query.queryId, { text, alert }).catch((err: unknown) => options.log.warn({ err }, "could not answer a button press"));
  return options.port.onPress(confirmButton.button("", { id, approve: true }).data.slice(0, -1), (query) => {
    const values = confirmButton.decode(query.data);
    if (values?.id !== id) return;
    const settled = decided();
    if (settled !== undefined) {
      void answer(query, lateAnswer({ status: settled.status, answeredBy: "by" in settled ? settled.by : undefined }), true);
    } else if (!options.answerers.has(query.senderId)) {
      options.log.warn({ user: query.senderId }, "someone who may not answer pressed a confirmation button");
      void answer(query, NOT_YOURS_TEXT, true);
    } else {
      decide({ status: values.approve ? "approved" : "denied", by: answererName(query.sender ?? { id: query.senderId }) });
      void answer(query, values.approve ? "Approved." : "Denied.", false);
    }
  });
}

/** Reads yes / no replies in the target chat; returns the function that stops listening. */
function listenForReplies(
  options: ConfirmOptions,
  questionId: () => number | undefined,
  decided: () => ConfirmOutcome | undefined,
  decide: (outcome: ConfirmOutcome) => void,
): () => void {
  const told = new Set<string>();
  const onMessage = (message: ChatMessage) => {
    const asked = questionId();
    if (asked === undefined || message.messageId <= asked || decided() !== undefined) return;
    if (message.replyToMessageId !== undefined && message.replyToMessageId !== asked) return;
    const verdict = verdictOf(message.text);
    const senderId = message.senderId;
    if (verdict === undefined || senderId === undefined) return;
    if (options.answerers.has(senderId)) {
      decide({ status: verdict ? "approved" : "denied", by: answererName(message.sender ?? { id: senderId }) });
    } else if (!told.has(senderId)) {
      told.add(senderId);
      void options.port
        .send(options.target.chatId, [{ text: NOT_YOURS_TEXT, entities: [] }])
        .catch((err: unknown) => options.log.warn({ err }, "could not tell someone they may not answer"));
    }
  };
  return options.port.onMessage(options.target.chatId, questionId, onMessage);
}

/** true for yes, false for no, undefined for anything else. */
export function verdictOf(text: string): boolean | undefined {
  const word = text
    .trim()
    .toLowerCase()
    .replace(/[.!]+$/, "");
  return YES.has(word) ? true : NO.has(word) ? false : undefined;
}
