/** Dialogs: an account's chats with their newest messages, newest first, in pages, as Dialog constructors. */
import { Api } from "telegram";
import { peerIndex } from "./boxIndex.js";
import { chatsOf } from "./chats.js";
import { HISTORY_LIMIT } from "./history.js";
import { peerKey, peerOf } from "./peerRefs.js";
import { channelReadState, commonReadState } from "./readState.js";
import type { ChatRecord, MessageBox, MessageRecord, PeerRef } from "./records.js";
import type { World } from "./world.js";

/** One dialog of an account: a private chat, basic group or channel, with its newest message. */
export interface DialogEntry {
  peer: PeerRef;
  top?: MessageRecord;
  /** Date of the newest message (the chat's date when it has none). */
  date: number;
}

function newestIn(box: MessageBox | undefined, ids?: number[]): MessageRecord | undefined {
  if (!box) return undefined;
  if (ids) return ids.length ? box.messages.get(ids[ids.length - 1]) : undefined;
  for (let id = box.lastMessageId; id > 0; id--) {
    const record = box.messages.get(id);
    if (record) return record;
  }
  return undefined;
}

/** Every dialog of an account, newest first: chats with messages in its box, plus its groups and channels. */
export function listDialogs(world: World, userId: number): DialogEntry[] {
  const box = world.boxOf(userId);
  const entries = new Map<string, DialogEntry>();
  for (const [key, { peer, ids }] of peerIndex(box).byPeer) {
    const top = newestIn(box, ids);
    if (top) entries.set(key, { peer, top, date: top.date });
  }
  for (const chat of chatsOf(world, userId)) {
    const peer: PeerRef = { type: chat.kind === "group" ? "chat" : "channel", id: chat.id };
    const key = peerKey(peer);
    if (entries.has(key)) continue;
    const top = chat.kind === "group" ? undefined : newestIn(chat.box);
    entries.set(key, { peer, top, date: top?.date ?? chat.date });
  }
  // Same second: common-box messages by id (their order of arrival), then channels, then chats without messages.
  const rank = (e: DialogEntry) => (!e.top ? 2 : e.peer.type === "channel" ? 1 : 0);
  return [...entries.values()].sort((a, b) => {
    if (a.date !== b.date) return b.date - a.date;
    if (rank(a) !== rank(b)) return rank(a) - rank(b);
    if (rank(a) === 0) return b.top!.id - a.top!.id;
    return peerKey(a.peer) < peerKey(b.peer) ? -1 : 1;
  });
}

/** Where messages.getDialogs resumes: after offset_peer when listed, else before offset_date/offset_id. */
export function dialogPage(entries: DialogEntry[], offset: { peer?: PeerRef; date: number; id: number }, limit: number): DialogEntry[] {
  let start = 0;
  const at = offset.peer ? entries.findIndex((e) => peerKey(e.peer) === peerKey(offset.peer!)) : -1;
  if (at >= 0) start = at + 1;
  else if (offset.date > 0) {
    start = entries.findIndex((e) => e.date < offset.date || (e.date === offset.date && (e.top?.id ?? 0) < offset.id));
    if (start < 0) start = entries.length;
  }
  return entries.slice(start, start + Math.min(Math.max(limit, 0), HISTORY_LIMIT));
}

/** The Dialog constructor of an entry, with the account's read marks and unread count. */
export function renderDialog(world: World, userId: number, entry: DialogEntry): Api.Dialog {
  const notifySettings = new Api.PeerNotifySettings({});
  const common = {
    peer: peerOf(entry.peer),
    topMessage: entry.top?.id ?? 0,
    unreadMentionsCount: 0,
    unreadReactionsCount: 0,
    notifySettings,
  };
  if (entry.peer.type === "channel") {
    const chat = world.chats.get(entry.peer.id) as ChatRecord;
    return new Api.Dialog({ ...common, ...channelReadState(chat, userId), pts: chat.box?.pts ?? 0 });
  }
  return new Api.Dialog({ ...common, ...commonReadState(world, userId, entry.peer) });
}
