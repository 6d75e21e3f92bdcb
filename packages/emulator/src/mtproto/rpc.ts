/**
 * The API layer of an RPC message: parse the request with GramJS's TL classes, peel the
 * connection-level wrappers (invokeWithLayer, initConnection, invokeWithoutUpdates,
 * invokeAfterMsg(s)), serialize results and turn errors into rpc_error.
 */
import { Api } from "telegram";
import { TypeNotFoundError } from "telegram/errors/index.js";
import { BinaryReader } from "telegram/extensions/index.js";
import { RpcError } from "../model/errors.js";
import { TlWriter, VECTOR } from "../tl/primitives.js";
import { readObject, UnknownConstructorError } from "../tl/read.js";
import { GRAMJS_SCHEMA, type TlSchema } from "../tl/schema.js";
import { isTlObject, serializeObject, writeObject } from "../tl/serialize.js";
import { ID } from "./tl-ids.js";

/** Constructors GramJS reads asynchronously; inside a request they are refused instead. */
const CORE_CONSTRUCTORS = new Set<number>([ID.gzipPacked, ID.msgContainer, ID.rpcResult]);

/** A BinaryReader that refuses core MTProto constructors inside API objects (GramJS would read them asynchronously). */
class RequestReader extends BinaryReader {
  override tgReadObject(): unknown {
    const id = this.readInt(false);
    this.seek(-4);
    if (CORE_CONSTRUCTORS.has(id)) throw new RpcError(400, "INPUT_FETCH_FAIL");
    return super.tgReadObject();
  }
}

/** A TL request object as GramJS builds it. */
export interface TlRequest {
  className: string;
  classType: "request";
  CONSTRUCTOR_ID: number;
  getBytes(): Buffer;
}

/** What the client sent under the wrappers. */
export interface UnwrappedCall {
  query: TlRequest;
  /** The layer from invokeWithLayer, if present. */
  layer?: number;
  /** initConnection's app and device description, if present. */
  client?: ClientInfo;
  /** invokeWithoutUpdates was used: the call does not subscribe the session to updates. */
  withoutUpdates: boolean;
  /** invokeAfterMsg(s): client msg_ids this call must wait for. */
  after: bigint[];
}

/** What initConnection says about the client. */
export interface ClientInfo {
  apiId: number;
  deviceModel: string;
  systemVersion: string;
  appVersion: string;
  systemLangCode: string;
  langPack: string;
  langCode: string;
}

/**
 * Parses an API request in the client's layer (GramJS's own classes read GramJS's layer; another
 * layer is read by its schema into the same classes); throws RpcError (400) for unknown
 * constructors, malformed bodies or non-requests.
 */
export function parseRequest(body: Buffer, schema: TlSchema = GRAMJS_SCHEMA): TlRequest {
  const reader = new RequestReader(body);
  let obj: unknown;
  try {
    obj = schema === GRAMJS_SCHEMA ? reader.tgReadObject() : readObject(reader, schema);
  } catch (e) {
    if (e instanceof RpcError) throw e;
    const unknownId = e instanceof TypeNotFoundError ? e.invalidConstructorId : e instanceof UnknownConstructorError ? e.constructorId : undefined;
    if (unknownId !== undefined) {
      if (CORE_CONSTRUCTORS.has(unknownId >>> 0)) throw new RpcError(400, "INPUT_FETCH_FAIL");
      throw new RpcError(400, `INPUT_CONSTRUCTOR_INVALID_${(unknownId >>> 0).toString(16).padStart(8, "0")}`);
    }
    throw new RpcError(400, "INPUT_FETCH_FAIL");
  }
  if (!isRequest(obj)) throw new RpcError(400, "INPUT_METHOD_INVALID");
  if (reader.offset !== body.length) throw new RpcError(400, "INPUT_REQUEST_TOO_LONG");
  return obj;
}

function isRequest(obj: unknown): obj is TlRequest {
  return typeof obj === "object" && obj !== null && (obj as { classType?: unknown }).classType === "request";
}

/** Peels the wrappers, in whatever order the client nested them. */
export function unwrapCall(request: TlRequest): UnwrappedCall {
  const call: UnwrappedCall = { query: request, withoutUpdates: false, after: [] };
  for (let q: unknown = request; ; ) {
    if (q instanceof Api.InvokeWithLayer) {
      call.layer = q.layer;
      q = q.query;
    } else if (q instanceof Api.InitConnection) {
      call.client = {
        apiId: q.apiId,
        deviceModel: q.deviceModel,
        systemVersion: q.systemVersion,
        appVersion: q.appVersion,
        systemLangCode: q.systemLangCode,
        langPack: q.langPack,
        langCode: q.langCode,
      };
      q = q.query;
    } else if (q instanceof Api.InvokeWithoutUpdates) {
      call.withoutUpdates = true;
      q = q.query;
    } else if (q instanceof Api.InvokeAfterMsg) {
      call.after.push(BigInt(q.msgId.toString()));
      q = q.query;
    } else if (q instanceof Api.InvokeAfterMsgs) {
      for (const id of q.msgIds) call.after.push(BigInt(id.toString()));
      q = q.query;
    } else {
      if (!isRequest(q)) throw new RpcError(400, "INPUT_METHOD_INVALID");
      call.query = q;
      return call;
    }
  }
}

/** Serializes a handler's result in the client's layer: a TL object, true/false (Bool), or an array (Vector). */
export function serializeResult(value: unknown, schema: TlSchema = GRAMJS_SCHEMA): Buffer {
  if (value === true || value === false) return new TlWriter(4).uint(value ? ID.boolTrue : ID.boolFalse).finish();
  if (Array.isArray(value)) {
    const w = new TlWriter(8 + value.length * 8).uint(VECTOR).int(value.length);
    for (const item of value) writeVectorItem(w, item, schema);
    return w.finish();
  }
  if (isTlObject(value)) return serializeObject(value, schema);
  throw new TypeError(`cannot serialize a handler result of type ${describe(value)}`);
}

function writeVectorItem(w: TlWriter, item: unknown, schema: TlSchema): void {
  if (typeof item === "number") w.int(item);
  else if (typeof item === "bigint") w.long(item);
  else if (isTlObject(item)) writeObject(w, item, false, schema);
  else if (isBigInteger(item)) w.long(BigInt(item.toString()));
  else throw new TypeError(`cannot serialize a vector item of type ${describe(item)}`);
}

/** GramJS represents longs as big-integer objects. */
function isBigInteger(v: unknown): v is { toString(): string } {
  return typeof v === "object" && v !== null && typeof (v as { isNegative?: unknown }).isNegative === "function";
}

function describe(v: unknown): string {
  return v === null ? "null" : typeof v === "object" ? (v.constructor?.name ?? "object") : typeof v;
}

/** The rpc_error for a thrown value; `unexpected` marks errors that are not RpcError (answered as 500 INTERNAL). */
export function errorFor(err: unknown): { code: number; message: string; unexpected: boolean } {
  if (err instanceof RpcError) return { code: err.code, message: err.errorMessage, unexpected: false };
  return { code: 500, message: "INTERNAL", unexpected: true };
}
