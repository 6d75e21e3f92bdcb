/**
 * Multi-step conversations as state machines. A flow names its steps; each step has a question and reads
 * the answer into the next step (or the end), or refuses it with invalid(reason). The runtime saves the
 * step and the data after every answer, so a restart resumes where the person was:
 *
 *   const signup = defineFlow({
 *     name: "signup", first: "name", initial: { name: "", age: 0 },
 *     steps: {
 *       name: { question: "What's your name?", answer: (text, data) => next("age", { ...data, name: text }) },
 *       age: { question: "How old are you?", answer: (text, data) => (/^\d+$/.test(text) ? done({ ...data, age: Number(text) }) : invalid("Send a number.")) },
 *     },
 *     finish: (data, ctx) => ctx.respond(`Welcome, ${data.name}!`),
 *   });
 *
 * Data must survive JSON (it is stored as JSON in the session database).
 */
import type { Flow, Invalid } from "../handlers/conversation.js";
import { isInvalid } from "../handlers/conversation.js";
import type { SendOptions, SentMessage, TelegramGateway } from "../handlers/gateway.js";
import type { Message } from "../handlers/message.js";
import type { Logger } from "../log.js";

/** Default time a person has to answer one step. */
export const DEFAULT_STEP_TIMEOUT_MS = 10 * 60_000;

/** What flow steps and `finish` receive. */
export interface FlowContext {
  /** The message being answered (the one that started the flow, for the first question). */
  readonly message: Message;
  readonly telegram: TelegramGateway;
  readonly log: Logger;
  /** Sends text to the conversation's chat (as a reply to the message in groups). */
  respond(text: string, options?: SendOptions): Promise<SentMessage>;
}

/** Go on to `step` with `data`. */
export interface NextStep<D, S extends string> {
  readonly next: S;
  readonly data: D;
}

/** The flow is complete with `data`. */
export interface Done<D> {
  readonly done: true;
  readonly data: D;
}

/** What reading an answer gives. */
export type StepOutcome<D, S extends string> = NextStep<D, S> | Done<D> | Invalid;

/** One step: its question, and how its answer is read. */
export interface FlowStep<D, S extends string> {
  /** Sent when the step begins. */
  readonly question: string | ((data: D) => string);
  /** Reads the answer: next(step, data), done(data), or invalid(reason) to ask again. */
  answer(text: string, data: D, ctx: FlowContext): StepOutcome<D, S> | Promise<StepOutcome<D, S>>;
}

/** What defineFlow takes. */
export interface FlowDefinition<D, S extends string> {
  /** Unique among the runtime's flows; stored with each conversation. */
  readonly name: string;
  readonly first: NoInfer<S>;
  readonly initial: D;
  readonly steps: { readonly [K in S]: FlowStep<D, S> };
  /** Runs once the last answer is read (store the result, thank the person). */
  finish(data: D, ctx: FlowContext): unknown;
  /** Time to answer each step (default DEFAULT_STEP_TIMEOUT_MS). */
  readonly timeoutMs?: number;
  /** Told when time runs out. */
  readonly timeoutText?: string;
  /** Told when the person sends /cancel. */
  readonly cancelText?: string;
}

/** A flow as the runtime runs it: steps by name, data untyped (it comes back from JSON). */
export interface RunnableFlow {
  readonly name: string;
  readonly first: string;
  readonly initial: unknown;
  readonly timeoutMs: number;
  readonly timeoutText: string;
  readonly cancelText: string;
  hasStep(step: string): boolean;
  question(step: string, data: unknown): string;
  answer(step: string, text: string, data: unknown, ctx: FlowContext): Promise<StepOutcome<unknown, string>>;
  finish(data: unknown, ctx: FlowContext): Promise<void>;
}

const runnables = new WeakMap<Flow, RunnableFlow>();
const FLOW_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

/** Declares a flow; see the module comment. */
export function defineFlow<D, S extends string>(definition: FlowDefinition<D, S>): Flow {
  if (!FLOW_NAME.test(definition.name)) throw new Error(`invalid flow name ${JSON.stringify(definition.name)}: use letters, digits, "-" or "_"`);
  const steps = definition.steps as Readonly<Record<string, FlowStep<D, S>>>;
  if (!Object.hasOwn(steps, definition.first))
    throw new Error(`flow ${definition.name}: the first step ${JSON.stringify(definition.first)} is not one of its steps`);
  const step = (name: string): FlowStep<D, S> => {
    if (!Object.hasOwn(steps, name)) throw new Error(`flow ${definition.name} has no step ${JSON.stringify(name)}`);
    return steps[name];
  };
  const flow: Flow = Object.freeze({ name: definition.name });
  runnables.set(flow, {
    name: definition.name,
    first: definition.first,
    initial: definition.initial,
    timeoutMs: definition.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS,
    timeoutText: definition.timeoutText ?? "No answer in time, so I stopped here. Start again whenever you like.",
    cancelText: definition.cancelText ?? "Cancelled.",
    hasStep: (name) => Object.hasOwn(steps, name),
    question(name, data) {
      const { question } = step(name);
      return typeof question === "string" ? question : question(data as D);
    },
    async answer(name, text, data, ctx) {
      const outcome = await step(name).answer(text, data as D, ctx);
      if (!isInvalid(outcome) && "next" in outcome && !Object.hasOwn(steps, outcome.next)) {
        throw new Error(`flow ${definition.name}: step ${name} goes to ${JSON.stringify(outcome.next)}, which is not one of its steps`);
      }
      return outcome;
    },
    async finish(data, ctx) {
      await definition.finish(data as D, ctx);
    },
  });
  return flow;
}

/** The runnable form of a flow defineFlow made; throws for anything else. */
export function runnableOf(flow: Flow): RunnableFlow {
  const runnable = runnables.get(flow);
  if (runnable === undefined) throw new Error(`${flow.name} was not made by defineFlow`);
  return runnable;
}

/** Goes on to `step` with `data`. */
export function next<D, S extends string>(step: S, data: D): NextStep<D, S> {
  return { next: step, data };
}

/** Ends the flow with `data` (its finish runs). */
export function done<D>(data: D): Done<D> {
  return { done: true, data };
}

export { invalid } from "../handlers/conversation.js";
