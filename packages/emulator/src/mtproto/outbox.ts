/**
 * A connection's outgoing messages. Messages are queued in order (a slot may be reserved and
 * filled later, e.g. after gzip), numbered when flushed so msg_ids and seqnos follow the sending
 * order, packed into msg_container when several are ready, acknowledgments of unanswered client
 * messages added, and encrypted once per packet.
 */

import type { AuthKeyRecord } from "./auth-keys.js";
import { encryptMessage } from "./crypto/message.js";
import type { ServerMsgIds } from "./msg-id.js";
import { type ContainerItem, msgContainer, msgsAck } from "./service-messages.js";

/** How a server message counts: content-related messages take odd seqnos; responses get msg_id 1 mod 4. */
export interface MessageKind {
  contentRelated: boolean;
  response: boolean;
}

/** The kinds of server messages sent in a session. */
export const KIND = {
  /** Answers that need no acknowledgment: pong, bad_msg_notification, future_salts, msgs_state_info... */
  serviceAnswer: { contentRelated: false, response: true },
  /** rpc_result. */
  rpcAnswer: { contentRelated: true, response: true },
  /** new_session_created and updates. */
  notice: { contentRelated: true, response: false },
} as const satisfies Record<string, MessageKind>;

/** What an outbox needs of the session it sends in (session.ts's Session). */
export interface OutboxSession {
  readonly authKey: Pick<AuthKeyRecord, "key" | "id">;
  readonly sessionId: bigint;
  /** Client msg_ids to acknowledge with the next packet. */
  readonly pendingAcks: Set<bigint>;
  lastActive: number;
  nextSeqNo(contentRelated: boolean): number;
}

/** Containers stay within 2^15 bytes of messages... */
const MAX_CONTAINER_BYTES = 1 << 15;
/** ...and this many messages (https://core.telegram.org/mtproto/service_messages#simple-container). */
const MAX_CONTAINER_MESSAGES = 1020;
/** msgs_ack carries at most this many ids. */
const MAX_ACK_IDS = 8192;

const ACK_KIND: MessageKind = { contentRelated: false, response: true };
const CONTAINER_KIND: MessageKind = { contentRelated: false, response: false };

interface Slot {
  body: Buffer | undefined;
  kind: MessageKind;
}

/** The ordered, batching queue of one connection's outgoing messages. */
export class Outbox {
  private readonly slots: Slot[] = [];
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly session: OutboxSession,
    private readonly msgIds: ServerMsgIds,
    private readonly salt: () => bigint,
    private readonly write: (packet: Buffer) => void,
  ) {}

  /** Queues a ready message. */
  send(body: Buffer, kind: MessageKind): void {
    this.slots.push({ body, kind });
    this.schedule();
  }

  /** Reserves the next place in the queue; later messages wait until the returned function fills it. */
  reserve(kind: MessageKind): (body: Buffer) => void {
    const slot: Slot = { body: undefined, kind };
    this.slots.push(slot);
    return (body) => {
      slot.body = body;
      this.schedule();
    };
  }

  /** Asks for a flush soon (acknowledgments of newly received messages). */
  touch(): void {
    this.schedule();
  }

  /** Drops everything; later sends are ignored. */
  close(): void {
    this.closed = true;
    this.slots.length = 0;
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    if (this.closed) return;
    let ready = 0;
    while (ready < this.slots.length && this.slots[ready].body !== undefined) ready++;
    const batch = this.slots.splice(0, ready) as { body: Buffer; kind: MessageKind }[];
    const acks = this.session.pendingAcks;
    if (acks.size > 0) {
      const ids = [...acks].slice(0, MAX_ACK_IDS);
      for (const id of ids) acks.delete(id);
      batch.push({ body: msgsAck(ids), kind: ACK_KIND });
      if (acks.size > 0) this.schedule();
    }
    if (batch.length === 0) return;
    this.session.lastActive = Date.now();

    let group: ContainerItem[] = [];
    let groupBytes = 0;
    for (const { body, kind } of batch) {
      if (group.length > 0 && (groupBytes + body.length + 16 > MAX_CONTAINER_BYTES || group.length === MAX_CONTAINER_MESSAGES)) {
        this.sendGroup(group);
        group = [];
        groupBytes = 0;
      }
      group.push({ msgId: this.msgIds.next(kind.response), seqNo: this.session.nextSeqNo(kind.contentRelated), body });
      groupBytes += body.length + 16;
    }
    this.sendGroup(group);
  }

  private sendGroup(group: ContainerItem[]): void {
    if (group.length === 1) return this.sendPacket(group[0]);
    this.sendPacket({
      msgId: this.msgIds.next(CONTAINER_KIND.response),
      seqNo: this.session.nextSeqNo(CONTAINER_KIND.contentRelated),
      body: msgContainer(group),
    });
  }

  private sendPacket(m: ContainerItem): void {
    const { authKey, sessionId } = this.session;
    this.write(encryptMessage(authKey.key, authKey.id, { salt: this.salt(), sessionId, msgId: m.msgId, seqNo: m.seqNo }, m.body));
  }
}
