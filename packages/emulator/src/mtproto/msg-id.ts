/**
 * Message identifiers (https://core.telegram.org/mtproto/description#message-identifier-msg-id):
 * roughly unixtime * 2^32, divisible by 4 from clients, 1 mod 4 for server responses and 3 mod 4
 * for other server messages, strictly increasing.
 */

/** bad_msg_notification codes about msg_id (https://core.telegram.org/mtproto/service_messages_about_messages). */
export const BAD_MSG = {
  msgIdTooLow: 16,
  msgIdTooHigh: 17,
  msgIdNotDivisibleBy4: 18,
  containerMsgIdReused: 19,
  msgIdTooOld: 20,
  seqNoTooLow: 32,
  seqNoTooHigh: 33,
  evenSeqNoExpected: 34,
  oddSeqNoExpected: 35,
  invalidContainer: 64,
} as const;

/** A client msg_id may be at most this far in the past... */
const MAX_PAST_SECONDS = 300n;
/** ...and this far in the future. */
const MAX_FUTURE_SECONDS = 30n;

/** Checks a client msg_id against the clock: undefined when acceptable, else the bad_msg code. */
export function clientMsgIdProblem(msgId: bigint, nowMs: number): number | undefined {
  if ((msgId & 3n) !== 0n) return BAD_MSG.msgIdNotDivisibleBy4;
  const now = (BigInt(nowMs) << 32n) / 1000n;
  if (msgId < now - (MAX_PAST_SECONDS << 32n)) return BAD_MSG.msgIdTooLow;
  if (msgId > now + (MAX_FUTURE_SECONDS << 32n)) return BAD_MSG.msgIdTooHigh;
  return undefined;
}

/** Generates the server's msg_ids: time-based and strictly increasing across the whole server. */
export class ServerMsgIds {
  private last = 0n;

  constructor(private readonly nowMs: () => number = Date.now) {}

  /** The next msg_id; `response` marks answers to client messages (1 mod 4), others get 3 mod 4. */
  next(response: boolean): bigint {
    const kind = response ? 1n : 3n;
    let id = ((BigInt(this.nowMs()) << 32n) / 1000n) & ~3n;
    if (id <= this.last) id = (this.last & ~3n) + 4n;
    id |= kind;
    this.last = id;
    return id;
  }
}
