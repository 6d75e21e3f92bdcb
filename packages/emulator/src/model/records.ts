/**
 * The records the model keeps: users, chats and their participants, messages and the boxes that number
 * them, pts and qts events, authorizations. Plain data; the World (world.ts) holds them and the other
 * model modules read and change them.
 *
 * Ids are JavaScript numbers (all below 2^53). Users and chats share one id counter so that an id
 * names one thing only, which keeps the control API and test output unambiguous.
 */
import type { Api } from "telegram";
import type { StoredMedia } from "./files.js";
import type { PasswordRecord } from "./srp.js";

export type UserStatusKind = "online" | "offline" | "recently" | "lastWeek" | "lastMonth" | "longAgo" | "empty";

export interface UserRecord {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  /** Digits only, no "+". */
  phone?: string;
  bot: boolean;
  /** "id:secret", for auth.importBotAuthorization. */
  botToken?: string;
  deleted: boolean;
  scam: boolean;
  fake: boolean;
  premium: boolean;
  verified: boolean;
  status: UserStatusKind;
  /** Unix seconds, for status "offline" (was_online) and "online" (expires). */
  wasOnline?: number;
  password?: PasswordRecord;
  about?: string;
  /** The common message box (private chats and basic groups); created on first use. */
  box?: MessageBox;
  /** The secondary event sequence (qts: bot updates); created on first use, see qts.ts. */
  qts?: QtsBox;
  /** Users this account blocked (contacts.block). */
  blocked?: Set<number>;
  /** auth.sendCode answers sentCodeTypeSetUpEmailRequired: a login email must be set up first (auth.ts). */
  loginEmailRequired?: boolean;
  /** Bots: the privacy-mode setting (on when absent), see botPrivacy.ts. */
  privacy?: BotPrivacySetting;
}

/** A bot's privacy mode: on or off, and since when (a change reaches a group only when the bot is re-added). */
export interface BotPrivacySetting {
  enabled: boolean;
  /** Unix seconds of the last change; memberships older than that keep `before`. */
  since: number;
  before: boolean;
}

export type Role = "creator" | "admin" | "member" | "restricted" | "kicked" | "left";

export interface Participant {
  userId: number;
  role: Role;
  /** Unix seconds the person joined (or was banned, for kicked). */
  date: number;
  inviterId?: number;
  /** For admins (and the creator): the rights held. */
  adminRights?: Api.ChatAdminRights;
  /** For restricted and kicked: what is forbidden and until when. */
  bannedRights?: Api.ChatBannedRights;
  rank?: string;
  /** Who promoted (admins) or banned (restricted, kicked) them. */
  actorId?: number;
}

export type ChatKind = "group" | "megagroup" | "channel";

export interface ChatRecord {
  id: number;
  kind: ChatKind;
  title: string;
  username?: string;
  about?: string;
  creatorId: number;
  date: number;
  /** Every person the chat knows, including left and kicked ones (channels and megagroups). */
  participants: Map<number, Participant>;
  /** Megagroups: only admins may list members (participants_hidden). */
  participantsHidden: boolean;
  /** Basic groups: participants version, bumped on every change. */
  version: number;
  /** Megagroups and channels: their own message box and pts. Basic groups use each member's box. */
  box?: MessageBox;
  /** A basic group that was migrated or deactivated. */
  deactivated?: boolean;
  /** Derived from `participants` (chats.ts participantIndex), rebuilt when `version` or their number changes. */
  participantIndex?: ParticipantIndex;
  /** Megagroups and channels: who has read how far; created on first use (readState.ts). */
  channelReads?: ChannelReads;
  /** Megagroups: per member, the ids of messages mentioning them not read yet (mentions.ts); created on first use. */
  unreadMentions?: Map<number, Set<number>>;
  /** The bot that last sent a message here: general commands (/start without @bot) go to it (botPrivacy.ts). */
  lastBotSenderId?: number;
}

/** Read state of a megagroup or channel. */
export interface ChannelReads {
  /** Per member: the highest message id they have read. */
  inbox: Map<number, number>;
  /** The highest message id anybody has read (read_outbox_max_id). */
  maxRead: number;
}

/** Derived views of a chat's participants, rebuilt when the participants change. */
export interface ParticipantIndex {
  version: number;
  size: number;
  /** Creator, admins, members and restricted people, most recently joined first. */
  recent: Participant[];
  /** Creator first, then admins in promotion order. */
  admins: Participant[];
  /** Bots among `recent`. */
  bots: Participant[];
  /** Restricted people still in the chat (the "banned" list). */
  restricted: Participant[];
  /** Banned people (view_messages forbidden, the "kicked" list), most recent first. */
  kicked: Participant[];
  /** Lower-case " first last" and username per entry of `recent`, built on the first search. */
  searchKeys?: { name: string; username: string }[];
}

export type PeerRef = { type: "user" | "chat" | "channel"; id: number };

export interface MessageRecord {
  id: number;
  /** The chat the message is in, as its box's owner sees it (a private chat is the other user). */
  peer: PeerRef;
  fromId: number;
  /** Sent by the owner of the box (always false in channel boxes). */
  out: boolean;
  text: string;
  date: number;
  replyToId?: number;
  editDate?: number;
  entities?: Api.TypeMessageEntity[];
  replyMarkup?: Api.TypeReplyMarkup;
  /** A service message (join, leave, ...) instead of text. */
  action?: Api.TypeMessageAction;
  /** A document or photo; `text` is then its caption. */
  media?: StoredMedia;
  /** Private and basic-group copies of the same message in other boxes share this key. */
  globalKey?: number;
  /** The box owner is mentioned in it (a reply to their message, @username, a mention-name entity). */
  mentioned?: boolean;
  /** The album it belongs to: the messages of one album share it (core.telegram.org/constructor/message, grouped_id). */
  groupedId?: bigint;
  /** Common-box copies: the owner read the mention (messages.readMentions): media_unread is off from then on. */
  mentionRead?: boolean;
  /** Megagroup messages: the members it mentions (the box is everybody's, so who is mentioned is kept here; mentions.ts). */
  mentionIds?: number[];
  /** Pinned in its chat (pins.ts). */
  pinned?: boolean;
  /** Where a forwarded message came from (core.telegram.org/constructor/messageFwdHeader); absent on copies (drop_author). */
  fwdFrom?: Api.MessageFwdHeader;
  /** Common-box copies: the updateNewMessage (with its pts) that announced this copy to its owner. */
  announcement?: Api.UpdateNewMessage;
}

/** What a message carries; as `postMessage` takes it (sending.ts). */
export interface MessageContent {
  text?: string;
  entities?: Api.TypeMessageEntity[];
  replyToId?: number;
  replyMarkup?: Api.TypeReplyMarkup;
  action?: Api.TypeMessageAction;
  /** A document or photo; `text` is then its caption. */
  media?: StoredMedia;
  /** The album it belongs to (messages.sendMultiMedia gives its items one grouped_id). */
  groupedId?: bigint;
  /** The forward header of a forwarded message (messages.forwardMessages without drop_author). */
  fwdFrom?: Api.MessageFwdHeader;
}

/** One pts step in a box: what getDifference / getChannelDifference replays. */
export interface PtsEvent {
  pts: number;
  ptsCount: number;
  date: number;
  /** Viewer-independent update (it holds peer ids, never access hashes). */
  update: Api.TypeUpdate;
  /**
   * An event of one member's alone in a channel box (messages.readMentions moves the channel's pts for the
   * reader only): the other members' differences leave it out, though their pts moves past it.
   */
  viewerId?: number;
}

/** A sequence of message ids with its pts: one per account (common box) and one per channel. */
export interface MessageBox {
  pts: number;
  lastMessageId: number;
  messages: Map<number, MessageRecord>;
  log: PtsEvent[];
  /** Common boxes: the message ids by chat (boxIndex.ts), rebuilt when `lastMessageId` moved without it. */
  peerIndex?: PeerIndex;
}

/** A box's message ids grouped by chat. */
export interface PeerIndex {
  /** The box's lastMessageId when the index was last brought up to date. */
  lastMessageId: number;
  /** peerKey to the chat and its ids. */
  byPeer: Map<string, PeerIds>;
}

/** The message ids of one chat in a box. */
export interface PeerIds {
  peer: PeerRef;
  /** Ascending message ids of this chat in the box. */
  ids: number[];
}

export function newBox(): MessageBox {
  return { pts: 0, lastMessageId: 0, messages: new Map(), log: [] };
}

/** One qts step of an account: what getDifference replays. */
export interface QtsEvent {
  readonly qts: number;
  readonly date: number;
  /** The account's common-box pts when it happened: where it goes among the pts events of a difference. */
  readonly pts: number;
  /** Rendered for the account that gets it. */
  readonly update: Api.TypeUpdate;
}

/** The qts sequence of one account. */
export interface QtsBox {
  qts: number;
  /** Events, oldest first; those before index `first` are forgotten (dropped in bulk, see advanceQts). */
  log: QtsEvent[];
  first: number;
}

/** An auth key signed in: to which account, since when (unix seconds). */
export interface Authorization {
  userId: number;
  date: number;
  /** Signed in with auth.importAuthorization: the key may act as the account on a DC not its home (dcs.ts). */
  imported?: boolean;
}

/** Where clients reach one DC (help.getConfig's dc_options). */
export interface DcAddress {
  readonly id: number;
  readonly host: string;
  readonly port: number;
}

/** An auth.exportAuthorization answer waiting for its auth.importAuthorization (dcs.ts). */
export interface ExportedAuthorization {
  readonly userId: number;
  /** The DC it may be imported on (the export's dc_id). */
  readonly dcId: number;
  readonly expires: number;
}
