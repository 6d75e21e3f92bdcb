/**
 * The local socket's protocol between a running `npm start` and the scripts of the same session
 * (`npm run send`, `npm run confirm`): one JSON object per line, each carrying the protocol version `v`.
 *
 *   script → npm start   {"v":1,"id":N,"op":"hello" | "chat" | "users" | "send" | "sendFile" | "edit" |
 *                          "answer" | "watchPresses" | "watchMessages" | "unwatch", ...arguments}
 *   npm start → script   {"v":1,"id":N,"ok":true,"result":...} or {"v":1,"id":N,"ok":false,"error":{kind,message,exitCode?}}
 *                        {"v":1,"event":"press" | "message","watch":W,...} for what a script watches
 *
 * Only what a call needs crosses it: chat references, texts, file paths, button data and the presses and
 * messages a script watches; never the session string, the api_hash or a bot token. Pure: parsing and
 * encoding only, the socket is in server.ts / client.ts.
 */
import type { CallbackAnswer, CallbackQuery } from "../handlers/callback.js";
import type { InlineKeyboard } from "../handlers/keyboard.js";
import type { FileToSend } from "../send/fileInput.js";
import type { FormattedText } from "../send/formatted.js";
import type { ChatMessage, SendOptions } from "../send/port.js";
import type { PeerInput } from "../telegram/peers.js";

/** The protocol's version; a peer speaking another one is told to restart `npm start`. */
export const BRIDGE_VERSION = 1;
/** Longest line either side accepts (a send of many parts, a long question). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** What a script asks. */
export type BridgeRequest =
  /** `handover`: the script ran on its own connection until now (npm start makes a call to take the updates back). */
  | { readonly op: "hello"; readonly handover?: boolean }
  | { readonly op: "chat"; readonly peer: PeerInput }
  | { readonly op: "users"; readonly people: readonly PeerInput[] }
  | { readonly op: "send"; readonly chatId: string; readonly parts: readonly FormattedText[]; readonly options: SendOptions }
  | { readonly op: "sendFile"; readonly chatId: string; readonly file: FileToSend; readonly caption?: FormattedText; readonly options: SendOptions }
  | { readonly op: "edit"; readonly chatId: string; readonly messageId: number; readonly part: FormattedText; readonly keyboard?: InlineKeyboard }
  | { readonly op: "answer"; readonly queryId: string; readonly answer: CallbackAnswer }
  | { readonly op: "watchPresses"; readonly watch: number; readonly prefix: string }
  | { readonly op: "watchMessages"; readonly watch: number; readonly chatId: string }
  | { readonly op: "unwatch"; readonly watch: number };

/** What `hello` answers. */
export interface Hello {
  readonly version: number;
  readonly mode: "user" | "bot";
  readonly selfId: string;
  readonly pid: number;
}

/** Why a call failed: the person's mistake (exit code), Telegram's refusal (explained), or anything else. */
export interface BridgeFailure {
  readonly kind: "user" | "refused" | "failed" | "version";
  readonly message: string;
  readonly exitCode?: number;
}

/** What npm start sends back. */
export type BridgeReply =
  | { readonly v: number; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly v: number; readonly id: number; readonly ok: false; readonly error: BridgeFailure }
  | { readonly v: number; readonly event: "press"; readonly watch: number; readonly press: CallbackQuery }
  | { readonly v: number; readonly event: "message"; readonly watch: number; readonly message: ChatMessage };

/** A line that is not a message of this protocol. */
export class ProtocolError extends Error {
  override name = "ProtocolError";
}

/** One request as a line. */
export function encodeRequest(id: number, request: BridgeRequest): string {
  return `${JSON.stringify({ v: BRIDGE_VERSION, id, ...request })}\n`;
}

/** One reply or event as a line. */
export function encodeReply(reply: BridgeReply): string {
  return `${JSON.stringify(reply)}\n`;
}

const OPS = new Set(["hello", "chat", "users", "send", "sendFile", "edit", "answer", "watchPresses", "watchMessages", "unwatch"]);

/** Reads a request line: its id, and the request or a version mismatch; ProtocolError when malformed. */
export function parseRequest(line: string): { id: number; request: BridgeRequest } | { id: number; version: number } {
  const value = parseObject(line);
  const id = value.id;
  if (!Number.isSafeInteger(id)) throw new ProtocolError("a request needs an integer id");
  if (value.v !== BRIDGE_VERSION) return { id: id as number, version: typeof value.v === "number" ? value.v : 0 };
  if (typeof value.op !== "string" || !OPS.has(value.op)) throw new ProtocolError(`unknown op ${JSON.stringify(value.op)}`);
  const need = (field: string, type: "string" | "number" | "object") => {
    if (typeof value[field] !== type || value[field] === null) throw new ProtocolError(`${value.op} needs ${field} (${type})`);
  };
  switch (value.op) {
    case "chat":
      need("peer", "object");
      break;
    case "users":
      if (!Array.isArray(value.people)) throw new ProtocolError("users needs people (array)");
      break;
    case "send":
      need("chatId", "string");
      if (!Array.isArray(value.parts)) throw new ProtocolError("send needs parts (array)");
      need("options", "object");
      break;
    case "sendFile":
      need("chatId", "string");
      need("file", "object");
      need("options", "object");
      break;
    case "edit":
      need("chatId", "string");
      need("messageId", "number");
      need("part", "object");
      break;
    case "answer":
      need("queryId", "string");
      need("answer", "object");
      break;
    case "watchPresses":
      need("watch", "number");
      need("prefix", "string");
      break;
    case "watchMessages":
      need("watch", "number");
      need("chatId", "string");
      break;
    case "unwatch":
      need("watch", "number");
      break;
  }
  const { v: _v, id: _id, ...request } = value;
  return { id: id as number, request: request as unknown as BridgeRequest };
}

/** Reads a reply or event line; ProtocolError when malformed. */
export function parseReply(line: string): BridgeReply {
  const value = parseObject(line);
  if (typeof value.v !== "number") throw new ProtocolError("a reply needs the protocol version v");
  if (typeof value.event === "string") {
    if (!Number.isSafeInteger(value.watch)) throw new ProtocolError("an event needs its watch");
    if (value.event === "press" && typeof value.press === "object" && value.press !== null) return value as unknown as BridgeReply;
    if (value.event === "message" && typeof value.message === "object" && value.message !== null) return value as unknown as BridgeReply;
    throw new ProtocolError(`unknown event ${JSON.stringify(value.event)}`);
  }
  if (!Number.isSafeInteger(value.id) || typeof value.ok !== "boolean") throw new ProtocolError("a reply needs id and ok");
  if (value.ok === false && (typeof value.error !== "object" || value.error === null || typeof (value.error as { message?: unknown }).message !== "string"))
    throw new ProtocolError("a failed reply needs error.message");
  return value as unknown as BridgeReply;
}

function parseObject(line: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new ProtocolError("a line is not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ProtocolError("a line is not a JSON object");
  return value as Record<string, unknown>;
}

/** Cuts a byte stream into lines; a line longer than `maxBytes` is a ProtocolError (the peer is dropped). */
export class LineSplitter {
  private pending = "";

  constructor(private readonly maxBytes = MAX_LINE_BYTES) {}

  /** The complete lines in what has arrived so far (empty lines skipped). */
  push(chunk: string): string[] {
    this.pending += chunk;
    const lines = this.pending.split("\n");
    this.pending = lines.pop() ?? "";
    if (Buffer.byteLength(this.pending) > this.maxBytes) throw new ProtocolError(`a line is longer than ${this.maxBytes} bytes`);
    return lines.filter((line) => line.trim() !== "");
  }
}
