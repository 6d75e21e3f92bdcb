/**
 * A client session (auth key + session_id, https://core.telegram.org/mtproto/description#session):
 * its seqno counter, the client msg_ids it has seen, its running calls and where to reach it.
 * Sessions outlive connections; a reconnecting client with the same session_id finds it again.
 */
import { randomBytes } from "node:crypto";
import type { AuthKeyRecord } from "./auth-keys.js";
import { KeptUpdates } from "./kept-updates.js";
import type { Outbox } from "./outbox.js";
import { ReceivedWindow } from "./received-window.js";
import type { ClientInfo } from "./rpc.js";

/** A call being processed, so invokeAfterMsg can wait for it and rpc_drop_answer can drop it. */
export interface RunningCall {
  done: Promise<void>;
  dropped: boolean;
}

/** The server's state of one client session. */
export class Session {
  /** authKeyId + ":" + session_id: how CallContext and pushes name the session. */
  readonly key: string;
  /** unique_id of new_session_created, fresh for every (re)created session. */
  readonly uniqueId = randomBytes(8).readBigInt64LE(0);
  readonly received = new ReceivedWindow();
  /** Content-related client messages not yet acknowledged by an answer. */
  readonly pendingAcks = new Set<bigint>();
  readonly running = new Map<bigint, RunningCall>();
  /** The lowest client msg_id announced in new_session_created; undefined before the first. */
  firstMsgId: bigint | undefined;
  /** Layer declared by invokeWithLayer (0 until then). */
  layer = 0;
  /** What initConnection said about the app. */
  client: ClientInfo | undefined;
  /** Updates meant for this session while it has no connection (see kept-updates.ts). */
  readonly kept = new KeptUpdates();
  /** The outbox of the most recent live connection carrying the session. */
  outbox: Outbox | undefined;
  /** Unix ms of the last message in either direction, to forget idle sessions. */
  lastActive = Date.now();
  private contentSent = 0;

  constructor(
    readonly authKey: AuthKeyRecord,
    readonly sessionId: bigint,
  ) {
    this.key = `${authKey.idHex}:${sessionId}`;
  }

  /** The seqno of the next server message: twice the content-related messages sent before, plus one if this one is. */
  nextSeqNo(contentRelated: boolean): number {
    if (!contentRelated) return this.contentSent * 2;
    return this.contentSent++ * 2 + 1;
  }
}
