/**
 * The last N client msg_ids of a session with their seqnos: duplicate detection and the seqno
 * consistency checks behind bad_msg_notification codes 19, 20 and 32-35
 * (https://core.telegram.org/mtproto/service_messages_about_messages).
 */
import { BAD_MSG } from "./msg-id.js";

/** The verdict on an incoming message: accept, ignore as a duplicate, or reject with a code. */
export type WindowVerdict = { kind: "ok" } | { kind: "duplicate" } | { kind: "bad"; code: number };

const OK: WindowVerdict = { kind: "ok" };
const DUPLICATE: WindowVerdict = { kind: "duplicate" };

/** Status bytes of msgs_state_info. */
export const MSG_STATE = {
  unknown: 1,
  notReceived: 2,
  notReceivedYet: 3,
  received: 4,
} as const;

/** The recent client msg_ids of a session, sorted, with their seqnos. */
export class ReceivedWindow {
  private readonly ids: bigint[] = [];
  private readonly seqNos: number[] = [];

  constructor(private readonly capacity = 1024) {}

  /**
   * Checks a message before it is accepted. `contentRelated` is true or false when the message's
   * kind fixes the seqno parity, undefined when either parity is fine.
   */
  check(msgId: bigint, seqNo: number, contentRelated: boolean | undefined, isContainer: boolean): WindowVerdict {
    const i = this.lowerBound(msgId);
    if (i < this.ids.length && this.ids[i] === msgId) {
      return isContainer ? { kind: "bad", code: BAD_MSG.containerMsgIdReused } : DUPLICATE;
    }
    if (i === 0 && this.ids.length >= this.capacity) return { kind: "bad", code: BAD_MSG.msgIdTooOld };
    const odd = (seqNo & 1) === 1;
    if (contentRelated === true && !odd) return { kind: "bad", code: BAD_MSG.oddSeqNoExpected };
    if (contentRelated === false && odd) return { kind: "bad", code: BAD_MSG.evenSeqNoExpected };
    if (i > 0) {
      const before = this.seqNos[i - 1];
      if (before > seqNo || (before === seqNo && odd)) return { kind: "bad", code: BAD_MSG.seqNoTooLow };
    }
    if (i < this.ids.length) {
      const after = this.seqNos[i];
      if (after < seqNo || (after === seqNo && odd)) return { kind: "bad", code: BAD_MSG.seqNoTooHigh };
    }
    return OK;
  }

  /** Remembers an accepted message, forgetting the lowest msg_id beyond capacity. */
  record(msgId: bigint, seqNo: number): void {
    const i = this.lowerBound(msgId);
    if (i < this.ids.length && this.ids[i] === msgId) return;
    this.ids.splice(i, 0, msgId);
    this.seqNos.splice(i, 0, seqNo);
    if (this.ids.length > this.capacity) {
      this.ids.shift();
      this.seqNos.shift();
    }
  }

  /** What the server knows of a client msg_id, as a msgs_state_info status byte. */
  state(msgId: bigint): number {
    if (this.ids.length === 0) return MSG_STATE.unknown;
    const i = this.lowerBound(msgId);
    if (i < this.ids.length && this.ids[i] === msgId) return MSG_STATE.received;
    if (i === 0) return MSG_STATE.unknown;
    if (i === this.ids.length) return MSG_STATE.notReceivedYet;
    return MSG_STATE.notReceived;
  }

  private lowerBound(msgId: bigint): number {
    const ids = this.ids;
    // Fast path: msg_ids almost always arrive in increasing order.
    if (ids.length === 0 || ids[ids.length - 1] < msgId) return ids.length;
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ids[mid] < msgId) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
