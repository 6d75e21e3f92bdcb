/**
 * The membership service: a person's status in a group or channel, answered from the SQLite cache or
 * from Telegram, kept correct by the participant updates Telegram pushes. Concurrent checks of one
 * person share one request; a basic group's whole member list is fetched (and cached) at once; a
 * whole supergroup can be warmed up by paging its member list. Anything that cannot be determined
 * throws MembershipUnknownError, so callers fail closed.
 */
import { Api } from "telegram";
import type { MembershipCache, StatusEntry } from "./membershipCache.js";
import { membershipChanges } from "./participantUpdates.js";
import type { MemberStatus } from "./status.js";
import { type GroupRef, type MembershipSource, MembershipUnknownError, type SeenIn } from "./telegramSource.js";

/** Turns what a person typed or a resolved peer into a group, and a person into a user id. */
export interface PeerResolver {
  /** A group or channel by marked id, @username, t.me link or input peer. */
  group(ref: string | Api.TypeInputPeer): Promise<GroupRef>;
  /** A person's user id by id, @username, t.me link or input peer. */
  user(ref: string | Api.TypeInputPeer): Promise<string>;
}

/** Options of the MembershipService. */
export interface MembershipOptions {
  readonly cache: MembershipCache;
  readonly source: MembershipSource;
  /** Longest wait for Telegram's answer before giving up (and denying). */
  readonly timeoutMs: number;
  /** Needed only by `status` for references that are not already resolved. */
  readonly resolver?: PeerResolver;
}

/** What a warm-up stored. */
export interface WarmUpResult {
  /** Statuses stored. */
  readonly cached: number;
  /** Members Telegram says the group has. */
  readonly total: number;
  /** Requests made. */
  readonly requests: number;
}

/** Rows channels.getParticipants returns per call at most. */
export const PAGE_SIZE = 200;

/** Answers "where does this person stand in that group", cheaply and correctly. */
export class MembershipService {
  private readonly inFlight = new Map<string, Promise<MemberStatus>>();
  private readonly listsInFlight = new Map<string, Promise<readonly StatusEntry[]>>();
  private readonly overtakenLists = new Set<string>();
  /** In-flight pairs an update changed meanwhile: their (older) answers must not overwrite the update. */
  private readonly overtaken = new Set<string>();

  /** Creates the service over a cache and a source. */
  constructor(private readonly options: MembershipOptions) {}

  /** The cached status, or undefined when it must be asked (synchronous, no I/O beyond SQLite). */
  cached(chatId: string, userId: string): MemberStatus | undefined {
    return this.options.cache.get(chatId, userId);
  }

  /**
   * The status of a person in a resolved group: from the cache, else from Telegram (one request per pair at a
   * time). `seenIn` names a message of theirs, for people the account has no access hash for yet.
   */
  check(chat: GroupRef, userId: string, seenIn?: SeenIn): Promise<MemberStatus> {
    const cached = this.options.cache.get(chat.id, userId);
    if (cached !== undefined) return Promise.resolve(cached);
    const key = `${chat.id}:${userId}`;
    let pending = this.inFlight.get(key);
    if (pending === undefined) {
      pending = this.fetch(chat, userId, key, seenIn).finally(() => {
        this.inFlight.delete(key);
        this.overtaken.delete(key);
      });
      this.inFlight.set(key, pending);
    }
    return withTimeout(pending, this.options.timeoutMs);
  }

  /** The status of a person in a group, both given by id, @username, t.me link or (resolved) input peer. */
  async status(chat: string | Api.TypeInputPeer | GroupRef, user: string | Api.TypeInputPeer): Promise<MemberStatus> {
    const group = isGroupRef(chat) ? chat : await this.resolver().group(chat);
    const userId = typeof user === "string" && /^\d{1,20}$/.test(user) ? user : await this.resolver().user(user);
    return this.check(group, userId);
  }

  /**
   * Caches the whole member list of a group: a basic group in one request, a supergroup or channel by
   * paging channels.getParticipants (Telegram lists at most about 10,000 members this way; the rest are
   * checked one by one when they show up).
   */
  async warmUp(chat: GroupRef): Promise<WarmUpResult> {
    const { cache, source } = this.options;
    if (chat.input instanceof Api.InputPeerChat) {
      const entries = await withTimeout(source.groupMembers(chat), this.options.timeoutMs);
      cache.replaceChat(chat.id, entries, "list");
      return { cached: entries.length, total: entries.length, requests: 1 };
    }
    let offset = 0;
    let total = 0;
    let requests = 0;
    for (;;) {
      const page = await withTimeout(source.membersPage(chat, offset, PAGE_SIZE), this.options.timeoutMs);
      requests += 1;
      total = page.count;
      if (page.entries.length === 0) break;
      cache.putMany(chat.id, page.entries, "list");
      offset += page.entries.length;
      if (offset >= total) break;
    }
    return { cached: offset, total, requests };
  }

  /** Applies what a pushed update says about membership to the cache; returns how many changes it carried. */
  apply(update: unknown): number {
    const changes = membershipChanges(update);
    const { cache } = this.options;
    for (const change of changes) {
      if (change.kind === "set") {
        cache.put(change.chatId, change.userId, change.status, "update");
        this.markOvertaken(change.chatId, change.userId);
      } else {
        if (change.kind === "replace") cache.replaceChat(change.chatId, change.entries, "update");
        else cache.forget(change.chatId);
        this.markOvertaken(change.chatId);
      }
    }
    return changes.length;
  }

  private markOvertaken(chatId: string, userId?: string): void {
    if (this.listsInFlight.has(chatId)) this.overtakenLists.add(chatId);
    if (this.inFlight.size === 0) return;
    if (userId !== undefined) {
      const key = `${chatId}:${userId}`;
      if (this.inFlight.has(key)) this.overtaken.add(key);
      return;
    }
    for (const key of this.inFlight.keys()) if (key.startsWith(`${chatId}:`)) this.overtaken.add(key);
  }

  private async fetch(chat: GroupRef, userId: string, key: string, seenIn: SeenIn | undefined): Promise<MemberStatus> {
    const { cache, source } = this.options;
    if (chat.input instanceof Api.InputPeerChannel) {
      const status = await source.participant(chat, userId, seenIn);
      if (this.overtaken.has(key)) return cache.get(chat.id, userId) ?? status;
      cache.put(chat.id, userId, status, "rpc");
      return status;
    }
    if (cache.hasList(chat.id)) {
      cache.put(chat.id, userId, "none", "list");
      return "none";
    }
    const entries = await this.fetchGroupList(chat);
    const listed = entries.find((entry) => entry.userId === userId)?.status ?? "none";
    if (this.overtaken.has(key)) return cache.get(chat.id, userId) ?? listed;
    if (listed === "none") cache.put(chat.id, userId, listed, "list");
    return listed;
  }

  /** Fetches and caches a basic group's member list (unless an update changed the group meanwhile); concurrent callers share one request. */
  private fetchGroupList(chat: GroupRef): Promise<readonly StatusEntry[]> {
    let pending = this.listsInFlight.get(chat.id);
    if (pending === undefined) {
      pending = this.options.source
        .groupMembers(chat)
        .then((entries) => {
          if (!this.overtakenLists.has(chat.id)) this.options.cache.replaceChat(chat.id, entries, "list");
          return entries;
        })
        .finally(() => {
          this.listsInFlight.delete(chat.id);
          this.overtakenLists.delete(chat.id);
        });
      this.listsInFlight.set(chat.id, pending);
    }
    return pending;
  }

  private resolver(): PeerResolver {
    if (this.options.resolver === undefined) throw new Error("this membership service was built without a peer resolver");
    return this.options.resolver;
  }
}

function isGroupRef(value: unknown): value is GroupRef {
  return typeof value === "object" && value !== null && "id" in value && "input" in value && "label" in value;
}

/** Rejects with MembershipUnknownError when the promise takes longer than ms (the work itself goes on). */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new MembershipUnknownError(`no answer from Telegram within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
