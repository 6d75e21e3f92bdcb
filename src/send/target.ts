/**
 * The chat a script names (@username, t.me link, id, me), resolved to an input peer with a label for
 * messages: usernames by contacts.resolveUsername, ids from the session's known peers, GramJS's cache, or
 * (user accounts only) the dialogs. Every failure is a PeerError saying what to type instead.
 */
import { Api, type TelegramClient, utils } from "telegram";
import { rpcErrorName } from "../errors.js";
import type { RunMode } from "../handlers/message.js";
import { PeerError, type PeerInput, resolvePeer } from "../telegram/peers.js";
import type { Destination } from "./deliver.js";
import type { KnownPeers } from "./knownPeers.js";

/** What kind of chat a target is. */
export type TargetKind = "self" | "user" | "group" | "channel";

/** A resolved chat. */
export interface Target extends Destination {
  readonly kind: TargetKind;
  /** How messages name it: "Saved Messages", "@alice", "Team (-100123)". */
  readonly label: string;
}

/** What resolving needs besides the reference. */
export interface TargetContext {
  readonly mode: RunMode;
  readonly selfId: string;
  /** The session's known peers (looked up first for ids, and told about every resolved chat). */
  readonly known?: KnownPeers;
}

const NOT_FOUND = new Set(["USERNAME_NOT_OCCUPIED", "USERNAME_INVALID"]);

/** Resolves a reference; throws PeerError when there is no such chat or the account cannot reach it. */
export async function resolveTarget(client: TelegramClient, input: PeerInput, context: TargetContext): Promise<Target> {
  if (input.kind === "me") {
    if (context.mode === "bot") throw new PeerError("a bot has no Saved Messages: name a chat or person (@username, id or t.me link)");
    return { peer: new Api.InputPeerSelf(), chatId: context.selfId, kind: "self", label: "Saved Messages" };
  }
  const target = input.kind === "username" ? await byUsername(client, input.username) : await byId(client, input.id, context);
  context.known?.rememberInput(target.peer);
  return target;
}

async function byUsername(client: TelegramClient, username: string): Promise<Target> {
  let resolved: Api.contacts.ResolvedPeer;
  try {
    resolved = await client.invoke(new Api.contacts.ResolveUsername({ username }));
  } catch (error) {
    if (NOT_FOUND.has(rpcErrorName(error) ?? "")) throw new PeerError(`no Telegram chat or person is called @${username}: check the spelling`);
    throw error;
  }
  const id = utils.getPeerId(resolved.peer);
  const entity = [...resolved.users, ...resolved.chats].find(
    (candidate) => !(candidate instanceof Api.UserEmpty || candidate instanceof Api.ChatEmpty) && utils.getPeerId(candidate) === id,
  );
  if (entity === undefined) throw new PeerError(`@${username} could not be resolved: Telegram named no chat or person for it`);
  return { peer: utils.getInputPeer(entity), chatId: id, kind: kindOf(entity), label: `@${username}` };
}

async function byId(client: TelegramClient, id: string, context: TargetContext): Promise<Target> {
  if (id === context.selfId) return resolveTarget(client, { kind: "me" }, context);
  let peer = context.known?.inputPeer(id);
  if (peer === undefined) {
    try {
      peer = await resolvePeer(client, { kind: "id", id }, { bot: context.mode === "bot" });
    } catch (error) {
      if (error instanceof PeerError && context.mode === "bot") {
        throw new PeerError(
          `the bot has not met ${id} yet: a person must message the bot first, or the bot must be added to the group (while npm start runs, it notes everyone it meets)`,
        );
      }
      throw error;
    }
  }
  const kind: TargetKind = peer instanceof Api.InputPeerChannel ? "channel" : peer instanceof Api.InputPeerChat ? "group" : "user";
  return { peer, chatId: id, kind, label: id };
}

/** A user, a basic group, or a supergroup / channel ("channel" covers both: they are sent to alike). */
function kindOf(entity: Api.TypeUser | Api.TypeChat): TargetKind {
  if (entity instanceof Api.User) return "user";
  return entity instanceof Api.Chat || entity instanceof Api.ChatForbidden ? "group" : "channel";
}
