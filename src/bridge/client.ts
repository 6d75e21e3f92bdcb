/**
 * A script's side of the local socket: a ScriptPort whose calls the running `npm start` of the session makes
 * on its own connection, and whose presses and messages it forwards. `connectBridge` answers undefined when
 * no npm start listens (no socket file, or a stale one), and the script then connects by itself.
 */
import { createConnection, type Socket } from "node:net";
import { resolve } from "node:path";
import { UserError } from "../errors.js";
import type { CallbackQuery } from "../handlers/callback.js";
import type { ChatMessage, ChatRef, ScriptPort } from "../send/port.js";
import { RefusalError } from "../send/refusal.js";
import { type BridgeFailure, type BridgeRequest, encodeRequest, type Hello, LineSplitter, parseReply } from "./protocol.js";

/** What makes a connection attempt mean "nobody listens": the script connects by itself instead. */
const NOBODY = new Set(["ENOENT", "ECONNREFUSED", "ENOTSOCK", "EACCES"]);

/** Connects to the npm start listening on `socketPath`; undefined when none does. */
export async function connectBridge(socketPath: string, options: { readonly handover?: boolean } = {}): Promise<ScriptPort | undefined> {
  const socket = await new Promise<Socket | undefined>((done, fail) => {
    const attempt = createConnection(socketPath);
    attempt.once("connect", () => {
      attempt.removeAllListeners("error");
      done(attempt);
    });
    attempt.once("error", (error: NodeJS.ErrnoException) => (NOBODY.has(error.code ?? "") ? done(undefined) : fail(error)));
  });
  if (socket === undefined) return undefined;
  const link = new BridgeLink(socket);
  let hello: Hello;
  try {
    hello = (await link.call({ op: "hello", handover: options.handover === true })) as Hello;
  } catch (error) {
    socket.destroy();
    if (error instanceof BridgeVersionError)
      throw new UserError(`the npm start running for this session speaks another version of the local socket (${error.message}): restart it`);
    throw error;
  }
  return bridgePort(link, hello);
}

class BridgeVersionError extends Error {}

/** Calls and events over one socket. */
class BridgeLink {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  readonly listeners = new Map<number, (event: { press?: CallbackQuery; message?: ChatMessage }) => void>();
  private closedBy: Error | undefined;

  constructor(readonly socket: Socket) {
    const lines = new LineSplitter();
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      try {
        for (const line of lines.push(chunk)) this.take(line);
      } catch (error) {
        this.end(error as Error);
        socket.destroy();
      }
    });
    socket.on("error", (error) => this.end(error));
    socket.on("close", () => this.end(new Error("npm start stopped (the local socket closed)")));
  }

  call(request: BridgeRequest): Promise<unknown> {
    if (this.closedBy !== undefined) return Promise.reject(this.closedBy);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.socket.write(encodeRequest(id, request));
    });
  }

  private take(line: string): void {
    const reply = parseReply(line);
    if ("event" in reply) {
      this.listeners.get(reply.watch)?.(reply.event === "press" ? { press: reply.press } : { message: reply.message });
      return;
    }
    const waiter = this.waiting.get(reply.id);
    if (waiter === undefined) return;
    this.waiting.delete(reply.id);
    if (reply.ok) waiter.resolve(reply.result);
    else waiter.reject(errorOf(reply.error));
  }

  private end(error: Error): void {
    this.closedBy ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(this.closedBy);
    this.waiting.clear();
  }
}

/** The error a failed call throws in the script: a UserError keeps its exit code, a refusal its line. */
export function errorOf(failure: BridgeFailure): Error {
  switch (failure.kind) {
    case "user":
      return new UserError(failure.message, failure.exitCode);
    case "refused":
      return new RefusalError(failure.message);
    case "version":
      return new BridgeVersionError(failure.message);
    default:
      return new Error(failure.message);
  }
}

function bridgePort(link: BridgeLink, hello: Hello): ScriptPort {
  let nextWatch = 1;
  const watch = (request: (watch: number) => BridgeRequest, listener: (event: { press?: CallbackQuery; message?: ChatMessage }) => void) => {
    const id = nextWatch++;
    link.listeners.set(id, listener);
    void link.call(request(id)).catch(() => {});
    return () => {
      link.listeners.delete(id);
      void link.call({ op: "unwatch", watch: id }).catch(() => {});
    };
  };
  return {
    mode: hello.mode,
    selfId: hello.selfId,
    via: `through npm start (pid ${hello.pid})`,
    chat: async (peer) => (await link.call({ op: "chat", peer })) as ChatRef,
    users: async (people) => (await link.call({ op: "users", people })) as string[],
    send: async (chatId, parts, options = {}) => (await link.call({ op: "send", chatId, parts, options })) as number[],
    async sendFile(chatId, file, caption, options = {}) {
      const { onProgress: _progress, ...rest } = options;
      return (await link.call({ op: "sendFile", chatId, file: { ...file, path: resolve(file.path) }, caption, options: rest })) as number;
    },
    edit: async (chatId, messageId, part, keyboard) => void (await link.call({ op: "edit", chatId, messageId, part, keyboard })),
    answer: async (queryId, answer) => void (await link.call({ op: "answer", queryId, answer })),
    onPress: (prefix, listener) =>
      watch(
        (id) => ({ op: "watchPresses", watch: id, prefix }),
        (event) => event.press && listener(event.press),
      ),
    onMessage(chatId, after, listener) {
      return watch(
        (id) => ({ op: "watchMessages", watch: id, chatId }),
        (event) => {
          const since = after();
          if (event.message !== undefined && since !== undefined && event.message.messageId > since) listener(event.message);
        },
      );
    },
    async close() {
      link.socket.end();
    },
  };
}
