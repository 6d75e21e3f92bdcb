/**
 * The Telegram calls catch-up makes, with their answers reduced to what the update manager applies:
 * updates.getDifference, updates.getChannelDifference, messages.getHistory pages (oldest first) and
 * messages.getDialogs (paged).
 */
import { Api, utils } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { rpcErrorName } from "../errors.js";

/** What the manager invokes Telegram through (a TelegramClient fits). */
export interface UpdatesApi {
  invoke<R extends Api.AnyRequest>(request: R): Promise<R["__response"]>;
}

/** A user or chat that came with an answer. */
export type Entity = Api.TypeUser | Api.TypeChat;

/** The account's common state as getDifference takes and returns it. */
export interface CommonCounters {
  readonly pts: number;
  readonly qts: number;
  readonly seq: number;
  readonly date: number;
}

/** Missed updates to apply: new messages, then other updates, then the counters move to `state`. */
export interface DifferenceSlice {
  readonly kind: "slice";
  readonly messages: readonly Api.TypeMessage[];
  readonly updates: readonly Api.TypeUpdate[];
  readonly entities: readonly Entity[];
  /** False while more slices follow. */
  readonly final: boolean;
}

/** One updates.getDifference answer. */
export type CommonStep =
  | { readonly kind: "empty"; readonly date: number; readonly seq: number }
  | (DifferenceSlice & { readonly state: CommonCounters })
  | { readonly kind: "tooLong"; readonly pts: number }
  /** PERSISTENT_TIMESTAMP_INVALID: the server does not know the state sent (it was reset server-side). */
  | { readonly kind: "invalid"; readonly error: string };

/** One updates.getChannelDifference answer. */
export type ChannelStep =
  | { readonly kind: "empty"; readonly pts: number }
  | (DifferenceSlice & { readonly pts: number })
  | { readonly kind: "tooLong"; readonly pts?: number; readonly topMessage?: number; readonly entities: readonly Entity[] }
  /** The account can no longer read the channel (left, kicked, channel gone). */
  | { readonly kind: "gone"; readonly error: string }
  /** The server does not know the pts sent (PERSISTENT_TIMESTAMP_*): the saved pts is unusable. */
  | { readonly kind: "invalid"; readonly error: string };

/** Errors of getChannelDifference meaning the account cannot read the channel any more. */
const GONE_ERRORS = new Set(["CHANNEL_PRIVATE", "CHANNEL_INVALID", "CHANNEL_PUBLIC_GROUP_NA", "USER_BANNED_IN_CHANNEL", "CHAT_FORBIDDEN"]);

/** Errors of getChannelDifference meaning the pts sent is unusable. */
const INVALID_PTS_ERRORS = new Set(["PERSISTENT_TIMESTAMP_EMPTY", "PERSISTENT_TIMESTAMP_INVALID", "PERSISTENT_TIMESTAMP_OUTDATED"]);

/** Calls updates.getDifference from the local counters. */
export async function fetchDifference(api: UpdatesApi, local: CommonCounters): Promise<CommonStep> {
  let answer: Api.updates.TypeDifference;
  try {
    answer = await api.invoke(new Api.updates.GetDifference({ pts: local.pts, date: local.date, qts: local.qts }));
  } catch (error) {
    // The method page lists 400 PERSISTENT_TIMESTAMP_INVALID; TDLib answers it with getState (UpdatesManager::on_failed_get_difference).
    const name = rpcErrorName(error);
    if (name === "PERSISTENT_TIMESTAMP_INVALID") return { kind: "invalid", error: name };
    throw error;
  }
  if (answer instanceof Api.updates.DifferenceEmpty) return { kind: "empty", date: answer.date, seq: answer.seq };
  if (answer instanceof Api.updates.DifferenceTooLong) return { kind: "tooLong", pts: answer.pts };
  const state = answer instanceof Api.updates.Difference ? answer.state : answer.intermediateState;
  return {
    kind: "slice",
    messages: answer.newMessages,
    updates: answer.otherUpdates,
    entities: [...answer.users, ...answer.chats],
    final: answer instanceof Api.updates.Difference,
    state: { pts: state.pts, qts: state.qts, seq: state.seq, date: state.date },
  };
}

/** Calls updates.getChannelDifference for one channel from its local pts. */
export async function fetchChannelDifference(api: UpdatesApi, channel: Api.TypeInputChannel, pts: number, limit: number): Promise<ChannelStep> {
  let answer: Api.updates.TypeChannelDifference;
  try {
    answer = await api.invoke(new Api.updates.GetChannelDifference({ channel, filter: new Api.ChannelMessagesFilterEmpty(), pts, limit }));
  } catch (error) {
    const name = rpcErrorName(error);
    if (name !== undefined && GONE_ERRORS.has(name)) return { kind: "gone", error: name };
    if (name !== undefined && INVALID_PTS_ERRORS.has(name)) return { kind: "invalid", error: name };
    throw error;
  }
  if (answer instanceof Api.updates.ChannelDifferenceEmpty) return { kind: "empty", pts: answer.pts };
  if (answer instanceof Api.updates.ChannelDifferenceTooLong) {
    const dialog = answer.dialog instanceof Api.Dialog ? answer.dialog : undefined;
    return { kind: "tooLong", pts: dialog?.pts ?? undefined, topMessage: dialog?.topMessage, entities: [...answer.users, ...answer.chats] };
  }
  return {
    kind: "slice",
    messages: answer.newMessages,
    updates: answer.otherUpdates,
    entities: [...answer.users, ...answer.chats],
    final: answer.final === true,
    pts: answer.pts,
  };
}

/** One page of a chat's history, oldest first. */
export interface HistoryPage {
  readonly messages: readonly (Api.Message | Api.MessageService)[];
  readonly entities: readonly Entity[];
}

/** Messages per messages.getHistory call (Telegram's maximum). */
export const HISTORY_PAGE = 100;

/** Fetches the page of a chat's messages with ids above `after` and at most `top`, oldest first (empty when none). */
export async function fetchHistoryPage(api: UpdatesApi, peer: Api.TypeInputPeer, after: number, top: number): Promise<HistoryPage> {
  const answer = await api.invoke(
    new Api.messages.GetHistory({
      peer,
      offsetId: after + 1,
      offsetDate: 0,
      addOffset: -HISTORY_PAGE,
      limit: HISTORY_PAGE,
      maxId: top + 1,
      minId: after,
      hash: returnBigInt(0),
    }),
  );
  if (answer instanceof Api.messages.MessagesNotModified) return { messages: [], entities: [] };
  const messages = answer.messages
    .filter((message): message is Api.Message | Api.MessageService => !(message instanceof Api.MessageEmpty) && message.id > after && message.id <= top)
    .sort((a, b) => a.id - b.id);
  return { messages, entities: [...answer.users, ...answer.chats] };
}

/** The account's dialogs with what is needed to follow them: newest message id, channel pts, an input peer. */
export interface DialogInfo {
  /** Marked chat id. */
  readonly chatId: string;
  readonly topMessage: number;
  /** Channels only. */
  readonly pts?: number;
  readonly peer?: Api.TypeInputPeer;
}

/** Dialogs per messages.getDialogs call. */
const DIALOG_PAGE = 100;

/** Fetches up to `maxPages` pages of the account's dialogs, newest first; the entities go to `onEntities`. */
export async function fetchDialogs(api: UpdatesApi, maxPages: number, onEntities: (entities: readonly Entity[]) => void): Promise<DialogInfo[]> {
  const found: DialogInfo[] = [];
  let offsetDate = 0;
  let offsetId = 0;
  let offsetPeer: Api.TypeInputPeer = new Api.InputPeerEmpty();
  for (let page = 0; page < maxPages; page += 1) {
    const answer = await api.invoke(new Api.messages.GetDialogs({ offsetDate, offsetId, offsetPeer, limit: DIALOG_PAGE, hash: returnBigInt(0) }));
    if (answer instanceof Api.messages.DialogsNotModified) break;
    const entities: Entity[] = [...answer.users, ...answer.chats];
    onEntities(entities);
    const byId = new Map(
      entities.filter((entity) => !(entity instanceof Api.UserEmpty) && !(entity instanceof Api.ChatEmpty)).map((entity) => [utils.getPeerId(entity), entity]),
    );
    for (const dialog of answer.dialogs) {
      if (!(dialog instanceof Api.Dialog)) continue;
      const chatId = utils.getPeerId(dialog.peer);
      const entity = byId.get(chatId);
      found.push({ chatId, topMessage: dialog.topMessage, pts: dialog.pts ?? undefined, peer: entity === undefined ? undefined : utils.getInputPeer(entity) });
    }
    const last = answer.dialogs.at(-1);
    if (answer instanceof Api.messages.Dialogs || !(last instanceof Api.Dialog) || found.length >= answer.count) break;
    const lastId = utils.getPeerId(last.peer);
    const top = answer.messages.find(
      (message) => message.id === last.topMessage && !(message instanceof Api.MessageEmpty) && utils.getPeerId(message.peerId) === lastId,
    );
    const lastEntity = byId.get(lastId);
    if (top === undefined || top instanceof Api.MessageEmpty || lastEntity === undefined) break;
    offsetDate = top.date;
    offsetId = top.id;
    offsetPeer = utils.getInputPeer(lastEntity);
  }
  return found;
}
