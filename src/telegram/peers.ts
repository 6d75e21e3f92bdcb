/**
 * Chats and people as users type them (@username, t.me links, numeric ids, "me"), parsed into a
 * reference and resolved through GramJS into an input peer, with one-line errors that say what was
 * wrong and what to type instead.
 */
import { Api, type TelegramClient } from "telegram";
import { rpcErrorName, UserError } from "../errors.js";

export type PeerInput =
  | { kind: "me" }
  | { kind: "username"; username: string }
  /** A marked id: users positive, basic groups -id, channels and megagroups -100id. */
  | { kind: "id"; id: string };

/** A chat or person reference that cannot be parsed or found; the message is meant for the user. */
export class PeerError extends UserError {}

const USERNAME = /^[A-Za-z][A-Za-z0-9_]{3,31}$/;
const HINT = "use @username, a t.me link, a numeric id or me";

/** Parse what a user typed into a peer reference, or throw PeerError naming the input. */
export function parsePeerInput(raw: string): PeerInput {
  const text = raw.trim();
  if (text === "") throw new PeerError(`an empty chat name was given: ${HINT}`);
  if (/^(me|self)$/i.test(text)) return { kind: "me" };
  if (/^-?\d{1,20}$/.test(text)) return { kind: "id", id: text };
  if (text.startsWith("@")) return username(text.slice(1), raw);

  const link = /^(?:https?:\/\/)?(?:www\.)?(?:t|telegram)\.(?:me|dog)\/(.+)$/i.exec(text);
  if (link) {
    const [first, second] = link[1].split(/[/?#]/);
    if (first.startsWith("+") || first === "joinchat") {
      throw new PeerError(`${raw} is an invite link: join the chat first, then use its @username or id`);
    }
    if (first === "c" && second && /^\d+$/.test(second)) return { kind: "id", id: `-100${second}` };
    if (first === "s" && second) return username(second, raw);
    return username(first, raw);
  }
  const tg = /^tg:\/\/resolve\?(?:.*&)?domain=([^&]+)/i.exec(text);
  if (tg) return username(tg[1], raw);
  if (USERNAME.test(text)) return { kind: "username", username: text };
  throw new PeerError(`${JSON.stringify(raw)} is not a chat or person: ${HINT}`);
}

function username(name: string, raw: string): PeerInput {
  if (!USERNAME.test(name)) {
    throw new PeerError(`${JSON.stringify(raw)} is not a valid username: 5 to 32 letters, digits or _, starting with a letter`);
  }
  return { kind: "username", username: name };
}

/** A readable form of a reference, for messages. */
export function describePeerInput(input: PeerInput): string {
  return input.kind === "me" ? "me" : input.kind === "username" ? `@${input.username}` : input.id;
}

/** How to resolve: a bot may not read its dialogs (messages.getDialogs answers bots BOT_METHOD_INVALID). */
export interface ResolveOptions {
  readonly bot?: boolean;
}

/**
 * Resolve a reference into an input peer. Usernames are resolved on the server; ids must be known
 * to the account (GramJS's entity cache, else, for user accounts, its dialogs are read once to fill it;
 * a bot that meets BOT_METHOD_INVALID there is treated as one).
 */
export async function resolvePeer(client: TelegramClient, input: PeerInput, options: ResolveOptions = {}): Promise<Api.TypeInputPeer> {
  if (input.kind === "me") return new Api.InputPeerSelf();
  if (input.kind === "username") {
    try {
      return await client.getInputEntity(input.username);
    } catch (err) {
      const message = (err as { errorMessage?: string }).errorMessage ?? (err as Error).message;
      if (/USERNAME_NOT_OCCUPIED|USERNAME_INVALID|No user has/.test(message)) {
        throw new PeerError(`no Telegram chat or person is called @${input.username}: check the spelling`);
      }
      throw err;
    }
  }
  try {
    return await client.getInputEntity(input.id);
  } catch {
    const unknown = new PeerError(`this account has no chat or contact with id ${input.id}: use the chat's @username, or an id shown by the id command`);
    if (options.bot) throw unknown;
    try {
      await client.getDialogs({ limit: 500 });
    } catch (error) {
      if (rpcErrorName(error) === "BOT_METHOD_INVALID") throw unknown;
      throw error;
    }
    try {
      return await client.getInputEntity(input.id);
    } catch {
      throw unknown;
    }
  }
}
