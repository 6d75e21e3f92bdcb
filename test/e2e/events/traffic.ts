/**
 * Shared by the event tests against the emulator: a recorder plugin that writes every new message, edit,
 * deletion and chat action it handles as one line, and the simulated people's traffic posted, edited and
 * deleted straight in the emulator's model (pushed to connected sessions as Telegram pushes them), each
 * returning the line the account's plugin should write for it.
 */
import { copyIn, deleteChannelMessages, deleteMessages, editChannelMessage, editMessage, postMessage } from "@tg-toolkit/emulator/model";
import { onAlbum, onChatAction, onDeleted, onEdited, onParticipant } from "../../../src/handlers/eventHandlers.js";
import { any } from "../../../src/handlers/filters.js";
import { definePlugin, onMessage, type Plugin } from "../../../src/handlers/plugin.js";
import type { World } from "../../kit/world.js";
import type { CastChat } from "../../updates/e2e.js";

/** The line of each kind of event, as the recorder writes it (the catch-up flag apart). */
export const lineOf = {
  message: (chatId: string, id: number) => `message ${chatId} ${id}`,
  edited: (chatId: string, id: number, text: string) => `edited ${chatId} ${id} ${text}`,
  deleted: (chatId: string | undefined, ids: readonly number[]) => `deleted ${chatId ?? "?"} ${ids.join(",")}`,
  action: (chatId: string, type: string) => `action ${chatId} ${type}`,
  album: (chatId: string, ids: readonly number[], caption: string) => `album ${chatId} ${ids.join(",")} ${caption}`,
  participant: (chatId: string, userId: string, before?: string, after?: string) => `participant ${chatId} ${userId} ${before ?? "none"}>${after ?? "none"}`,
};

/** A plugin handing every line to `write`, with " *" for caught-up events. */
export function recorderPlugin(write: (line: string, chatId: string | undefined) => void): Plugin {
  const flag = (catchUp: boolean) => (catchUp ? " *" : "");
  return definePlugin({
    name: "events-recorder",
    handlers: [
      onMessage(any, (ctx) => write(lineOf.message(ctx.message.chatId, ctx.message.messageId) + flag(ctx.isCatchUp), ctx.message.chatId)),
      onEdited(any, (ctx) => write(lineOf.edited(ctx.message.chatId, ctx.message.messageId, ctx.message.text) + flag(ctx.isCatchUp), ctx.message.chatId)),
      onDeleted((ctx) => write(lineOf.deleted(ctx.chatId, ctx.messageIds) + flag(ctx.isCatchUp), ctx.chatId)),
      onChatAction(any, (ctx) => write(lineOf.action(ctx.message.chatId, ctx.message.action?.type ?? "?") + flag(ctx.isCatchUp), ctx.message.chatId)),
      onAlbum(any, (ctx) =>
        write(
          lineOf.album(
            ctx.chatId,
            ctx.messages.map((message) => message.messageId),
            ctx.caption,
          ) + flag(ctx.isCatchUp),
          ctx.chatId,
        ),
      ),
      onParticipant((ctx) => {
        const { chatId, userId, before, after } = ctx.participant;
        write(lineOf.participant(chatId, userId, before, after) + flag(ctx.isCatchUp), chatId);
      }),
    ],
  });
}

/** A message a person posted, with its id as the sender has it and as the account has it. */
export interface Posted {
  readonly chat: CastChat;
  readonly senderId: number;
  readonly senderCopy: number;
  readonly ownerCopy: number;
  readonly expected: string;
}

/** The simulated people's traffic in the cast's chats, seen by the account `ownerId`. */
export class Traffic {
  private edits = 0;

  constructor(
    private readonly world: World,
    private readonly ownerId: number,
  ) {}

  /** A person posts to the chat; returns what the account's plugin should record. */
  post(chat: CastChat, senderIndex = 0): Posted {
    const senderId = Number(chat.senders[senderIndex % chat.senders.length]);
    const peer = { type: chat.peer.type, id: Number(chat.peer.id) };
    const record = postMessage(this.world.emu.model, senderId, peer, { text: `posted in ${chat.chatId}` });
    const ownerCopy = chat.peer.type === "channel" ? record.id : (copyIn(this.world.emu.model, record, this.ownerId)?.id ?? -1);
    return { chat, senderId, senderCopy: record.id, ownerCopy, expected: lineOf.message(chat.chatId, ownerCopy) };
  }

  /** A person posts an album of `count` messages (one grouped id, a caption on the first); returns the album's line. */
  postAlbum(chat: CastChat, count: number, groupedId: bigint): string {
    const senderId = Number(chat.senders[0]);
    const peer = { type: chat.peer.type, id: Number(chat.peer.id) };
    const ids: number[] = [];
    for (let n = 0; n < count; n += 1) {
      const record = postMessage(this.world.emu.model, senderId, peer, { text: n === 0 ? "holiday" : `part ${n + 1}`, groupedId });
      ids.push(chat.peer.type === "channel" ? record.id : (copyIn(this.world.emu.model, record, this.ownerId)?.id ?? -1));
    }
    return lineOf.album(chat.chatId, ids, "holiday");
  }

  /** The sender edits the message; returns the line expected. */
  edit(posted: Posted): string {
    const text = `edit ${(this.edits += 1)}`;
    const model = this.world.emu.model;
    const { chat } = posted;
    if (chat.peer.type === "channel") editChannelMessage(model, model.chats.get(Number(chat.peer.id))!, posted.senderId, posted.senderCopy, { text });
    else editMessage(model, posted.senderId, { type: chat.peer.type, id: Number(chat.peer.id) }, posted.senderCopy, { text });
    return lineOf.edited(chat.chatId, posted.ownerCopy, text);
  }

  /** The sender deletes the message for everyone; returns the line expected. */
  delete(posted: Posted): string {
    const model = this.world.emu.model;
    const { chat } = posted;
    if (chat.peer.type === "channel") deleteChannelMessages(model, model.chats.get(Number(chat.peer.id))!, posted.senderId, [posted.senderCopy]);
    else deleteMessages(model, posted.senderId, [posted.senderCopy], true);
    return lineOf.deleted(chat.chatId, [posted.ownerCopy]);
  }
}
