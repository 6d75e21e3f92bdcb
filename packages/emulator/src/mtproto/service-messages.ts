/**
 * Serializers for what the server sends at the MTProto layer
 * (https://core.telegram.org/mtproto/service_messages and ..._about_messages).
 */

import { TlWriter } from "../tl/primitives.js";
import type { FutureSalt } from "./salts.js";
import { ID } from "./tl-ids.js";

/** rpc_result#f35c6d01 req_msg_id:long result:Object */
export function rpcResult(reqMsgId: bigint, result: Buffer): Buffer {
  return new TlWriter(12 + result.length).uint(ID.rpcResult).long(reqMsgId).raw(result).finish();
}

/** rpc_error#2144ca19 error_code:int error_message:string */
export function rpcError(code: number, message: string): Buffer {
  return new TlWriter(16 + message.length).uint(ID.rpcError).int(code).bytes(message).finish();
}

/** pong#347773c5 msg_id:long ping_id:long */
export function pong(msgId: bigint, pingId: bigint): Buffer {
  return new TlWriter(20).uint(ID.pong).long(msgId).long(pingId).finish();
}

/** bad_msg_notification#a7eff811 bad_msg_id:long bad_msg_seqno:int error_code:int */
export function badMsgNotification(badMsgId: bigint, badSeqNo: number, code: number): Buffer {
  return new TlWriter(20).uint(ID.badMsgNotification).long(badMsgId).int(badSeqNo).int(code).finish();
}

/** bad_server_salt#edab447b bad_msg_id:long bad_msg_seqno:int error_code:int new_server_salt:long (error_code 48) */
export function badServerSalt(badMsgId: bigint, badSeqNo: number, newSalt: bigint): Buffer {
  return new TlWriter(28).uint(ID.badServerSalt).long(badMsgId).int(badSeqNo).int(48).long(newSalt).finish();
}

/** new_session_created#9ec20908 first_msg_id:long unique_id:long server_salt:long */
export function newSessionCreated(firstMsgId: bigint, uniqueId: bigint, salt: bigint): Buffer {
  return new TlWriter(28).uint(ID.newSessionCreated).long(firstMsgId).long(uniqueId).long(salt).finish();
}

/** msgs_ack#62d6b459 msg_ids:Vector<long> */
export function msgsAck(ids: readonly bigint[]): Buffer {
  return new TlWriter(12 + ids.length * 8).uint(ID.msgsAck).longVector(ids).finish();
}

/** future_salts#ae500895 req_msg_id:long now:int salts:vector<future_salt> (a bare vector of bare future_salt) */
export function futureSalts(reqMsgId: bigint, now: number, salts: readonly FutureSalt[]): Buffer {
  const w = new TlWriter(20 + salts.length * 16).uint(ID.futureSalts).long(reqMsgId).int(now).int(salts.length);
  for (const s of salts) w.int(s.validSince).int(s.validUntil).long(s.salt);
  return w.finish();
}

/** msgs_state_info#04deb57d req_msg_id:long info:string */
export function msgsStateInfo(reqMsgId: bigint, info: Buffer): Buffer {
  return new TlWriter(16 + info.length).uint(ID.msgsStateInfo).long(reqMsgId).bytes(info).finish();
}

/** destroy_session_ok#e22045fc / destroy_session_none#62d350c9 session_id:long */
export function destroySessionResult(ok: boolean, sessionId: bigint): Buffer {
  return new TlWriter(12)
    .uint(ok ? ID.destroySessionOk : ID.destroySessionNone)
    .long(sessionId)
    .finish();
}

/** rpc_answer_unknown#5e2ad36e or rpc_answer_dropped_running#cd78e586 */
export function rpcDropAnswerResult(running: boolean): Buffer {
  return new TlWriter(4).uint(running ? ID.rpcAnswerDroppedRunning : ID.rpcAnswerUnknown).finish();
}

/** gzip_packed#3072cfa1 packed_data:string */
export function gzipPacked(packed: Buffer): Buffer {
  return new TlWriter(8 + packed.length).uint(ID.gzipPacked).bytes(packed).finish();
}

/** One message inside a container. */
export interface ContainerItem {
  msgId: bigint;
  seqNo: number;
  body: Buffer;
}

/** msg_container#73f1f8dc messages:vector<%Message>, each message msg_id:long seqno:int bytes:int body */
export function msgContainer(items: readonly ContainerItem[]): Buffer {
  let size = 8;
  for (const m of items) size += 16 + m.body.length;
  const w = new TlWriter(size).uint(ID.msgContainer).int(items.length);
  for (const m of items) w.long(m.msgId).int(m.seqNo).int(m.body.length).raw(m.body);
  return w.finish();
}
