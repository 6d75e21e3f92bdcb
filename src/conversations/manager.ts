/**
 * Runs conversations: ctx.ask's waits (in memory) and flows (saved in a FlowStore). It takes a
 * person's messages BEFORE the dispatcher's per-chat queue: the handler waiting in ctx.ask occupies that
 * queue, so an answer routed through it would wait behind its own question forever. Commands other than
 * /cancel still go to the handlers; /cancel ends the conversation. One person's flow answers are read one
 * at a time, in order; step timeouts are kept across restarts.
 */
import { type CommandSyntax, parseCommand } from "../handlers/commands.js";
import {
  type AskOptions,
  ConversationEnded,
  type ConversationService,
  DEFAULT_ASK_ATTEMPTS,
  DEFAULT_ASK_TIMEOUT_MS,
  type EndReason,
  type Flow,
  isInvalid,
} from "../handlers/conversation.js";
import type { SendOptions, TelegramGateway } from "../handlers/gateway.js";
import type { Message } from "../handlers/message.js";
import type { Logger } from "../log.js";
import { type FlowContext, type RunnableFlow, runnableOf } from "./flow.js";
import { Mailbox } from "./mailbox.js";
import type { FlowState, FlowStore } from "./store.js";

/** Told when an ask's validation refused too many answers. */
export const TOO_MANY_ATTEMPTS_TEXT = "Too many answers I could not use, so I stopped here.";
/** Told when an ask times out (unless the ask says otherwise). */
export const ASK_TIMEOUT_TEXT = "No answer in time, so I stopped here.";
/**
 * Added to ASK_TIMEOUT_TEXT in groups in bot mode: a bot in privacy mode (Telegram's default) is sent only
 * the group messages that reply to it (core.telegram.org/bots/features#privacy-mode), so an answer typed
 * without replying never reaches it.
 */
export const GROUP_REPLY_HINT = "In groups I only see answers sent as a reply to my question.";
/** Told when a flow step fails unexpectedly. */
export const FLOW_FAILED_TEXT = "Something went wrong, so this conversation stopped. Please start again.";

/** The longest timer Node accepts. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** What the manager needs. */
export interface ConversationManagerOptions {
  /** Where flows are saved, so that a restart resumes them. */
  readonly store: FlowStore;
  /** The runtime's rate-limited gateway, for questions and answers. */
  readonly telegram: TelegramGateway;
  readonly log: Logger;
  /** How commands are written in this mode (for /cancel). */
  readonly syntax: CommandSyntax;
  /** Every flow the plugins declare (saved conversations of other flows are dropped at start). */
  readonly flows: readonly Flow[];
  /** Unix milliseconds (tests). */
  readonly now?: () => number;
}

/** The conversation service of a runtime. */
export class ConversationManager implements ConversationService {
  private readonly flows = new Map<string, RunnableFlow>();
  private readonly active = new Map<string, FlowState>();
  private readonly mailboxes = new Map<string, Mailbox>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly store: FlowStore;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  /** Registers the flows and loads the saved conversations; call resume() once the runtime can send. */
  constructor(private readonly options: ConversationManagerOptions) {
    this.now = options.now ?? Date.now;
    this.store = options.store;
    for (const flow of options.flows) {
      const runnable = runnableOf(flow);
      if (this.flows.has(runnable.name)) throw new Error(`two flows are named ${JSON.stringify(runnable.name)}`);
      this.flows.set(runnable.name, runnable);
    }
    for (const state of this.store.all()) {
      const flow = this.flows.get(state.flow);
      if (flow === undefined || !flow.hasStep(state.step)) {
        options.log.warn(
          { chat: state.chatId, user: state.userId, flow: state.flow, step: state.step },
          "a saved conversation's flow or step no longer exists; dropped",
        );
        this.store.remove(state.chatId, state.userId);
        continue;
      }
      this.active.set(keyOf(state.chatId, state.userId), state);
    }
  }

  /** Asks the questions a restart interrupted before they were sent, and starts the step timers. */
  resume(): void {
    for (const [key, state] of this.active) {
      if (!state.questionSent) this.enqueue(key, () => this.sendQuestion(key, state));
    }
    this.schedule();
  }

  /** Number of running flows and open questions. */
  counts(): { readonly flows: number; readonly asks: number } {
    return { flows: this.active.size, asks: this.mailboxes.size };
  }

  /** Takes a message that answers an open question or a running flow; false leaves it to the handlers. */
  intercept(message: Message): boolean {
    if (message.senderId === undefined || this.stopped) return false;
    const key = keyOf(message.chatId, message.senderId);
    const mailbox = this.mailboxes.get(key);
    const state = this.active.get(key);
    if (mailbox === undefined && state === undefined) return false;
    const command = parseCommand(message.text, this.options.syntax);
    if (command !== undefined && command.name !== "cancel") return false;
    if (mailbox !== undefined) {
      if (command === undefined) mailbox.put(message);
      else mailbox.end("cancelled");
      return true;
    }
    this.enqueue(key, () => (command === undefined ? this.advance(key, message) : this.cancel(key, message)));
    return true;
  }

  /** Asks the sender of `origin` in its chat and resolves with the validated answer. */
  async ask<T>(origin: Message, question: string, options: AskOptions<T> = {}): Promise<T> {
    if (this.stopped) throw new ConversationEnded("stopped");
    const key = keyOfMessage(origin);
    this.mailboxes.get(key)?.end("replaced");
    const mailbox = new Mailbox();
    this.mailboxes.set(key, mailbox);
    const timeoutMs = options.timeoutMs ?? DEFAULT_ASK_TIMEOUT_MS;
    const attempts = options.attempts ?? DEFAULT_ASK_ATTEMPTS;
    const say = (text: string, send?: SendOptions) => this.say(origin, text, send);
    const pose = (text: string, send?: SendOptions) => this.say(origin, text, send, true); // a question: an answer is awaited
    try {
      await pose(question, options.send);
      for (let refused = 0; ; ) {
        const delivery = await mailbox.next(timeoutMs);
        if ("ended" in delivery) {
          await this.tellEnd(origin, delivery.ended, options.timeoutText ?? this.askTimeoutText(origin), "Cancelled.");
          throw new ConversationEnded(delivery.ended);
        }
        const value = options.validate === undefined ? delivery.message.text : await options.validate(delivery.message.text, delivery.message);
        if (!isInvalid(value)) return value as T;
        refused += 1;
        if (refused >= attempts) {
          await say(TOO_MANY_ATTEMPTS_TEXT);
          throw new ConversationEnded("invalid");
        }
        await pose(value.invalid);
      }
    } finally {
      mailbox.end("replaced");
      if (this.mailboxes.get(key) === mailbox) this.mailboxes.delete(key);
    }
  }

  /** Starts `flow` with the sender of `origin` in its chat, replacing what ran there. */
  startFlow(origin: Message, flow: Flow): Promise<void> {
    const runnable = this.flows.get(flow.name);
    if (runnable === undefined || runnable !== runnableOf(flow)) {
      return Promise.reject(new Error(`flow ${flow.name} is not registered: list it in its plugin's flows so that a restart can resume it`));
    }
    if (this.stopped) return Promise.reject(new ConversationEnded("stopped"));
    const key = keyOfMessage(origin);
    this.mailboxes.get(key)?.end("replaced");
    const state: FlowState = {
      chatId: origin.chatId,
      userId: origin.senderId!,
      flow: runnable.name,
      step: runnable.first,
      data: runnable.initial,
      expiresAt: this.now() + runnable.timeoutMs,
      questionSent: false,
    };
    return this.enqueue(key, async () => {
      this.save(key, state);
      await this.sendQuestion(key, state, origin);
    });
  }

  /** Ends every open question ("stopped") and the timers; saved flows stay for the next start. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const mailbox of this.mailboxes.values()) mailbox.end("stopped");
  }

  /** Resolves once every queued flow answer has been read. */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all(this.chains.values());
  }

  /** Reads one answer of a running flow. */
  private async advance(key: string, message: Message): Promise<void> {
    const state = this.active.get(key);
    if (state === undefined) return;
    const flow = this.flows.get(state.flow)!;
    const ctx = this.flowContext(message);
    try {
      const outcome = await flow.answer(state.step, message.text, state.data, ctx);
      if (isInvalid(outcome)) {
        this.save(key, { ...state, expiresAt: this.now() + flow.timeoutMs });
        await this.say(message, outcome.invalid, undefined, true);
      } else if ("done" in outcome) {
        this.forget(key);
        await flow.finish(outcome.data, ctx);
      } else {
        const next: FlowState = { ...state, step: outcome.next, data: outcome.data, expiresAt: this.now() + flow.timeoutMs, questionSent: false };
        this.save(key, next);
        await this.sendQuestion(key, next, message);
      }
    } catch (err) {
      this.options.log.error(
        { chat: state.chatId, user: state.userId, flow: state.flow, step: state.step, err },
        "a conversation step failed; conversation stopped",
      );
      this.forget(key);
      await ctx.respond(FLOW_FAILED_TEXT).catch(() => undefined);
    }
  }

  /** Sends a step's question and records that it went. */
  private async sendQuestion(key: string, state: FlowState, origin?: Message): Promise<void> {
    const flow = this.flows.get(state.flow)!;
    await this.say(origin ?? { chatId: state.chatId, messageId: 0 }, flow.question(state.step, state.data), undefined, true);
    if (this.active.get(key) === state) this.save(key, { ...state, questionSent: true });
  }

  private async cancel(key: string, message: Message): Promise<void> {
    const state = this.active.get(key);
    if (state === undefined) return;
    this.forget(key);
    await this.say(message, this.flows.get(state.flow)!.cancelText);
  }

  /** Ends the flows whose step timed out, telling each person. */
  private expire(): void {
    const now = this.now();
    for (const [key, state] of this.active) {
      if (state.expiresAt > now) continue;
      this.enqueue(key, async () => {
        if (this.active.get(key) !== state) return;
        this.forget(key);
        this.options.log.info({ chat: state.chatId, user: state.userId, flow: state.flow, step: state.step }, "conversation timed out");
        await this.say({ chatId: state.chatId, messageId: 0 }, this.flows.get(state.flow)!.timeoutText);
      });
    }
    this.schedule();
  }

  /** Arms the timer for the next step timeout. */
  private schedule(): void {
    clearTimeout(this.timer);
    if (this.stopped || this.active.size === 0) return;
    const next = Math.min(...[...this.active.values()].map((state) => state.expiresAt));
    this.timer = setTimeout(() => this.expire(), Math.min(MAX_TIMER_MS, Math.max(0, next - this.now())));
    this.timer.unref();
  }

  private save(key: string, state: FlowState): void {
    this.store.save(state);
    this.active.set(key, state);
    this.schedule();
  }

  private forget(key: string): void {
    const state = this.active.get(key);
    if (state === undefined) return;
    this.store.remove(state.chatId, state.userId);
    this.active.delete(key);
    this.schedule();
  }

  private async tellEnd(origin: Message, reason: EndReason, timeoutText: string, cancelText: string): Promise<void> {
    const text = reason === "timeout" ? timeoutText : reason === "cancelled" ? cancelText : "";
    if (text !== "") await this.say(origin, text);
  }

  /** What an ask says when no answer came: in groups in bot mode, also how to answer. */
  private askTimeoutText(origin: Pick<Message, "chatId">): string {
    return this.botInGroup(origin.chatId) ? `${ASK_TIMEOUT_TEXT} ${GROUP_REPLY_HINT}` : ASK_TIMEOUT_TEXT;
  }

  private botInGroup(chatId: string): boolean {
    return this.options.syntax.mode === "bot" && chatId.startsWith("-");
  }

  /**
   * Sends text to a conversation's chat, replying to `origin` in groups. A question (`expectsAnswer`) a bot
   * asks in a group carries force_reply, selective when it replies to the person: their app then sends the
   * answer as a reply to it, the one kind of group message a bot in privacy mode is sure to get.
   */
  private async say(origin: Pick<Message, "chatId" | "messageId">, text: string, send?: SendOptions, expectsAnswer = false): Promise<void> {
    const inGroup = origin.chatId.startsWith("-") && origin.messageId > 0;
    const forceReply = expectsAnswer && this.botInGroup(origin.chatId) && send?.keyboard === undefined ? true : send?.forceReply;
    await this.options.telegram.sendMessage(origin.chatId, text, { ...send, forceReply, replyTo: inGroup ? origin.messageId : send?.replyTo });
  }

  private flowContext(message: Message): FlowContext {
    const { telegram, log } = this.options;
    return {
      message,
      telegram,
      log: log.child({ chat: message.chatId, user: message.senderId }),
      respond: (text, options) => {
        const inGroup = message.chatId.startsWith("-");
        return telegram.sendMessage(message.chatId, text, { ...options, replyTo: inGroup ? message.messageId : options?.replyTo });
      },
    };
  }

  /** Runs work after the key's earlier work, in order; failures are logged. */
  private enqueue(key: string, work: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(key) ?? Promise.resolve();
    const run = previous.then(work).catch((err: unknown) => this.options.log.error({ err }, "conversation work failed"));
    this.chains.set(key, run);
    void run.then(() => {
      if (this.chains.get(key) === run) this.chains.delete(key);
    });
    return run;
  }
}

function keyOf(chatId: string, userId: string): string {
  return `${chatId}:${userId}`;
}

function keyOfMessage(message: Message): string {
  if (message.senderId === undefined) throw new Error("conversations need a sender: anonymous channel posts cannot be asked");
  return keyOf(message.chatId, message.senderId);
}
