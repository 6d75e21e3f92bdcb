/**
 * A typed client for the emulator's control API (HTTP JSON on 127.0.0.1), used by tests,
 * benchmarks and the demo to seed the world and act as simulated people.
 */

export type PeerType = "user" | "chat" | "channel";
export type Role = "creator" | "admin" | "member" | "restricted" | "kicked" | "left";

export interface ControlMessage {
  id: string;
  fromId: string;
  peerId: string;
  text: string;
  date: number;
  replyToId?: string;
  editDate?: number;
  buttons?: { text: string; data?: string }[][];
  /** The message asks for a reply (force_reply markup); selective: only of the people it replies to or mentions. */
  forceReply?: { selective: boolean };
  /** A document or photo the message carries (its text is then the caption). */
  media?: ControlMedia;
}

/** A message's document or photo as the control API describes it. */
export interface ControlMedia {
  kind: "document" | "photo";
  /** Documents: from documentAttributeFilename. */
  fileName?: string;
  /** Documents. */
  mimeType?: string;
  /** Bytes. */
  size: number;
  /** Hex SHA-256 of the content. */
  sha256: string;
  /** Photos: pixels. */
  width?: number;
  height?: number;
}

/** Thrown when the control API answers with an error status. */
export class ControlApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ControlApiError";
  }
}

export class ControlClient {
  constructor(readonly baseUrl: string) {}

  /** Call an endpoint; resolves to its JSON answer or throws ControlApiError. */
  async call<T = Record<string, unknown>>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new ControlApiError(res.status, `${method} ${path}: ${json.error ?? res.statusText}`);
    return json;
  }

  createUser(spec: {
    firstName: string;
    lastName?: string;
    username?: string;
    phone?: string;
    bot?: boolean;
    deleted?: boolean;
    scam?: boolean;
    premium?: boolean;
    password?: string;
    passwordHint?: string;
    /** Bots: privacy mode, on by default. */
    privacyMode?: boolean;
    /** People: auth.sendCode answers sentCodeTypeSetUpEmailRequired. */
    loginEmailRequired?: boolean;
  }) {
    return this.call<{ id: string; phone?: string; botToken?: string }>("POST", "/users", spec);
  }

  /** Turn a bot's privacy mode on or off (groups it is in keep the old setting until it is re-added, as on Telegram). */
  setBotPrivacy(botId: string, enabled: boolean) {
    return this.call<{ ok: true }>("POST", `/bots/${botId}/privacy`, { enabled });
  }

  createChat(spec: {
    type: "group" | "supergroup" | "channel";
    title: string;
    username?: string;
    creatorId: string;
    participantsHidden?: boolean;
    members?: { userId: string; role: Role }[];
  }) {
    return this.call<{ id: string }>("POST", "/chats", spec);
  }

  setMember(chatId: string, userId: string, role: Role) {
    return this.call("POST", `/chats/${chatId}/members`, { userId, role });
  }

  seedMembers(chatId: string, count: number) {
    return this.call<{ added: number }>("POST", `/chats/${chatId}/seed`, { count });
  }

  sendMessage(fromId: string, peer: { type: PeerType; id: string }, text: string, replyToId?: string) {
    return this.call<{ id: string }>("POST", "/messages", { fromId, peer, text, replyToId });
  }

  /** Many people's messages in one call (in order; at most 10,000); their ids. */
  async sendMessages(messages: readonly { fromId: string; peer: { type: PeerType; id: string }; text: string; replyToId?: string }[]) {
    return (await this.call<{ ids: string[] }>("POST", "/messages/bulk", { messages })).ids;
  }

  messages(peerType: PeerType, peerId: string, options: { limit?: number; viewerId?: string } = {}) {
    const q = new URLSearchParams({ peerType, peerId, limit: String(options.limit ?? 100) });
    if (options.viewerId) q.set("viewerId", options.viewerId);
    return this.call<ControlMessage[]>("GET", `/messages?${q}`);
  }

  pressButton(userId: string, peer: { type: PeerType; id: string }, messageId: string, data: string) {
    return this.call<{ message?: string; alert: boolean; url?: string }>("POST", "/buttons/press", {
      userId,
      peer,
      messageId,
      data,
    });
  }

  loginCode(phone: string) {
    return this.call<{ phone: string; code: string }>("GET", `/login-code?phone=${encodeURIComponent(phone)}`);
  }

  acceptQr(userId: string, token: Buffer) {
    return this.call("POST", "/qr/accept", { userId, token: token.toString("base64url") });
  }

  /** Moves an account to another DC (POST /users/:id/dc): its calls on the old DC answer USER_MIGRATE_X from then on. */
  moveToDc(userId: string, dcId: number) {
    return this.call<{ id: string; dcId: number; previousDcId: number }>("POST", `/users/${userId}/dc`, { dcId });
  }

  revokeSessions(userId: string) {
    return this.call<{ revoked: number }>("POST", "/sessions/revoke", { userId });
  }

  /** Resets (or sets) an account's common pts server-side; with `notify` its online sessions get updatePtsChanged. */
  setPts(userId: string, pts: number, notify?: boolean) {
    return this.call<{ pts: number }>("POST", `/users/${userId}/pts`, { pts, notify });
  }

  disconnect() {
    return this.call<{ dropped: number }>("POST", "/disconnect");
  }

  addFault(fault: { method?: string; error: string; count?: number }) {
    return this.call("POST", "/faults", fault);
  }

  setFloodLimit(limit: { method?: string; ratePerSecond?: number; burst?: number; off?: boolean }) {
    return this.call("POST", "/flood-limits", limit);
  }

  setLatency(ms: number) {
    return this.call("POST", "/latency", { ms });
  }

  setLimits(limits: Record<string, number>) {
    return this.call("POST", "/limits", limits);
  }

  stats() {
    return this.call<{ rpc: Record<string, number>; connections: number }>("GET", "/stats");
  }

  reset() {
    return this.call("POST", "/reset");
  }
}
