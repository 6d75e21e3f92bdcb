/**
 * The GramJS side of an audit: resolving and checking the chat, the member list of a basic group,
 * and channels.getParticipants pages as plain rows.
 *
 * Pages go through sendUncached (telegram/internals.ts): straight to GramJS's MTProto sender, without
 * the entity bookkeeping of `client.invoke` that would grow with the group, read with 64-bit integers
 * taken straight from the buffer, and with rows built while the answer is read, so no Api object
 * outlives its page.
 */
import bigInt from "big-integer";
import { Api, type TelegramClient } from "telegram";
import { rpcErrorName } from "../errors.js";
import { sendUncached } from "../telegram/internals.js";
import { describePeerInput, type PeerInput, resolvePeer } from "../telegram/peers.js";
import { AuditError } from "./errors.js";
import type { PageResult, ParticipantsSource } from "./fetcher.js";
import { memberFromChannelParticipant, memberFromChatParticipant, usersById } from "./member.js";
import type { PageTask, ParticipantFilter } from "./plan.js";
import { type AuditTarget, chatName, type MemberRow } from "./types.js";

/** A page that got no answer in time (retried as a transient error). */
export class PageTimeoutError extends Error {
  override name = "PageTimeoutError";
}

/** A channels.getParticipants answer as a page of rows, built while the answer is read. */
function pageOf(answer: unknown): PageResult {
  if (!(answer instanceof Api.channels.ChannelParticipants)) return { count: 0, rows: [] };
  const users = usersById(answer.users);
  const now = Math.floor(Date.now() / 1000);
  const rows: MemberRow[] = [];
  for (const participant of answer.participants) {
    const row = memberFromChannelParticipant(participant, users, now);
    if (row) rows.push(row);
  }
  return { count: answer.count, rows };
}

function filterOf(filter: ParticipantFilter, q: string): Api.TypeChannelParticipantsFilter {
  switch (filter) {
    case "recent":
      return new Api.ChannelParticipantsRecent();
    case "admins":
      return new Api.ChannelParticipantsAdmins();
    case "bots":
      return new Api.ChannelParticipantsBots();
    case "banned":
      return new Api.ChannelParticipantsBanned({ q });
    case "kicked":
      return new Api.ChannelParticipantsKicked({ q });
    case "search":
      return new Api.ChannelParticipantsSearch({ q });
  }
}

/** The user-facing error for an RPC error that denies access to a chat's members; other errors unchanged. */
export function accessError(error: unknown, label: string): unknown {
  switch (rpcErrorName(error)) {
    case "CHANNEL_PRIVATE":
      return new AuditError("private", `${label} is private and this account is not in it (or was banned from it): join it first`);
    case "CHANNEL_INVALID":
    case "CHAT_ID_INVALID":
    case "PEER_ID_INVALID":
      return new AuditError("private", `${label} cannot be opened by this account: check the link or id, or join the chat first`);
    case "CHAT_ADMIN_REQUIRED":
      return new AuditError("no-rights", `${label}: only admins can see this member list, and this account is not an admin there`);
    default:
      return error;
  }
}

/** A resolved chat: its description, and for basic groups the whole member list (one call gives it). */
export type ResolvedChat = { target: AuditTarget; channel: Api.InputChannel } | { target: AuditTarget; rows: MemberRow[] };

/**
 * Resolves what the user typed into a chat the account may audit; throws AuditError (or PeerError
 * from the resolver) with one clear line when it names a person, a private chat or a member list
 * the account may not see.
 */
export async function resolveAuditChat(client: TelegramClient, input: PeerInput): Promise<ResolvedChat> {
  const label = describePeerInput(input);
  const peer = await resolvePeer(client, input);
  if (peer instanceof Api.InputPeerChat) return basicGroup(client, peer, label);
  if (peer instanceof Api.InputPeerChannel) return channelChat(client, new Api.InputChannel({ channelId: peer.channelId, accessHash: peer.accessHash }), label);
  throw new AuditError("not-a-group", `${label} is a person, not a group or channel: give the group or channel to audit`);
}

async function basicGroup(client: TelegramClient, peer: Api.InputPeerChat, label: string): Promise<ResolvedChat> {
  let full: Api.messages.ChatFull;
  try {
    full = await client.invoke(new Api.messages.GetFullChat({ chatId: peer.chatId }));
  } catch (error) {
    throw accessError(error, label);
  }
  const chat = full.chats.find((c) => c.id.equals(peer.chatId));
  const title = chat && "title" in chat ? chat.title : label;
  const participants = (full.fullChat as Api.ChatFull).participants;
  if (!(participants instanceof Api.ChatParticipants) || chat instanceof Api.ChatForbidden) {
    throw new AuditError("private", `${JSON.stringify(title)} is a group this account is not in (or was removed from): join it first`);
  }
  const users = usersById(full.users);
  const now = Math.floor(Date.now() / 1000);
  const rows = participants.participants.map((p) => memberFromChatParticipant(p, users, now));
  const target: AuditTarget = { id: `-${peer.chatId.toString()}`, kind: "group", title, username: null, memberCount: rows.length, isAdmin: isGroupAdmin(chat) };
  return { target, rows };
}

function isGroupAdmin(chat: Api.TypeChat | undefined): boolean {
  return chat instanceof Api.Chat && (chat.creator === true || chat.adminRights instanceof Api.ChatAdminRights);
}

async function channelChat(client: TelegramClient, channel: Api.InputChannel, label: string): Promise<ResolvedChat> {
  let full: Api.messages.ChatFull;
  try {
    full = await client.invoke(new Api.channels.GetFullChannel({ channel }));
  } catch (error) {
    throw accessError(error, label);
  }
  const chat = full.chats.find((c) => c.id.equals(channel.channelId));
  if (!(chat instanceof Api.Channel) || !(full.fullChat instanceof Api.ChannelFull)) {
    throw new AuditError("private", `${label} is private and this account is not in it (or was banned from it): join it first`);
  }
  const info = full.fullChat;
  const isAdmin = chat.creator === true || chat.adminRights instanceof Api.ChatAdminRights;
  const target: AuditTarget = {
    id: `-100${chat.id.toString()}`,
    kind: chat.broadcast ? "channel" : "megagroup",
    title: chat.title,
    username: chat.username ?? chat.usernames?.find((u) => u.active)?.username ?? null,
    memberCount: info.participantsCount ?? chat.participantsCount ?? 0,
    isAdmin,
  };
  if (!isAdmin && !info.canViewParticipants) {
    const why = chat.broadcast
      ? "is a channel: only its admins can see who subscribes, and this account is not one of them"
      : "hides its member list: only its admins can see who is in it, and this account is not one of them";
    throw new AuditError("no-rights", `${chatName(target)} ${why}`);
  }
  return { target, channel };
}

/** channels.getParticipants pages of one channel over a GramJS client. */
export function channelSource(client: TelegramClient, channel: Api.InputChannel, label: string, timeoutMs = 30_000): ParticipantsSource {
  return {
    async fetch(task: PageTask): Promise<PageResult> {
      const request = new Api.channels.GetParticipants({
        channel,
        filter: filterOf(task.query.filter, task.query.q),
        offset: task.offset,
        limit: task.limit,
        hash: bigInt.zero,
      });
      const timeout = () => new PageTimeoutError(`no answer to ${request.className} within ${timeoutMs} ms`);
      try {
        return await sendUncached(client, request, pageOf, { ms: timeoutMs, error: timeout });
      } catch (error) {
        throw accessError(error, label);
      }
    },
  };
}
