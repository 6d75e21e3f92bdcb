/**
 * Chats and people named in rules, gates and membership checks (id, @username, t.me link or an input
 * peer), resolved and checked against what the account can see, with one-line errors. Nothing is
 * stored here: callers store only after every name resolved.
 */
import { Api, type TelegramClient, utils } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { rpcErrorName } from "../errors.js";
import { PeerError, type PeerInput, parsePeerInput, resolvePeer } from "../telegram/peers.js";
import type { PeerResolver } from "./membership.js";
import { AccessInputError, type Gate, type RuleTarget } from "./rules.js";
import type { GroupRef } from "./telegramSource.js";

/** A resolved group or channel as a rule target or gate. */
export interface GroupTarget extends GroupRef {
  /** The account's access hash of a supergroup or channel. */
  readonly accessHash?: string;
}

/** Resolves the chat or person a rule is for: a person by id is taken as is (bots cannot look people up). */
export async function resolveRuleTarget(client: TelegramClient, text: string): Promise<RuleTarget> {
  const input = parsePeerInput(text);
  if (input.kind === "me") throw new AccessInputError("the account itself is the owner: rules do not apply to it");
  if (input.kind === "id" && !input.id.startsWith("-")) return { subject: "user", peerId: input.id, label: input.id };
  const peer = await resolve(client, input, text);
  if (peer instanceof Api.InputPeerUser) {
    return { subject: "user", peerId: peer.userId.toString(), label: input.kind === "username" ? `@${input.username}` : peer.userId.toString() };
  }
  if (peer instanceof Api.InputPeerSelf) throw new AccessInputError("the account itself is the owner: rules do not apply to it");
  if (!(peer instanceof Api.InputPeerChat || peer instanceof Api.InputPeerChannel))
    throw new AccessInputError(`${text} is neither a person nor a group or channel`);
  const group = await describeGroup(client, peer, input, text);
  return { subject: "chat", peerId: group.id, label: group.label };
}

/** Resolves a group or channel (for a gate or a membership check); a person or an invisible chat is an error. */
export async function resolveGroup(client: TelegramClient, ref: string | Api.TypeInputPeer): Promise<GroupTarget> {
  if (typeof ref !== "string") {
    if (!(ref instanceof Api.InputPeerChat || ref instanceof Api.InputPeerChannel))
      throw new AccessInputError("a group or channel is needed here, not a person");
    return describeGroup(client, ref, { kind: "id", id: utils.getPeerId(ref) }, utils.getPeerId(ref));
  }
  const input = parsePeerInput(ref);
  if (input.kind === "me") throw new AccessInputError(`${ref} is the account itself: name a group or channel`);
  const peer = await resolve(client, input, ref);
  if (!(peer instanceof Api.InputPeerChat || peer instanceof Api.InputPeerChannel)) {
    throw new AccessInputError(`${ref} is a person, not a group or channel`);
  }
  return describeGroup(client, peer, input, ref);
}

/** Resolves a person to their user id. */
export async function resolveUserId(client: TelegramClient, ref: string | Api.TypeInputPeer): Promise<string> {
  if (typeof ref !== "string") {
    if (ref instanceof Api.InputPeerUser) return ref.userId.toString();
    throw new AccessInputError("a person is needed here, not a group or channel");
  }
  const input = parsePeerInput(ref);
  if (input.kind === "id") {
    if (input.id.startsWith("-")) throw new AccessInputError(`${ref} is a group or channel id, not a person`);
    return input.id;
  }
  const peer = await resolve(client, input, ref);
  if (peer instanceof Api.InputPeerUser) return peer.userId.toString();
  if (peer instanceof Api.InputPeerSelf) return (await client.getMe()).id.toString();
  throw new AccessInputError(`${ref} is a group or channel, not a person`);
}

/** The group of a gate, from what the gate stored (its id and access hash): no lookup, works for bots too. */
export function groupOfGate(gate: Gate): GroupRef {
  const input =
    gate.chatId.startsWith("-100") && gate.accessHash !== undefined
      ? new Api.InputPeerChannel({ channelId: returnBigInt(gate.chatId.slice(4)), accessHash: returnBigInt(gate.accessHash) })
      : new Api.InputPeerChat({ chatId: returnBigInt(gate.chatId.slice(1)) });
  return { id: gate.chatId, input, label: gate.label };
}

/** The PeerResolver the membership service uses for references it is given unresolved. */
export function telegramResolver(client: TelegramClient): PeerResolver {
  return { group: (ref) => resolveGroup(client, ref), user: (ref) => resolveUserId(client, ref) };
}

async function resolve(client: TelegramClient, input: PeerInput, text: string): Promise<Api.TypeInputPeer> {
  try {
    return await resolvePeer(client, input);
  } catch (error) {
    if (error instanceof PeerError) throw error;
    const name = rpcErrorName(error);
    if (input.kind === "id") throw new AccessInputError(`this account cannot see ${text}: add it to the chat first, or use the chat's @username`);
    throw new AccessInputError(`${text} could not be resolved${name === undefined ? "" : ` (${name})`}: check the name`);
  }
}

/** Fetches the chat once, which proves the account can see it, and names it. */
async function describeGroup(client: TelegramClient, peer: Api.InputPeerChat | Api.InputPeerChannel, input: PeerInput, text: string): Promise<GroupTarget> {
  let entity: unknown;
  try {
    entity = await client.getEntity(peer);
  } catch (error) {
    const name = rpcErrorName(error);
    throw new AccessInputError(`this account cannot see ${text}${name === undefined ? "" : ` (${name})`}: add it to the chat first`);
  }
  if (entity instanceof Api.ChatForbidden || entity instanceof Api.ChannelForbidden) {
    throw new AccessInputError(`this account cannot see ${text}: it was removed from it or the chat is private`);
  }
  const id = utils.getPeerId(peer);
  const title = entity instanceof Api.Chat || entity instanceof Api.Channel ? entity.title : undefined;
  const label = input.kind === "username" ? `@${input.username}` : title === undefined ? id : `"${title}" (${id})`;
  const accessHash = peer instanceof Api.InputPeerChannel ? peer.accessHash.toString() : undefined;
  return { id, input: peer, label, accessHash };
}
