/** What catch-up does: whether it runs at start, how far back it goes, and what it does when a gap is too long. */

/**
 * What to do when Telegram answers that a gap is too long to replay (differenceTooLong,
 * channelDifferenceTooLong): "history" refetches the missed messages with messages.getHistory (as the
 * docs advise; bots cannot, they skip), "skip" jumps to the current state and logs what was skipped.
 */
export type TooLongPolicy = "history" | "skip";

/** The TooLongPolicy names, for validation. */
export const TOO_LONG_POLICIES: readonly TooLongPolicy[] = ["history", "skip"];

/** Catch-up settings (CATCH_UP_* variables). */
export interface CatchUpOptions {
  /** Handle what arrived while the userbot was stopped (gaps while running are always filled). */
  readonly enabled: boolean;
  /** Caught-up messages older than this many seconds are not handled (0: no limit). */
  readonly maxAgeSeconds: number;
  readonly tooLong: TooLongPolicy;
  /** Most messages one chat's history recovery fetches; older ones are skipped and logged. */
  readonly historyLimit: number;
}

/** The defaults: catch up, a week back at most, refetch history on tooLong, 10,000 messages per chat at most. */
export const DEFAULT_CATCH_UP: CatchUpOptions = { enabled: true, maxAgeSeconds: 7 * 86_400, tooLong: "history", historyLimit: 10_000 };

/** How long a gap may stay open before a difference is fetched (the docs advise waiting about half a second). */
export const GAP_WAIT_MS = 500;

/**
 * How long a box (the common one, or a channel) may go without an update before its difference is fetched:
 * 15 minutes, the documented figure ("Long period without updates: no updates for 15 minutes or longer",
 * core.telegram.org/api/updates, Recovering gaps), which Telethon (NO_UPDATES_TIMEOUT) and mtcute
 * (KEEP_ALIVE_INTERVAL) use too. Measured from when this process started following the box, so a start or
 * a reconnect fetches no quiet channel: getDifference names those with news.
 */
export const SILENCE_MS = 15 * 60_000;
