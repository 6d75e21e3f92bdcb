/**
 * One client TCP connection: transport framing, plain messages (auth key creation), encrypted
 * messages (auth key lookup, decryption, session binding) and the connection's outbox. Anything
 * wrong at the packet level closes this connection only.
 */
import type { Socket } from "node:net";
import type { AuthKeyRecord, AuthKeyStore } from "./auth-keys.js";
import { CLIENT_TO_SERVER, decryptMessage } from "./crypto/message.js";
import type { RsaServerKey } from "./crypto/rsa.js";
import { Handshake } from "./handshake.js";
import type { ConnectionControl, Inbound } from "./inbound.js";
import type { ServerMsgIds } from "./msg-id.js";
import { Outbox } from "./outbox.js";
import type { Session } from "./session.js";
import type { Frame } from "./transport/codecs.js";
import { Framer } from "./transport/framer.js";

/** What a connection needs from the server. */
export interface ConnectionDeps {
  keys: AuthKeyStore;
  rsa: RsaServerKey;
  msgIds: ServerMsgIds;
  inbound: Inbound;
  maxPacket: number;
  dcId(): number;
  /** The session (auth key, session_id), created on first use. */
  sessionFor(authKey: AuthKeyRecord, sessionId: bigint): Session;
  /** The session now goes out through this connection's outbox (updates it kept are sent). */
  attached(session: Session, outbox: Outbox): void;
  reportUnexpected(err: unknown): void;
  onClose(conn: Connection): void;
}

/** auth_key_id 0 + msg_id + message_data_length: the header of a plain message. */
const PLAIN_HEADER = 20;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** One client TCP connection. */
export class Connection implements ConnectionControl {
  private readonly framer: Framer;
  private handshake: Handshake | undefined;
  private session: Session | undefined;
  private outbox: Outbox | undefined;
  /** Set once the connection is being closed: no more input is processed. */
  private closing = false;
  private disconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly deps: ConnectionDeps,
  ) {
    this.framer = new Framer(deps.maxPacket);
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", () => this.destroy());
    socket.on("close", () => this.cleanup());
  }

  /** Closes the connection now. */
  destroy(): void {
    this.closing = true;
    this.socket.destroy();
  }

  /** ping_delay_disconnect: close after `seconds` unless renewed; a non-positive delay cancels. */
  disconnectAfter(seconds: number): void {
    clearTimeout(this.disconnectTimer);
    // setTimeout cannot wait longer than 2^31-1 ms (about 24 days); longer delays are capped there.
    const ms = Math.min(seconds * 1000, MAX_TIMER_MS);
    this.disconnectTimer = seconds > 0 ? setTimeout(() => this.destroy(), ms).unref() : undefined;
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    let frames: Frame[];
    try {
      frames = this.framer.push(chunk);
    } catch {
      return this.destroy();
    }
    for (const frame of frames) {
      if (this.closing) return;
      try {
        this.onPacket(frame);
      } catch (e) {
        this.deps.reportUnexpected(e);
        return this.destroy();
      }
    }
  }

  private onPacket(frame: Frame): void {
    const packet = frame.payload;
    if (packet.length < 8) return this.destroy();
    if (packet.readBigUInt64LE(0) === 0n) this.onPlain(packet);
    else this.onEncrypted(frame);
  }

  /** A plain message: only the auth key creation protocol travels unencrypted. */
  private onPlain(packet: Buffer): void {
    if (packet.length < PLAIN_HEADER) return this.destroy();
    const length = packet.readInt32LE(16);
    const end = PLAIN_HEADER + length;
    if (length < 0 || end > packet.length || (!this.framer.padded && end !== packet.length)) return this.destroy();
    this.handshake ??= new Handshake({ rsa: this.deps.rsa, keys: this.deps.keys, dcId: this.deps.dcId });
    const outcome = this.handshake.handle(packet.subarray(PLAIN_HEADER, end));
    if (outcome.kind === "close") return this.destroy();
    if (outcome.kind === "transportError") return this.write(transportError(outcome.code));
    const out = Buffer.allocUnsafe(PLAIN_HEADER + outcome.body.length);
    out.writeBigInt64LE(0n, 0);
    out.writeBigInt64LE(this.deps.msgIds.next(true), 8);
    out.writeInt32LE(outcome.body.length, 16);
    outcome.body.copy(out, PLAIN_HEADER);
    this.write(out);
  }

  private onEncrypted(frame: Frame): void {
    const packet = frame.payload;
    const found = this.deps.keys.get(packet.subarray(0, 8));
    // A key of another DC is unknown here (auth-keys.ts, AuthKeyRecord.dcId).
    const record = found?.dcId === undefined || found.dcId === this.deps.dcId() ? found : undefined;
    if (!record) {
      // As Telegram does for an unknown auth key: transport error -404, then close.
      this.write(transportError(404));
      this.closing = true;
      this.socket.destroySoon();
      return;
    }
    if (this.session && this.session.authKey !== record) return this.destroy();
    const msg = decryptMessage(record.key, packet, CLIENT_TO_SERVER, this.framer.padded);
    if (!msg) return this.destroy();
    if (frame.quickAck) {
      const ack = this.framer.encodeQuickAck((msg.msgKeyLarge.readUInt32LE(0) | 0x80000000) >>> 0);
      if (ack) this.socket.write(ack);
    }
    if (!this.session) {
      const session = this.deps.sessionFor(record, msg.sessionId);
      this.session = session;
      this.outbox = new Outbox(
        session,
        this.deps.msgIds,
        () => this.deps.keys.currentSalt(record),
        (p) => this.write(p),
      );
    } else if (this.session.sessionId !== msg.sessionId) {
      return this.destroy();
    }
    if (this.session.outbox !== this.outbox) {
      this.session.outbox = this.outbox;
      if (this.outbox) this.deps.attached(this.session, this.outbox);
    }
    this.deps.inbound.receive(this.session, msg, this);
  }

  private write(packet: Buffer): void {
    if (this.socket.destroyed) return;
    this.socket.write(this.framer.encode(packet));
  }

  private cleanup(): void {
    this.closing = true;
    clearTimeout(this.disconnectTimer);
    this.outbox?.close();
    if (this.session && this.session.outbox === this.outbox) this.session.outbox = undefined;
    this.deps.onClose(this);
  }
}

/** A transport error packet: the negative code as a 4-byte little-endian int. */
function transportError(code: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32LE(-code, 0);
  return b;
}
