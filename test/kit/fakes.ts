/**
 * Fakes of the plugin API's edges for unit tests: a message, a gateway that records what is sent, and a
 * context built the way the router builds it.
 */
import type { TelegramClient } from "telegram";
import { type CommandHelp, type Context, createContext, type Me } from "../../src/handlers/context.js";
import type { DeleteOptions, ForwardOptions, HistoryOptions, SendOptions, SentMessage, TelegramGateway, UserRef } from "../../src/handlers/gateway.js";
import type { Message, UserInfo } from "../../src/handlers/message.js";
import { captureLog } from "./log.js";
import { Watch } from "./watch.js";

/** A message in a private user-mode chat, with overrides. */
export function makeMessage(overrides: Partial<Message> = {}): Message {
  return {
    mode: "user",
    selfId: "1000",
    chatId: "2000",
    chatType: "private",
    messageId: 10,
    senderId: "2000",
    out: false,
    text: "",
    date: 1_700_000_000,
    isCatchUp: false,
    ...overrides,
  };
}

/** One call recorded by FakeGateway. */
export type GatewayCall =
  | { op: "send"; chatId: string; text: string; options?: SendOptions }
  | { op: "edit"; chatId: string; messageId: number; text: string; options?: SendOptions };

/** A gateway that records sends and edits and answers lookups from tables. */
export class FakeGateway implements TelegramGateway {
  readonly calls: GatewayCall[] = [];
  readonly users: UserInfo[] = [];
  readonly messages: Message[] = [];
  private nextId = 500;
  private readonly watch = new Watch();

  async sendMessage(chatId: string, text: string, options?: SendOptions): Promise<SentMessage> {
    this.record({ op: "send", chatId, text, options });
    return { chatId, messageId: this.nextId++ };
  }

  async editMessage(chatId: string, messageId: number, text: string, options?: SendOptions): Promise<SentMessage> {
    this.record({ op: "edit", chatId, messageId, text, options });
    return { chatId, messageId };
  }

  async getMessage(chatId: string, messageId: number): Promise<Message | undefined> {
    return this.messages.find((m) => m.chatId === chatId && m.messageId === messageId);
  }

  async getUser(ref: UserRef): Promise<UserInfo | undefined> {
    return this.users.find((u) => ("id" in ref ? u.id === ref.id : u.username?.toLowerCase() === ref.username.toLowerCase()));
  }

  async forward(_from: string, messageIds: readonly number[], toChatId: string, _options?: ForwardOptions): Promise<SentMessage[]> {
    return messageIds.map(() => ({ chatId: toChatId, messageId: this.nextId++ }));
  }

  async copy(_from: string, _messageId: number, toChatId: string): Promise<SentMessage> {
    return { chatId: toChatId, messageId: this.nextId++ };
  }

  async delete(_chatId: string, _messageIds: readonly number[], _options?: DeleteOptions): Promise<void> {}

  async pin(_chatId: string, _messageId: number): Promise<void> {}

  async unpin(_chatId: string, _messageId: number): Promise<void> {}

  async markRead(_chatId: string, _maxId?: number): Promise<void> {}

  /** The table's messages of the chat, newest first (the options are not applied). */
  async *history(chatId: string, _options?: HistoryOptions): AsyncIterableIterator<Message> {
    yield* this.messages.filter((m) => m.chatId === chatId).sort((a, b) => b.messageId - a.messageId);
  }

  /** Texts of every send and edit, in order. */
  texts(): string[] {
    return this.calls.map((call) => call.text);
  }

  /** Resolves with texts() once `count` sends and edits were made in all; rejects after 10 s. */
  async untilCalls(count: number): Promise<string[]> {
    await this.watch.until(
      () => this.calls.length >= count,
      () => `${this.calls.length} of ${count} sends and edits`,
    );
    return this.texts();
  }

  private record(call: GatewayCall): void {
    this.calls.push(call);
    this.watch.changed();
  }
}

/** A context for a message, built the way the router builds it, over a fake gateway. */
export function makeContext(
  message: Message,
  options: { gateway?: FakeGateway; args?: string[]; commands?: CommandHelp[]; me?: Me } = {},
): { ctx: Context; gateway: FakeGateway } {
  const gateway = options.gateway ?? new FakeGateway();
  const args = options.args ?? [];
  const ctx = createContext(
    message,
    { handler: "test/handler", command: { name: "cmd", prefix: ".", args, rawArgs: args.join(" ") } },
    {
      telegram: gateway,
      client: {} as TelegramClient,
      log: captureLog().log,
      me: options.me ?? { id: message.selfId, mode: message.mode },
      prefix: message.mode === "bot" ? "/" : ".",
      commands: options.commands ?? [],
    },
  );
  return { ctx, gateway };
}

// test/updates/manager.test.ts, being edited in parallel, still imports these two from here: they live in
// deferred.ts and log.ts; drop these lines once it imports them from there.
