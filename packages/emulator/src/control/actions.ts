/**
 * What each control API endpoint does, over the model, the router and the MTProto server. Input is
 * checked here, field by field, so that a wrong call says which field is wrong.
 */
import type { Api } from "telegram";
import { acceptLoginToken, lastLoginCode } from "../model/auth.js";
import { setBotPrivacy } from "../model/botPrivacy.js";
import { pressButton } from "../model/callbacks.js";
import { createChat } from "../model/chats.js";
import { DC_IDS, moveAccount } from "../model/dcs.js";
import { resetCommonPts } from "../model/difference.js";
import { fileNameOf, type StoredMedia } from "../model/files.js";
import { setMemberRole } from "../model/participants.js";
import type { MessageRecord, PeerRef, Role } from "../model/records.js";
import { seedMembers } from "../model/seed.js";
import { postMessage } from "../model/sending.js";
import { createUser } from "../model/users.js";
import type { World } from "../model/world.js";
import type { Router } from "../rpc/router.js";
import { errorCode } from "../rpc/router.js";
import { ControlError } from "./errors.js";
import { id, optBool, optId, optNumber, optStr, peerRef, str } from "./fields.js";

/** The parts of the emulator the control API drives. */
export interface ControlTargets {
  world: World;
  router: Router;
  server: { disconnectAll(): void; readonly connectionCount: number };
}

const ROLES: readonly Role[] = ["creator", "admin", "member", "restricted", "kicked", "left"];
const CHAT_TYPES = ["group", "supergroup", "channel"] as const;
/** The most messages one POST /messages/bulk takes. */
const MAX_BULK_MESSAGES = 10_000;

export type ControlActions = ReturnType<typeof controlActions>;

/** Build the endpoint implementations for one emulator. */
export function controlActions({ world, router, server }: ControlTargets) {
  const user = (userId: number) => {
    const u = world.users.get(userId);
    if (!u) throw new ControlError(`no user with id ${userId}`, 404);
    return u;
  };
  const chat = (chatId: number) => {
    const c = world.chats.get(chatId);
    if (!c) throw new ControlError(`no chat with id ${chatId}`, 404);
    return c;
  };
  const role = (b: Record<string, unknown>): Role => {
    const r = str(b, "role");
    if (!ROLES.includes(r as Role)) throw new ControlError(`role must be one of ${ROLES.join(", ")}`);
    return r as Role;
  };
  /** A simulated person's message as POST /messages takes it, checked. */
  const outgoing = (b: Record<string, unknown>) => {
    const fromId = user(id(b, "fromId")).id;
    const peer = peerRef(b, "peer");
    if (peer.type === "user") user(peer.id);
    else chat(peer.id);
    return { fromId, peer, text: str(b, "text"), replyToId: optId(b, "replyToId") };
  };

  return {
    createUser(b: Record<string, unknown>) {
      const u = createUser(world, {
        firstName: str(b, "firstName"),
        lastName: optStr(b, "lastName"),
        username: optStr(b, "username"),
        phone: optStr(b, "phone"),
        bot: optBool(b, "bot"),
        deleted: optBool(b, "deleted"),
        scam: optBool(b, "scam"),
        fake: optBool(b, "fake"),
        premium: optBool(b, "premium"),
        verified: optBool(b, "verified"),
        password: optStr(b, "password"),
        passwordHint: optStr(b, "passwordHint"),
        privacyMode: optBool(b, "privacyMode"),
        loginEmailRequired: optBool(b, "loginEmailRequired"),
      });
      return { id: String(u.id), phone: u.phone, botToken: u.botToken };
    },

    setBotPrivacy(botId: string, b: Record<string, unknown>) {
      const bot = user(Number(botId));
      if (!bot.bot) throw new ControlError(`user ${botId} is not a bot`);
      const enabled = optBool(b, "enabled");
      if (enabled === undefined) throw new ControlError("enabled must be true or false");
      setBotPrivacy(world, bot, enabled);
      return { ok: true };
    },

    createChat(b: Record<string, unknown>) {
      const type = str(b, "type");
      if (!CHAT_TYPES.includes(type as (typeof CHAT_TYPES)[number])) {
        throw new ControlError(`type must be one of ${CHAT_TYPES.join(", ")}`);
      }
      const creatorId = id(b, "creatorId");
      user(creatorId);
      const members = Array.isArray(b.members) ? (b.members as Record<string, unknown>[]) : [];
      const c = createChat(world, {
        type: type as (typeof CHAT_TYPES)[number],
        title: str(b, "title"),
        username: optStr(b, "username"),
        about: optStr(b, "about"),
        creatorId,
        participantsHidden: optBool(b, "participantsHidden"),
        members: members.map((m) => ({ userId: user(id(m, "userId")).id, role: role(m) })),
      });
      return { id: String(c.id) };
    },

    setMember(chatId: string, b: Record<string, unknown>) {
      const c = chat(Number(chatId));
      setMemberRole(world, c.id, user(id(b, "userId")).id, role(b), { actorId: optId(b, "actorId") });
      return { ok: true };
    },

    seedMembers(chatId: string, b: Record<string, unknown>) {
      const c = chat(Number(chatId));
      const count = optNumber(b, "count") ?? 0;
      if (!Number.isInteger(count) || count < 1) throw new ControlError("count must be a positive integer");
      return { added: seedMembers(world, c.id, count).length };
    },

    sendMessage(b: Record<string, unknown>) {
      const { fromId, peer, text, replyToId } = outgoing(b);
      const m = postMessage(world, fromId, peer, { text, replyToId });
      return { id: String(m.id) };
    },

    /** Many people's messages in one call, in the order given; every one is checked before any is sent. */
    sendMessages(b: Record<string, unknown>) {
      const list = b.messages;
      if (!Array.isArray(list) || list.length === 0 || list.length > MAX_BULK_MESSAGES) {
        throw new ControlError(`messages must be a list of 1 to ${MAX_BULK_MESSAGES} messages like POST /messages takes`);
      }
      const checked = list.map((item, n) => {
        if (typeof item !== "object" || item === null) throw new ControlError(`messages[${n}] must be an object like POST /messages takes`);
        return outgoing(item as Record<string, unknown>);
      });
      return { ids: checked.map(({ fromId, peer, text, replyToId }) => String(postMessage(world, fromId, peer, { text, replyToId }).id)) };
    },

    listMessages(q: URLSearchParams) {
      const type = q.get("peerType");
      const peerId = Number(q.get("peerId"));
      if (type !== "user" && type !== "chat" && type !== "channel") {
        throw new ControlError("peerType must be user, chat or channel");
      }
      if (!Number.isSafeInteger(peerId)) throw new ControlError("peerId must be a decimal id");
      const limit = Math.max(1, Math.min(10_000, Number(q.get("limit") ?? 100) || 100));
      const viewer = q.get("viewerId");
      return listMessages(world, { type, id: peerId }, viewer ? Number(viewer) : undefined, limit);
    },

    async pressButton(b: Record<string, unknown>) {
      const userId = user(id(b, "userId")).id;
      const peer = peerRef(b, "peer");
      const data = b.dataBase64 !== undefined ? Buffer.from(str(b, "dataBase64"), "base64") : Buffer.from(str(b, "data"));
      const answer = await pressButton(world, userId, peer, id(b, "messageId"), data);
      return { message: answer.message, alert: Boolean(answer.alert), url: answer.url };
    },

    loginCode(q: URLSearchParams) {
      const phone = (q.get("phone") ?? "").replace(/^\+/, "");
      if (!phone) throw new ControlError("phone is required");
      const code = lastLoginCode(world, phone);
      if (!code) throw new ControlError(`no login code was sent to ${phone}`, 404);
      return { phone, code };
    },

    acceptQr(b: Record<string, unknown>) {
      const userId = user(id(b, "userId")).id;
      acceptLoginToken(world, userId, Buffer.from(str(b, "token"), "base64url"));
      return { ok: true };
    },

    /** Moves an account to another DC: its calls on the old one answer USER_MIGRATE_X from now on (model/dcs.ts). */
    moveToDc(userId: string, b: Record<string, unknown>) {
      const u = user(Number(userId));
      const dcId = optNumber(b, "dcId");
      if (dcId === undefined || !DC_IDS.includes(dcId)) throw new ControlError(`dcId must be one of ${DC_IDS.join(", ")}`);
      const previousDcId = moveAccount(world, u, dcId);
      return { id: String(u.id), dcId, previousDcId };
    },

    revoke(b: Record<string, unknown>) {
      return { revoked: world.revokeUser(user(id(b, "userId")).id) };
    },

    /** A server-side reset of an account's common pts (difference.ts resetCommonPts). */
    setPts(userId: string, b: Record<string, unknown>) {
      const u = user(Number(userId));
      const pts = optNumber(b, "pts");
      if (pts === undefined || !Number.isInteger(pts) || pts < 1 || pts > 2 ** 31 - 1) throw new ControlError("pts must be an integer from 1 to 2147483647");
      resetCommonPts(world, u.id, pts, optBool(b, "notify"));
      return { pts };
    },

    disconnect() {
      const dropped = server.connectionCount;
      server.disconnectAll();
      return { dropped };
    },

    addFault(b: Record<string, unknown>) {
      const error = str(b, "error");
      const count = optNumber(b, "count") ?? 1;
      if (!Number.isInteger(count) || count < 1) throw new ControlError("count must be a positive integer");
      router.addFault({ method: optStr(b, "method"), error, code: optNumber(b, "code") ?? errorCode(error), count });
      return { ok: true };
    },

    setFloodLimit(b: Record<string, unknown>) {
      const method = optStr(b, "method");
      if (optBool(b, "off")) router.setFloodLimit(method, null);
      else {
        const ratePerSecond = optNumber(b, "ratePerSecond");
        const burst = optNumber(b, "burst") ?? 1;
        if (!ratePerSecond || ratePerSecond <= 0) throw new ControlError("ratePerSecond must be a positive number");
        router.setFloodLimit(method, { ratePerSecond, burst });
      }
      return { ok: true };
    },

    setLatency(b: Record<string, unknown>) {
      const ms = optNumber(b, "ms") ?? 0;
      if (ms < 0) throw new ControlError("ms must be zero or more");
      router.latencyMs = ms;
      return { ok: true };
    },

    setLimits(b: Record<string, unknown>) {
      for (const [key, value] of Object.entries(b)) {
        if (!(key in world.limits)) throw new ControlError(`unknown limit ${key}; known: ${Object.keys(world.limits).join(", ")}`);
        if (typeof value !== "number" || value < 1) throw new ControlError(`${key} must be a positive number`);
        (world.limits as Record<string, number>)[key] = value;
      }
      return { limits: world.limits };
    },

    stats() {
      return { rpc: Object.fromEntries(router.stats), connections: server.connectionCount };
    },

    reset() {
      server.disconnectAll();
      router.reset();
      world.reset();
      return { ok: true };
    },
  };
}

/** Messages of one chat, newest first, in the shape the control API returns. */
function listMessages(world: World, peer: PeerRef, viewerId: number | undefined, limit: number) {
  let records: MessageRecord[];
  if (peer.type === "channel") {
    const c = world.chats.get(peer.id);
    records = c?.box ? [...c.box.messages.values()] : [];
  } else if (peer.type === "chat") {
    const c = world.chats.get(peer.id);
    if (!c) throw new ControlError(`no chat with id ${peer.id}`, 404);
    const owner = world.users.get(viewerId ?? c.creatorId);
    records = [...(owner?.box?.messages.values() ?? [])].filter((m) => m.peer.type === "chat" && m.peer.id === peer.id);
  } else if (viewerId !== undefined) {
    const owner = world.users.get(viewerId);
    records = [...(owner?.box?.messages.values() ?? [])].filter((m) => m.peer.type === "user" && m.peer.id === peer.id);
  } else {
    const owner = world.users.get(peer.id);
    records = [...(owner?.box?.messages.values() ?? [])].filter((m) => m.peer.type === "user");
  }
  return records
    .sort((a, b) => b.id - a.id)
    .slice(0, limit)
    .map((m) => ({
      id: String(m.id),
      fromId: String(m.fromId),
      peerId: String(m.peer.id),
      text: m.text,
      date: m.date,
      ...(m.replyToId !== undefined && { replyToId: String(m.replyToId) }),
      ...(m.editDate !== undefined && { editDate: m.editDate }),
      ...(m.replyMarkup && { buttons: inlineButtons(m.replyMarkup) }),
      ...(m.replyMarkup?.className === "ReplyKeyboardForceReply" && { forceReply: { selective: m.replyMarkup.selective === true } }),
      ...(m.media && { media: mediaSummary(m.media) }),
    }));
}

/** What a message's document or photo is, for tests to check what arrived. */
function mediaSummary(media: StoredMedia) {
  if (media.kind === "photo") return { kind: media.kind, size: media.size, sha256: media.sha256, width: media.width, height: media.height };
  const fileName = fileNameOf(media);
  return { kind: media.kind, ...(fileName !== undefined && { fileName }), mimeType: media.mimeType, size: media.size, sha256: media.sha256 };
}

/** Inline keyboard rows as [{text, data}] with data as UTF-8 text, for tests to press. */
function inlineButtons(markup: Api.TypeReplyMarkup) {
  if (markup.className !== "ReplyInlineMarkup") return undefined;
  return markup.rows.map((row) =>
    row.buttons.map((button) => ({
      text: button.text,
      ...("data" in button && button.data ? { data: Buffer.from(button.data).toString("utf8") } : {}),
    })),
  );
}
