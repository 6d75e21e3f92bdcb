/**
 * What an mtcute client's updates manager dispatched: new, edited and deleted messages, each kept
 * in arrival order, with promises that resolve when a matching one arrives.
 */
import type { DeleteMessageUpdate, Message, TelegramClient } from "@mtcute/node";

interface Waiter<T> {
  match: (item: T) => boolean;
  resolve: (item: T) => void;
}

class Stream<T> {
  readonly items: T[] = [];
  private waiters: Waiter<T>[] = [];

  push(item: T): void {
    this.items.push(item);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(item)) return true;
      w.resolve(item);
      return false;
    });
  }

  /** The first item (already arrived or yet to come) that matches. */
  next(match: (item: T) => boolean): Promise<T> {
    const found = this.items.find(match);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }
}

/** The updates an mtcute client dispatched through its own updates manager. */
export class Inbox {
  readonly messages = new Stream<Message>();
  readonly edits = new Stream<Message>();
  readonly deletes = new Stream<DeleteMessageUpdate>();

  constructor(tg: TelegramClient) {
    tg.onNewMessage.add((m) => this.messages.push(m));
    tg.onEditMessage.add((m) => this.edits.push(m));
    tg.onDeleteMessage.add((d) => this.deletes.push(d));
  }

  /** The new message with this text. */
  text(text: string): Promise<Message> {
    return this.messages.next((m) => m.text === text);
  }

  /** How many new messages had this text (a message dispatched twice counts twice). */
  count(text: string): number {
    return this.messages.items.filter((m) => m.text === text).length;
  }
}
