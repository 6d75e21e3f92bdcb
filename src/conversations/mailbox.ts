/**
 * Where the messages a ctx.ask waits for are put: one mailbox per person and chat while the question
 * is open. Messages that arrive while an answer is being validated wait in it, in order.
 */
import type { EndReason } from "../handlers/conversation.js";
import type { Message } from "../handlers/message.js";

/** What a wait gives: the next message, or why the conversation ended. */
export type Delivery = { readonly message: Message } | { readonly ended: EndReason };

/** The messages of one person in one chat, taken one at a time. */
export class Mailbox {
  private readonly queue: Message[] = [];
  private waiting: ((delivery: Delivery) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ended: EndReason | undefined;

  /** Puts a message in (ignored once ended). */
  put(message: Message): void {
    if (this.ended !== undefined) return;
    const resolve = this.take();
    if (resolve === undefined) this.queue.push(message);
    else resolve({ message });
  }

  /** Ends the mailbox: a wait in progress, and every later one, gets the reason. */
  end(reason: EndReason): void {
    if (this.ended !== undefined) return;
    this.ended = reason;
    this.take()?.({ ended: reason });
  }

  /** True once ended. */
  get isEnded(): boolean {
    return this.ended !== undefined;
  }

  /** The next message, waiting up to `timeoutMs`; a timeout ends the mailbox. */
  next(timeoutMs: number): Promise<Delivery> {
    if (this.ended !== undefined) return Promise.resolve({ ended: this.ended });
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve({ message: queued });
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.timer = setTimeout(() => this.end("timeout"), timeoutMs);
      this.timer.unref();
    });
  }

  private take(): ((delivery: Delivery) => void) | undefined {
    const resolve = this.waiting;
    this.waiting = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    return resolve;
  }
}
