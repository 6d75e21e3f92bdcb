/**
 * Gathers the messages of one album (one grouped id in one chat) into one event: an album is complete
 * once no more of its messages came for ALBUM_WAIT_MS, or when it holds ALBUM_MAX messages (Telegram's
 * album size, core.telegram.org/method/messages.sendMultiMedia: 2 to 10 items). Each message is recorded
 * as handled only when both its own handlers and the album's finished, so a crash in between hands the
 * whole album on again.
 */
import type { Album } from "../handlers/events.js";
import type { Message } from "../handlers/message.js";

/** How long an album waits for more of its messages, in milliseconds. */
export const ALBUM_WAIT_MS = 500;
/** Most messages an album holds. */
export const ALBUM_MAX = 10;

interface Pending {
  readonly messages: Message[];
  readonly dones: (() => void)[];
  timer: NodeJS.Timeout;
}

/** Collects album messages and hands each complete album to `ready` with the function that records its messages. */
export class AlbumCollector {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly ready: (album: Album, done: () => void) => void,
    private readonly waitMs = ALBUM_WAIT_MS,
  ) {}

  /**
   * Takes a new message; for one of an album, returns the `done` its own handlers must call instead of
   * `done` (the message is recorded once the album's handlers finished too). Others pass `done` through.
   */
  add(message: Message, done: () => void): () => void {
    if (message.groupedId === undefined) return done;
    const key = `${message.chatId}:${message.groupedId}`;
    let remaining = 2;
    const joint = () => {
      remaining -= 1;
      if (remaining === 0) done();
    };
    const pending = this.pending.get(key);
    if (pending === undefined) {
      this.pending.set(key, { messages: [message], dones: [joint], timer: this.timer(key) });
    } else {
      clearTimeout(pending.timer);
      pending.messages.push(message);
      pending.dones.push(joint);
      pending.timer = this.timer(key);
      if (pending.messages.length >= ALBUM_MAX) this.flush(key);
    }
    return joint;
  }

  /** Hands on every album waiting now (at stop). */
  flushAll(): void {
    for (const key of [...this.pending.keys()]) this.flush(key);
  }

  private timer(key: string): NodeJS.Timeout {
    const timer = setTimeout(() => this.flush(key), this.waitMs);
    timer.unref();
    return timer;
  }

  private flush(key: string): void {
    const pending = this.pending.get(key);
    if (pending === undefined) return;
    this.pending.delete(key);
    clearTimeout(pending.timer);
    const messages = [...pending.messages].sort((a, b) => a.messageId - b.messageId);
    const [first] = messages;
    const album: Album = { chatId: first.chatId, groupedId: first.groupedId!, messages, isCatchUp: messages.every((message) => message.isCatchUp) };
    this.ready(album, () => {
      for (const done of pending.dones) done();
    });
  }
}
