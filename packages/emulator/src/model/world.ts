/**
 * The emulator's model of Telegram: plain data in memory, no I/O. Method handlers
 * (methods/) read and change it; the MTProto server delivers what it pushes. The World holds the
 * records (records.ts) and the stores; the other model modules are functions over it.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { Api } from "telegram";
import { FileStore } from "./files.js";
import type { Authorization, ChatRecord, DcAddress, ExportedAuthorization, MessageBox, PeerRef, UserRecord } from "./records.js";
import { newBox } from "./records.js";
import type { VerifierCache } from "./srp.js";
import { UploadStore } from "./uploads.js";

/** Where to deliver updates: every connected session of userId except the one named. */
export type PushFn = (userId: number, updates: Api.TypeUpdates, exceptSessionKey?: string) => void;

/** A login code sent to a phone number (auth.sendCode). */
export interface SentCode {
  phone: string;
  code: string;
  expires: number;
  /** auth.signIn accepted the code for a number with no account: auth.signUp may follow. */
  verified: boolean;
}

/** A QR login token of an auth key (auth.exportLoginToken). */
export interface LoginToken {
  authKeyId: string;
  token: Buffer;
  expires: number;
  acceptedBy?: number;
}

/** Sign-ins under way (auth.ts). */
export interface LoginState {
  /** phone_code_hash to the code it stands for. */
  codes: Map<string, SentCode>;
  /** Phone to the last code sent to it, for the control API. */
  lastCodes: Map<string, string>;
  /** Auth keys that passed the code (or QR) step of an account with 2FA: key to user id. */
  awaitingPassword: Map<string, number>;
  /** Token (hex) to the QR login it belongs to. */
  tokens: Map<string, LoginToken>;
}

/** Where one copy of a private or basic-group message is: its owner's box and its id there. */
export interface MessageCopy {
  ownerId: number;
  id: number;
}

/** How far an account has read a dialog, and how far the other side has read its messages. */
export interface ReadMarks {
  inbox: number;
  outbox: number;
}

/** Private and basic-group messages across the common boxes: their copies, random_ids and read marks. */
export interface MessageLedger {
  /** The key the copies of the next message will share (MessageRecord.globalKey). */
  nextGlobalKey: number;
  /** globalKey to every stored copy of that message. */
  copies: Map<number, MessageCopy[]>;
  /** "userId:randomId" of every message sent through messages.sendMessage. */
  randomIds: Set<string>;
  /** "ownerId|peerKey" to the read marks of that dialog; absent until they first change. */
  reads: Map<string, ReadMarks>;
}

/** A callback query waiting for the bot's messages.setBotCallbackAnswer (callbacks.ts). */
export interface PendingCallback {
  botId: number;
  resolve: (answer: Api.messages.BotCallbackAnswer) => void;
}

export class World {
  readonly users = new Map<number, UserRecord>();
  readonly chats = new Map<number, ChatRecord>();
  /** Lower-case username to its owner, users and chats alike. */
  readonly usernames = new Map<string, PeerRef>();
  readonly phones = new Map<string, number>();
  /** Auth key id (hex) to the account signed in with it. Revoking deletes the entry. */
  readonly authorizations = new Map<string, Authorization>();
  /** Set by the server; until then updates go nowhere. */
  push: PushFn = () => {};
  /** Delivers to every session on one auth key, signed in or not (QR login's updateLoginToken);
   * set by the server. */
  pushToKey: (authKeyId: string, updates: Api.TypeUpdates) => void = () => {};
  /** Users with a connected session that takes updates; set by the server. Fan-out to big chats
   * iterates the smaller of this set and the member list. */
  onlineUsers: () => ReadonlySet<number> = () => new Set();
  /** Where clients reach the main DC (the ready line's port): help.getNearestDc uses it. */
  server = { dcId: 2, host: "127.0.0.1", port: 0 };
  /** Every DC the server listens for, main DC included (help.getConfig's dc_options); set by the server. */
  dcs: DcAddress[] = [];
  /** The DC an auth key belongs to (the one whose listener created it); set by the server. */
  dcOfKey: (authKeyId: string) => number | undefined = () => undefined;
  /** Accounts moved to another DC than their phone number's (dcs.ts moveAccount). */
  readonly homeDcs = new Map<number, number>();
  /** auth.exportAuthorization answers waiting to be imported, by their bytes (hex). */
  readonly exportedAuthorizations = new Map<string, ExportedAuthorization>();
  /** Server-side limits; tests and benchmarks may lower them to reach the edge cases quickly. */
  readonly limits = {
    /** channels.getParticipants: most rows one call returns. */
    participantsPerCall: 200,
    /** channels.getParticipants Recent in megagroups stops here, as on Telegram. */
    recentParticipantsCap: 10_000,
    /**
     * channels.getParticipants in a broadcast channel shows only this many of the newest subscribers, even
     * to its owner, in Recent and in every search (participants.ts).
     */
    broadcastParticipantsCap: 200,
    /** updates.getDifference: most new messages + other updates in one answer before differenceSlice. */
    differenceSlice: 1000,
    /** updates.getDifference: a pts gap larger than this answers differenceTooLong. */
    differenceTooLong: 1_000_000,
    /** qts events (bot updates) kept per account for updates.getDifference; older ones are forgotten. */
    qtsLogSize: 100_000,
    /** updates.getChannelDifference: a pts gap larger than this answers channelDifferenceTooLong. */
    channelDifferenceTooLong: 100_000,
    /** messages.getBotCallbackAnswer: how long to wait for the bot's answer before BOT_RESPONSE_TIMEOUT. */
    botCallbackTimeoutMs: 10_000,
    /** Uploaded parts held for all accounts; past it the least recently used uploads are dropped. */
    uploadBufferBytes: 64 * 1024 * 1024,
    /** Seconds an upload whose parts are not touched is kept. */
    uploadPartTtlSeconds: 3600,
    /** Bytes of sent files kept for upload.getFile; past it the oldest files' bytes are dropped. */
    storedFileBytes: 256 * 1024 * 1024,
    /** Seconds a file reference stays valid (FILE_REFERENCE_EXPIRED after). */
    fileReferenceTtlSeconds: 86_400,
  };
  /** Sign-ins under way: login codes, QR tokens, keys waiting for their 2FA password. */
  readonly login: LoginState = { codes: new Map(), lastCodes: new Map(), awaitingPassword: new Map(), tokens: new Map() };
  /** Private and basic-group messages across the common boxes. */
  readonly messageLedger: MessageLedger = { nextGlobalKey: 1, copies: new Map(), randomIds: new Set(), reads: new Map() };
  /** Callback queries waiting for their bot's answer, by query id. */
  readonly callbackQueries = new Map<string, PendingCallback>();
  /** SRP verifiers by password, so that accounts sharing a password spare PBKDF2 (srp.ts). */
  readonly passwordVerifiers: VerifierCache = new Map();
  /** The serial of the last phone number generated for a person created without one (users.ts). */
  phoneSerial = 0;
  /** The serial of the last +888 number given to a generated member (users.ts anonymousPhone). */
  anonymousPhoneSerial = 0;
  /** Uploaded file parts waiting to be used (upload.saveFilePart / saveBigFilePart). */
  readonly uploads = new UploadStore();
  /** Documents and photos messages carry. */
  readonly files: FileStore = new FileStore(this);
  /** Unix seconds; replaceable in tests. */
  now: () => number = () => Math.floor(Date.now() / 1000);

  private nextId = 1_000_000;
  private readonly secret: Buffer;

  constructor(secret: Buffer = randomBytes(32)) {
    this.secret = secret;
  }

  /** A fresh id for a user or a chat. */
  allocateId(): number {
    return this.nextId++;
  }

  /**
   * The access hash `viewerId` sees for a user or channel: stable, different for each viewer, so
   * a hash taken from another account's view is rejected, as on Telegram.
   */
  accessHash(viewerId: number, kind: "user" | "channel", id: number): bigint {
    const mac = createHmac("sha256", this.secret).update(`${viewerId}:${kind}:${id}`).digest();
    return mac.readBigInt64LE(0);
  }

  checkAccessHash(viewerId: number, kind: "user" | "channel", id: number, hash: bigint): boolean {
    return this.accessHash(viewerId, kind, id) === hash;
  }

  /** The common box (private chats and basic groups) of an account, created on first use. */
  boxOf(userId: number): MessageBox {
    const user = this.users.get(userId);
    if (!user) throw new Error(`no user ${userId}`);
    return (user.box ??= newBox());
  }

  /** The userId signed in on an auth key, if any. */
  userOfKey(authKeyId: string): number | undefined {
    return this.authorizations.get(authKeyId)?.userId;
  }

  /**
   * Forget the people and chats (control API POST /reset): users, chats, usernames, phones,
   * authorizations, uploads, files, sign-ins under way, the message ledger (copies, random_ids, read
   * marks), waiting callback queries and the phone serial; ids start again at 1,000,000, so nothing of
   * the old world may cling to a new account that gets an old id. Kept: the limits and the verifier
   * cache (keyed by password, it describes no account).
   */
  reset(): void {
    for (const store of [this.users, this.chats, this.usernames, this.phones, this.authorizations, this.uploads, this.files, this.callbackQueries])
      store.clear();
    this.homeDcs.clear();
    this.exportedAuthorizations.clear();
    for (const store of Object.values(this.login)) store.clear();
    const ledger = this.messageLedger;
    for (const store of [ledger.copies, ledger.randomIds, ledger.reads]) store.clear();
    ledger.nextGlobalKey = 1;
    this.phoneSerial = 0;
    this.anonymousPhoneSerial = 0;
    this.nextId = 1_000_000;
  }

  /** Revoke every authorization of a user: their keys answer AUTH_KEY_UNREGISTERED from now on. */
  revokeUser(userId: number): number {
    let n = 0;
    for (const [key, auth] of this.authorizations) {
      if (auth.userId === userId) {
        this.authorizations.delete(key);
        n++;
      }
    }
    return n;
  }
}
