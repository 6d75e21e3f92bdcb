/**
 * Membership statuses as the access layer speaks of them, read from the participant objects
 * Telegram returns (channels.getParticipant, messages.getFullChat, participant updates).
 */
import { Api } from "telegram";

/** Where a person stands in a group or channel; "none" means never in it (or not in a basic group's list). */
export type MemberStatus = "creator" | "admin" | "member" | "restricted" | "left" | "kicked" | "none";

/** Every status, strongest first. */
export const MEMBER_STATUSES: readonly MemberStatus[] = ["creator", "admin", "member", "restricted", "left", "kicked", "none"];

/** Statuses a gate lets through unless configured otherwise (restricted is opt-in). */
export const DEFAULT_PASSING: readonly MemberStatus[] = ["creator", "admin", "member"];

/** True for the statuses of people who are in the chat now. */
export function isPresent(status: MemberStatus): boolean {
  return status === "creator" || status === "admin" || status === "member" || status === "restricted";
}

/** True when the text names a status. */
export function isMemberStatus(text: string): text is MemberStatus {
  return (MEMBER_STATUSES as readonly string[]).includes(text);
}

/**
 * The status a channel or supergroup participant object stands for. A banned participant is
 * "kicked" when view_messages is taken away, "left" when a restricted person left, else "restricted".
 */
export function statusOfChannelParticipant(participant: Api.TypeChannelParticipant | undefined): MemberStatus {
  if (participant === undefined) return "left";
  if (participant instanceof Api.ChannelParticipantCreator) return "creator";
  if (participant instanceof Api.ChannelParticipantAdmin) return "admin";
  if (participant instanceof Api.ChannelParticipant || participant instanceof Api.ChannelParticipantSelf) return "member";
  if (participant instanceof Api.ChannelParticipantBanned) {
    if (participant.bannedRights.viewMessages === true) return "kicked";
    return participant.left === true ? "left" : "restricted";
  }
  return "left";
}

/** The status a basic-group participant object stands for. */
export function statusOfChatParticipant(participant: Api.TypeChatParticipant): MemberStatus {
  if (participant instanceof Api.ChatParticipantCreator) return "creator";
  if (participant instanceof Api.ChatParticipantAdmin) return "admin";
  return "member";
}

/** The user id a channel participant object is about, as a decimal string (undefined for non-user peers). */
export function channelParticipantUserId(participant: Api.TypeChannelParticipant): string | undefined {
  if ("userId" in participant) return participant.userId.toString();
  const peer = participant.peer;
  return peer instanceof Api.PeerUser ? peer.userId.toString() : undefined;
}
