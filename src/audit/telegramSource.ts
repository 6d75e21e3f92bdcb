/**
 * The GramJS side of an audit: resolving and checking the chat, the member list of a basic group,
 * and channels.getParticipants pages as plain rows.
 *
 * Pages are sent straight to GramJS's MTProto sender instead of `client.invoke`, and parsed with a
 * reader whose 64-bit integers skip GramJS's hex-string round trip: `invoke` adds every user of every
 * result to the session's entity list (a Set of fresh arrays that never deduplicates) and to the
 * entity cache, so memory would grow with the group; and reading ids and access hashes through
 * hex strings costs more CPU than the rest of the page. Rows are built while the answer is read,
 * so no Api object outlives its page.
 *
 * GramJS 2.26 also stops reading a msg_container at the first rpc_error in it: the answers after
 * it are dropped and their requests never settle. With pages pipelined, Telegram packs several
 * answers per container, so one FLOOD_WAIT would strand its neighbours; guardContainers() (in
 * telegram/internals.ts) keeps the sender reading (the failed request still gets its error).
 */
import bigInt from "big-integer";
import { Api, type TelegramClient } from "telegram";
import { BinaryReader } from "telegram/extensions/index.js";
import { RequestState } from "telegram/network/RequestState.js";
import { rpcErrorName } from "../errors.js";
import { guardContainers } from "../telegram/internals.js";
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

/** A BinaryReader that reads 64-bit integers straight from the buffer. */
class LongReader extends BinaryReader {
  override readLargeInt(bits: number, signed = true): bigInt.BigInteger {
    if (bits !== 64) return super.readLargeInt(bits, signed);
    const bytes = this.read(8);
    return bigInt(signed ? bytes.readBigInt64LE(0) : bytes.readBigUInt64LE(0));
  }
}

/**
 * channels.getParticipants whose answer is read straight into a page of rows. (GramJS's typings
 * declare readResult static; at run time the sender calls the instance method this replaces.)
 */
class ParticipantsPageRequest extends Api.channels.GetParticipants {
  readResult(reader: BinaryReader): PageResult {
    const answer = new LongReader(reader.read()).tgReadObject() as Api.channels.TypeChannelParticipants;
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

/** Sends a request on the client's connection without GramJS's entity bookkeeping; rejects after timeoutMs. */
function sendUncached<T>(client: TelegramClient, request: Api.AnyRequest, timeoutMs: number): Promise<T> {
  const sender = client._sender;
  if (sender === undefined || sender.userDisconnected) return Promise.reject(new Error("the Telegram client is not connected"));
  guardContainers(sender);
  const state = new RequestState(request);
  sender.addStateToQueue(state);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new PageTimeoutError(`no answer to ${request.className} within ${timeoutMs} ms`)), timeoutMs);
    (state.promise as Promise<T>).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
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
      const request = new ParticipantsPageRequest({
        channel,
        filter: filterOf(task.query.filter, task.query.q),
        offset: task.offset,
        limit: task.limit,
        hash: bigInt.zero,
      });
      try {
        return await sendUncached<PageResult>(client, request, timeoutMs);
      } catch (error) {
        throw accessError(error, label);
      }
    },
  };
}
