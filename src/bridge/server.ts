/**
 * The running `npm start`'s side of the local socket: it listens on `sessions/NAME.sock` (mode 0600, in the
 * 0700 sessions folder), makes the calls scripts ask for on its own connection (a ScriptPort on its client),
 * and forwards to each script the presses and messages it watches. What arrived shortly before a watch
 * began is replayed to it, so that a script that switches to npm start while waiting misses nothing.
 */
import { chmodSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { isAbsolute } from "node:path";
import { UserError } from "../errors.js";
import type { CallbackQuery } from "../handlers/callback.js";
import type { Logger } from "../log.js";
import type { ChatMessage, ScriptPort } from "../send/port.js";
import { explainRefusal } from "../send/refusal.js";
import { removeQuietly } from "./lock.js";
import { BRIDGE_VERSION, type BridgeFailure, type BridgeReply, type BridgeRequest, encodeReply, type Hello, LineSplitter, parseRequest } from "./protocol.js";

/** Events replayed to a new watch: at most this many, at most this old. */
const REPLAY_EVENTS = 200;
const REPLAY_MS = 5 * 60_000;

type Watch = { readonly kind: "press"; readonly prefix: string } | { readonly kind: "message"; readonly chatId: string };
type Event = { readonly at: number } & (
  | { readonly kind: "press"; readonly press: CallbackQuery }
  | { readonly kind: "message"; readonly message: ChatMessage }
);

/** What the server needs. */
export interface BridgeServerOptions {
  readonly socketPath: string;
  /** Makes the scripts' calls (a ScriptPort on npm start's client). */
  readonly port: ScriptPort;
  readonly log: Logger;
  readonly pid?: number;
  /** A script that had its own connection hands over: npm start makes a call, so updates come to it again. */
  readonly onHandover?: () => void;
}

/** The socket server of one running npm start. */
export class BridgeServer {
  private server: Server | undefined;
  private readonly peers = new Set<{ socket: Socket; watches: Map<number, Watch> }>();
  private readonly recent: Event[] = [];

  constructor(private readonly options: BridgeServerOptions) {}

  /** Listens on the socket path (a stale socket file is replaced: the caller holds the session's lock). */
  async listen(): Promise<void> {
    const path = this.options.socketPath;
    removeQuietly(path);
    const server = createServer((socket) => this.accept(socket));
    // The socket file is created by bind(2) with the process umask: closed to group and others from the start.
    const umask = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(path, () => {
          server.off("error", reject);
          resolve();
        });
      });
    } finally {
      process.umask(umask);
    }
    chmodSync(path, 0o600);
    this.server = server;
  }

  /** A button press the runtime received: to the scripts watching its prefix. */
  publishPress(press: CallbackQuery): void {
    this.publish({ at: Date.now(), kind: "press", press });
  }

  /** Whether a connected script watches this press (it answers it; the runtime leaves it alone). */
  watches(press: CallbackQuery): boolean {
    for (const peer of this.peers) for (const watch of peer.watches.values()) if (watch.kind === "press" && press.data.startsWith(watch.prefix)) return true;
    return false;
  }

  /** A new message the runtime received: to the scripts watching its chat. */
  publishMessage(message: ChatMessage): void {
    this.publish({ at: Date.now(), kind: "message", message });
  }

  /** Stops listening, drops the scripts' connections and removes the socket file. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const peer of this.peers) peer.socket.destroy();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
    removeQuietly(this.options.socketPath);
  }

  private publish(event: Event): void {
    this.recent.push(event);
    while (this.recent.length > REPLAY_EVENTS || (this.recent.length > 0 && this.recent[0].at < event.at - REPLAY_MS)) this.recent.shift();
    for (const peer of this.peers) for (const [id, watch] of peer.watches) this.deliver(peer.socket, id, watch, event);
  }

  private deliver(socket: Socket, watchId: number, watch: Watch, event: Event): void {
    if (watch.kind === "press" && event.kind === "press" && event.press.data.startsWith(watch.prefix))
      write(socket, { v: BRIDGE_VERSION, event: "press", watch: watchId, press: event.press });
    if (watch.kind === "message" && event.kind === "message" && event.message.chatId === watch.chatId)
      write(socket, { v: BRIDGE_VERSION, event: "message", watch: watchId, message: event.message });
  }

  private accept(socket: Socket): void {
    const peer = { socket, watches: new Map<number, Watch>() };
    this.peers.add(peer);
    this.options.log.info("a script of this session connected on the local socket");
    const lines = new LineSplitter();
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      let received: string[];
      try {
        received = lines.push(chunk);
      } catch (error) {
        this.options.log.warn({ err: error }, "a script sent something unreadable on the local socket; dropped");
        return void socket.destroy();
      }
      for (const line of received) void this.answer(peer, line);
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => this.peers.delete(peer));
  }

  private async answer(peer: { socket: Socket; watches: Map<number, Watch> }, line: string): Promise<void> {
    let parsed: ReturnType<typeof parseRequest>;
    try {
      parsed = parseRequest(line);
    } catch (error) {
      this.options.log.warn({ reason: (error as Error).message }, "a script sent a malformed request on the local socket; dropped");
      return void peer.socket.destroy();
    }
    const { id } = parsed;
    if (!("request" in parsed)) {
      const error: BridgeFailure = { kind: "version", message: `protocol version ${parsed.version} asked, ${BRIDGE_VERSION} spoken` };
      return write(peer.socket, { v: BRIDGE_VERSION, id, ok: false, error });
    }
    try {
      const result = await this.run(peer, parsed.request);
      write(peer.socket, { v: BRIDGE_VERSION, id, ok: true, result: result ?? null });
    } catch (error) {
      write(peer.socket, { v: BRIDGE_VERSION, id, ok: false, error: failureOf(error) });
    }
  }

  private async run(peer: { watches: Map<number, Watch>; socket: Socket }, request: BridgeRequest): Promise<unknown> {
    const port = this.options.port;
    switch (request.op) {
      case "hello":
        if (request.handover === true) this.options.onHandover?.();
        return { version: BRIDGE_VERSION, mode: port.mode, selfId: port.selfId, pid: this.options.pid ?? process.pid } satisfies Hello;
      case "chat":
        return port.chat(request.peer);
      case "users":
        return port.users(request.people);
      case "send":
        return port.send(request.chatId, request.parts, request.options);
      case "sendFile":
        if (!isAbsolute(request.file.path)) throw new UserError("the file's path must be absolute on the local socket");
        return port.sendFile(request.chatId, request.file, request.caption, request.options);
      case "edit":
        return port.edit(request.chatId, request.messageId, request.part, request.keyboard);
      case "answer":
        return port.answer(request.queryId, request.answer);
      case "watchPresses":
      case "watchMessages": {
        const watch: Watch = request.op === "watchPresses" ? { kind: "press", prefix: request.prefix } : { kind: "message", chatId: request.chatId };
        peer.watches.set(request.watch, watch);
        for (const event of this.recent) this.deliver(peer.socket, request.watch, watch, event);
        return null;
      }
      case "unwatch":
        peer.watches.delete(request.watch);
        return null;
    }
  }
}

/** How a failed call is told to the script: a UserError keeps its exit code, Telegram's refusal its explanation. */
export function failureOf(error: unknown): BridgeFailure {
  if (error instanceof UserError) return { kind: "user", message: error.message, exitCode: error.exitCode };
  const refusal = explainRefusal(error);
  if (refusal !== undefined) return { kind: "refused", message: refusal };
  return { kind: "failed", message: error instanceof Error ? error.message : String(error) };
}

function write(socket: Socket, reply: BridgeReply): void {
  if (!socket.destroyed) socket.write(encodeReply(reply));
}
