/**
 * What the server does with a decrypted client message: the msg_id, seqno and salt checks
 * (answered with bad_msg_notification / bad_server_salt), new_session_created, container and
 * gzip unpacking, the service messages of https://core.telegram.org/mtproto/service_messages,
 * and RPC calls, answered with rpc_result whenever each is ready.
 */
import { gunzipSync } from "node:zlib";
import { RpcError } from "../model/errors.js";
import type { World } from "../model/world.js";
import type { CallContext } from "../rpc/context.js";
import { TlReadError, TlReader } from "../tl/primitives.js";
import { schemaForLayer } from "../tl/schema.js";
import type { AuthKeyRecord, AuthKeyStore } from "./auth-keys.js";
import type { DecryptedMessage } from "./crypto/message.js";
import { GZIP_THRESHOLD, packLarge } from "./gzip.js";
import { announcedLayer, savedLayer, saveLayer, schemaOfSession } from "./layers.js";
import { BAD_MSG, clientMsgIdProblem } from "./msg-id.js";
import { KIND, type MessageKind } from "./outbox.js";
import { MSG_STATE } from "./received-window.js";
import { errorFor, parseRequest, serializeResult, type TlRequest, type UnwrappedCall, unwrapCall } from "./rpc.js";
import * as sm from "./service-messages.js";
import type { RunningCall, Session } from "./session.js";
import { ID } from "./tl-ids.js";

/** Most bytes a client gzip_packed may inflate to. */
const MAX_INFLATED = 16 * 1024 * 1024;
/** Most messages a client container may hold (1020, plus acks and state requests). */
const MAX_CONTAINER_MESSAGES = 1024;
/** Most ids in msgs_ack, msgs_state_req and msg_resend_req. */
const MAX_IDS = 8192;

/**
 * Service messages whose seqno parity clients do not agree on; it is not checked.
 *
 * msgs_ack is among them. core.telegram.org/mtproto/description ("Content-related Message") says
 * acknowledgments are not content-related, so by the letter they carry an even seqno, and
 * /mtproto/service_messages_about_messages lists code 34 for an even seqno expected but odd received.
 * Telegram does not enforce it for acks: mtcute (packages/core/src/network/session-connection.ts)
 * writes its msgs_ack with the default content-related seqno (odd) through `writeMessage`, and works
 * against Telegram's servers. Refusing it would be stricter than Telegram (issue 12).
 */
const SERVICE_IDS = new Set<number>([
  ID.msgsAck,
  ID.ping,
  ID.pingDelayDisconnect,
  ID.getFutureSalts,
  ID.destroySession,
  ID.rpcDropAnswer,
  ID.msgsStateReq,
  ID.msgResendReq,
  ID.msgResendAnsReq,
  ID.httpWait,
  ID.msgsStateInfo,
  ID.msgsAllInfo,
  ID.msgDetailedInfo,
  ID.msgNewDetailedInfo,
  ID.gzipPacked,
]);

/** What message handling needs from the server. */
export interface ServerContext {
  readonly world: World;
  readonly keys: AuthKeyStore;
  /** The router. */
  handle(request: TlRequest, ctx: CallContext): Promise<unknown>;
  /** Forgets another session of the same auth key; false if there was none. */
  destroySession(authKey: AuthKeyRecord, sessionId: bigint): boolean;
  /** An API call that subscribes to updates came on this session: it is now its authorization's last active one. */
  activate(session: Session): void;
  /** Logs an error a handler threw that was not an RpcError. */
  reportUnexpected(err: unknown): void;
}

/** What message handling needs from the connection the message came on. */
export interface ConnectionControl {
  /** ping_delay_disconnect: close the connection after `seconds` unless another such ping comes. */
  disconnectAfter(seconds: number): void;
}

interface InnerMessage {
  msgId: bigint;
  seqNo: number;
  body: Buffer;
}

/** Handles decrypted messages for every session of a server. */
export class Inbound {
  constructor(private readonly server: ServerContext) {}

  /** Processes one decrypted message of `session`, whose outbox is the connection's. */
  receive(session: Session, msg: DecryptedMessage, conn: ConnectionControl): void {
    session.lastActive = Date.now();
    const isContainer = msg.body.length >= 4 && msg.body.readUInt32LE(0) === ID.msgContainer;
    const problem = clientMsgIdProblem(msg.msgId, Date.now());
    if (problem !== undefined) return this.reject(session, msg, problem);
    const verdict = session.received.check(msg.msgId, msg.seqNo, isContainer ? false : contentRelatedOf(msg.body), isContainer);
    if (verdict.kind === "duplicate") return;
    if (verdict.kind === "bad") return this.reject(session, msg, verdict.code);
    const keys = this.server.keys;
    if (!keys.acceptsSalt(session.authKey, msg.salt)) {
      session.outbox?.send(sm.badServerSalt(msg.msgId, msg.seqNo, keys.currentSalt(session.authKey)), KIND.serviceAnswer);
      return;
    }
    const messages = isContainer ? parseContainer(msg.body, msg.msgId) : [msg];
    if (!messages) return this.reject(session, msg, BAD_MSG.invalidContainer);
    session.received.record(msg.msgId, msg.seqNo);

    let lowest = msg.msgId;
    for (const m of messages) if (m.msgId < lowest) lowest = m.msgId;
    if (session.firstMsgId === undefined || lowest < session.firstMsgId) {
      session.firstMsgId = lowest;
      session.outbox?.send(sm.newSessionCreated(lowest, session.uniqueId, keys.currentSalt(session.authKey)), KIND.notice);
    }

    for (const m of messages) {
      if (isContainer) {
        const innerProblem = clientMsgIdProblem(m.msgId, Date.now());
        if (innerProblem !== undefined) {
          this.reject(session, m, innerProblem);
          continue;
        }
        const v = session.received.check(m.msgId, m.seqNo, contentRelatedOf(m.body), false);
        if (v.kind === "duplicate") continue;
        if (v.kind === "bad") {
          this.reject(session, m, v.code);
          continue;
        }
        session.received.record(m.msgId, m.seqNo);
      }
      if (m.seqNo & 1) session.pendingAcks.add(m.msgId);
      this.dispatch(session, m, conn);
    }
    session.outbox?.touch();
  }

  private reject(session: Session, m: InnerMessage, code: number): void {
    session.outbox?.send(sm.badMsgNotification(m.msgId, m.seqNo, code), KIND.serviceAnswer);
  }

  /** Sends the answer to client message `reqMsgId`, which also acknowledges it. */
  private answer(session: Session, reqMsgId: bigint, body: Buffer, kind: MessageKind): void {
    session.pendingAcks.delete(reqMsgId);
    session.outbox?.send(body, kind);
  }

  private dispatch(session: Session, m: InnerMessage, conn: ConnectionControl): void {
    const body = m.body;
    const id = body.length >= 4 ? body.readUInt32LE(0) : 0;
    const r = new TlReader(body, 4);
    try {
      switch (id) {
        case ID.msgsAck:
        case ID.httpWait:
        case ID.msgsStateInfo:
        case ID.msgsAllInfo:
        case ID.msgDetailedInfo:
        case ID.msgNewDetailedInfo:
          return;
        case ID.ping:
          return this.answer(session, m.msgId, sm.pong(m.msgId, r.long()), KIND.serviceAnswer);
        case ID.pingDelayDisconnect: {
          const pingId = r.long();
          conn.disconnectAfter(r.int());
          return this.answer(session, m.msgId, sm.pong(m.msgId, pingId), KIND.serviceAnswer);
        }
        case ID.getFutureSalts: {
          const keys = this.server.keys;
          const salts = keys.futureSalts(session.authKey, r.int());
          return this.answer(session, m.msgId, sm.futureSalts(m.msgId, keys.unixNow(), salts), KIND.serviceAnswer);
        }
        case ID.destroySession: {
          const id = r.long();
          const ok = id !== session.sessionId && this.server.destroySession(session.authKey, id);
          return this.answer(session, m.msgId, sm.destroySessionResult(ok, id), KIND.serviceAnswer);
        }
        case ID.msgsStateReq:
        case ID.msgResendAnsReq: {
          const info = Buffer.from(r.longVector(MAX_IDS).map((id) => session.received.state(id)));
          return this.answer(session, m.msgId, sm.msgsStateInfo(m.msgId, info), KIND.serviceAnswer);
        }
        case ID.msgResendReq: {
          // Sent messages are not kept, so nothing is known of them.
          const info = Buffer.alloc(r.longVector(MAX_IDS).length, MSG_STATE.unknown);
          return this.answer(session, m.msgId, sm.msgsStateInfo(m.msgId, info), KIND.serviceAnswer);
        }
        case ID.rpcDropAnswer: {
          const running = session.running.get(r.long());
          if (running) running.dropped = true;
          return this.answer(session, m.msgId, sm.rpcResult(m.msgId, sm.rpcDropAnswerResult(running !== undefined)), KIND.rpcAnswer);
        }
        case ID.gzipPacked: {
          const inner = inflate(r.bytes());
          const innerId = inner.length >= 4 ? inner.readUInt32LE(0) : 0;
          if (innerId === ID.gzipPacked || innerId === ID.msgContainer) throw new RpcError(400, "INPUT_FETCH_FAIL");
          return this.dispatch(session, { ...m, body: inner }, conn);
        }
        default:
          return this.call(session, m);
      }
    } catch (e) {
      // A request that cannot be decoded, or a cut-short service message.
      const error = e instanceof TlReadError ? new RpcError(400, "INPUT_FETCH_FAIL") : e;
      if (!(error instanceof RpcError)) throw error;
      return this.answer(session, m.msgId, sm.rpcResult(m.msgId, sm.rpcError(error.code, error.errorMessage)), KIND.rpcAnswer);
    }
  }

  private call(session: Session, m: InnerMessage): void {
    const layer = announcedLayer(m.body) ?? savedLayer(session);
    const call = unwrapCall(parseRequest(m.body, schemaForLayer(layer)));
    if (call.layer !== undefined) saveLayer(session, call.layer);
    if (call.client) session.client = call.client;
    const waitFor: Promise<void>[] = [];
    for (const id of call.after) {
      const before = session.running.get(id);
      if (before) waitFor.push(before.done);
    }
    let finished!: () => void;
    const running: RunningCall = { done: new Promise<void>((resolve) => (finished = resolve)), dropped: false };
    session.running.set(m.msgId, running);
    void this.execute(session, m.msgId, call, waitFor, running)
      .catch((e: unknown) => this.server.reportUnexpected(e))
      .finally(() => {
        session.running.delete(m.msgId);
        finished();
      });
  }

  private async execute(session: Session, msgId: bigint, call: UnwrappedCall, waitFor: Promise<void>[], running: RunningCall): Promise<void> {
    if (waitFor.length > 0) await Promise.all(waitFor);
    let result: Buffer;
    try {
      // Updates go "into the last active connection (except for connections needed for downloading /
      // uploading files)" (https://core.telegram.org/api/updates#subscribing-to-updates); invokeWithoutUpdates
      // invokes "without subscribing the used connection for updates (this is enabled by default for file
      // queries)" (https://core.telegram.org/method/invokeWithoutUpdates). Activated before the call and
      // again after it, so that a sign-in call's own session takes the account's updates at once.
      const subscribes = !call.withoutUpdates && !isFileQuery(call.query);
      if (subscribes) this.server.activate(session);
      const value = await this.server.handle(call.query, this.context(session));
      result = serializeResult(value, schemaOfSession(session));
      if (subscribes) this.server.activate(session);
    } catch (e) {
      const { code, message, unexpected } = errorFor(e);
      if (unexpected) this.server.reportUnexpected(e);
      result = sm.rpcError(code, message);
    }
    if (running.dropped) result = sm.rpcDropAnswerResult(true);
    session.pendingAcks.delete(msgId);
    const outbox = session.outbox;
    if (!outbox) return;
    if (result.length < GZIP_THRESHOLD) return outbox.send(sm.rpcResult(msgId, result), KIND.rpcAnswer);
    const fill = outbox.reserve(KIND.rpcAnswer);
    fill(sm.rpcResult(msgId, await packLarge(result)));
  }

  private context(session: Session): CallContext {
    const world = this.server.world;
    const authKeyId = session.authKey.idHex;
    return {
      world,
      authKeyId,
      sessionKey: session.key,
      userId: world.userOfKey(authKeyId),
      layer: session.layer,
      requireUser() {
        const id = world.userOfKey(authKeyId);
        const user = id === undefined ? undefined : world.users.get(id);
        if (!user) throw new RpcError(401, "AUTH_KEY_UNREGISTERED");
        return user;
      },
    };
  }
}

/**
 * Whether a client message must carry an odd seqno (true), an even one (false), or may carry
 * either (undefined): API calls are content-related, containers are not, and the service
 * messages of SERVICE_IDS (acks included) are left unchecked.
 */
function contentRelatedOf(body: Buffer): boolean | undefined {
  if (body.length < 4) return undefined;
  const id = body.readUInt32LE(0);
  if (id === ID.msgContainer) return false;
  return SERVICE_IDS.has(id) ? undefined : true;
}

/** upload.* (saveFilePart, getFile...): file queries, which never subscribe a connection to updates. */
function isFileQuery(query: TlRequest): boolean {
  return query.className.startsWith("upload.");
}

/** Inflates a client gzip_packed body; a broken or oversized stream is a 400 INPUT_FETCH_FAIL. */
function inflate(packed: Buffer): Buffer {
  try {
    return gunzipSync(packed, { maxOutputLength: MAX_INFLATED });
  } catch {
    throw new RpcError(400, "INPUT_FETCH_FAIL");
  }
}

/** Splits a client msg_container; undefined if it is malformed (bad_msg_notification 64). */
function parseContainer(body: Buffer, containerId: bigint): InnerMessage[] | undefined {
  try {
    const r = new TlReader(body, 4);
    const count = r.int();
    if (count < 0 || count > MAX_CONTAINER_MESSAGES) return undefined;
    const out: InnerMessage[] = [];
    for (let i = 0; i < count; i++) {
      const msgId = r.long();
      const seqNo = r.int();
      const length = r.int();
      if (length < 4 || length % 4 !== 0 || msgId >= containerId) return undefined;
      const inner = r.raw(length);
      if (inner.readUInt32LE(0) === ID.msgContainer) return undefined;
      out.push({ msgId, seqNo, body: inner });
    }
    return r.remaining === 0 ? out : undefined;
  } catch (e) {
    if (e instanceof TlReadError) return undefined;
    throw e;
  }
}
