/**
 * Where membership answers come from: channels.getParticipant for supergroups and channels,
 * messages.getFullChat for basic groups, channels.getParticipants pages for bulk warm-up. This is the
 * access layer's only Telegram I/O; everything it cannot answer becomes a MembershipUnknownError.
 */
import { Api, type TelegramClient } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { rpcErrorName, UserError } from "../errors.js";
import type { StatusEntry } from "./membershipCache.js";
import { channelParticipantUserId, type MemberStatus, statusOfChannelParticipant, statusOfChatParticipant } from "./status.js";

/** A group or channel the account can reach: marked id, input peer and a readable name. */
export interface GroupRef {
  readonly id: string;
  /** InputPeerChat for a basic group, InputPeerChannel for a supergroup or channel. */
  readonly input: Api.InputPeerChat | Api.InputPeerChannel;
  readonly label: string;
}

/** Membership could not be determined (RPC error, timeout, hidden member list); access must be denied. */
export class MembershipUnknownError extends UserError {
  /** Creates the error with a short reason, e.g. "RPC_CALL_FAIL" or "timed out after 5000 ms". */
  constructor(readonly reason: string) {
    super(`membership could not be determined: ${reason}`);
  }
}

/** A message the person sent, by which Telegram lets the account address someone it has no access hash for. */
export interface SeenIn {
  /** Marked id of the chat the message is in. */
  readonly chatId: string;
  readonly messageId: number;
}

/** One page of a member list. */
export interface MembersPage {
  readonly entries: readonly StatusEntry[];
  /** How many members Telegram says the list has. */
  readonly count: number;
}

/** The Telegram calls the membership service makes. */
export interface MembershipSource {
  /** A person's status in a supergroup or channel ("none" when Telegram says they are not a participant). */
  participant(chat: GroupRef, userId: string, seenIn?: SeenIn): Promise<MemberStatus>;
  /** Every member of a basic group. */
  groupMembers(chat: GroupRef): Promise<StatusEntry[]>;
  /** A page of a supergroup's or channel's member list (the "recent" list). */
  membersPage(chat: GroupRef, offset: number, limit: number): Promise<MembersPage>;
  /** The account's own status in a group or channel (a gate there can be checked only from inside). */
  selfStatus(chat: GroupRef): Promise<MemberStatus>;
}

/** Telegram's answer when the person asked about is not in the chat. */
const NOT_PARTICIPANT = "USER_NOT_PARTICIPANT";

/** The MembershipSource over a signed-in GramJS client. */
export function telegramSource(client: TelegramClient): MembershipSource {
  return {
    async participant(chat, userId, seenIn) {
      if (!(chat.input instanceof Api.InputPeerChannel)) throw new Error(`${chat.label} is not a supergroup or channel`);
      const participant = await inputUser(client, userId, seenIn);
      try {
        const answer = await client.invoke(new Api.channels.GetParticipant({ channel: channelOf(chat.input), participant }));
        return statusOfChannelParticipant(answer.participant);
      } catch (error) {
        if (rpcErrorName(error) === NOT_PARTICIPANT) return "none";
        throw unknown(error);
      }
    },

    async groupMembers(chat) {
      if (!(chat.input instanceof Api.InputPeerChat)) throw new Error(`${chat.label} is not a basic group`);
      let full: Api.messages.ChatFull;
      try {
        full = await client.invoke(new Api.messages.GetFullChat({ chatId: chat.input.chatId }));
      } catch (error) {
        throw unknown(error);
      }
      const participants = full.fullChat instanceof Api.ChatFull ? full.fullChat.participants : undefined;
      if (!(participants instanceof Api.ChatParticipants)) throw new MembershipUnknownError(`the account cannot see the members of ${chat.label}`);
      return participants.participants.map((p) => ({ userId: p.userId.toString(), status: statusOfChatParticipant(p) }));
    },

    async membersPage(chat, offset, limit) {
      if (!(chat.input instanceof Api.InputPeerChannel)) throw new Error(`${chat.label} is not a supergroup or channel`);
      let answer: Api.channels.TypeChannelParticipants;
      try {
        answer = await client.invoke(
          new Api.channels.GetParticipants({
            channel: channelOf(chat.input),
            filter: new Api.ChannelParticipantsRecent(),
            offset,
            limit,
            hash: returnBigInt(0),
          }),
        );
      } catch (error) {
        throw unknown(error);
      }
      if (!(answer instanceof Api.channels.ChannelParticipants)) return { entries: [], count: 0 };
      const entries: StatusEntry[] = [];
      for (const p of answer.participants) {
        const userId = channelParticipantUserId(p);
        if (userId !== undefined) entries.push({ userId, status: statusOfChannelParticipant(p) });
      }
      return { entries, count: answer.count };
    },

    async selfStatus(chat) {
      if (chat.input instanceof Api.InputPeerChat) {
        const me = (await client.getMe()).id.toString();
        return (await this.groupMembers(chat)).find((entry) => entry.userId === me)?.status ?? "none";
      }
      try {
        const answer = await client.invoke(new Api.channels.GetParticipant({ channel: channelOf(chat.input), participant: new Api.InputPeerSelf() }));
        return statusOfChannelParticipant(answer.participant);
      } catch (error) {
        if (rpcErrorName(error) === NOT_PARTICIPANT) return "none";
        throw unknown(error);
      }
    },
  };
}

function channelOf(input: Api.InputPeerChannel): Api.InputChannel {
  return new Api.InputChannel({ channelId: input.channelId, accessHash: input.accessHash });
}

/**
 * The input peer of a person: from GramJS's entity cache; else, for someone known only from a short update
 * (no access hash), through the message they sent: a private or basic-group message is fetched once, which
 * brings their user object into the cache; a supergroup message names them as inputPeerUserFromMessage.
 */
async function inputUser(client: TelegramClient, userId: string, seenIn: SeenIn | undefined): Promise<Api.TypeInputPeer> {
  const id = returnBigInt(userId);
  const cached = await client.getInputEntity(id).catch(() => undefined);
  if (cached instanceof Api.InputPeerUser || cached instanceof Api.InputPeerSelf) return cached;
  if (seenIn !== undefined) {
    try {
      if (!seenIn.chatId.startsWith("-100")) {
        await client.invoke(new Api.messages.GetMessages({ id: [new Api.InputMessageID({ id: seenIn.messageId })] }));
        const fetched = await client.getInputEntity(id);
        if (fetched instanceof Api.InputPeerUser) return fetched;
      } else {
        const peer = await client.getInputEntity(returnBigInt(seenIn.chatId));
        return new Api.InputPeerUserFromMessage({ peer, msgId: seenIn.messageId, userId: id });
      }
    } catch (error) {
      if (rpcErrorName(error) !== undefined) throw unknown(error);
    }
  }
  throw new MembershipUnknownError(`person ${userId} is not known to this account yet`);
}

/** The error to fail closed with: Telegram's error name when there is one. */
function unknown(error: unknown): MembershipUnknownError {
  if (error instanceof MembershipUnknownError) return error;
  return new MembershipUnknownError(rpcErrorName(error) ?? (error instanceof Error ? error.message : String(error)));
}
