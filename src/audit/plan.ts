/**
 * Which channels.getParticipants pages to ask for next, given what earlier pages found: the
 * enumeration strategy as pure logic, no I/O. Recent is paged first (every page at once, since the
 * member count is known); when it stops short of the count (Telegram stops near 10,000), the Admins,
 * Bots and Banned lists and search queries follow, a search that hits the same limit being refined
 * with one more letter, until the count is reached or no query is left. When Recent did list
 * everyone but people joined while it was read (offsets shift), its first pages are read once more
 * instead. The Kicked list (banned people, not members) is paged alongside when the account is an admin.
 */

/** channels.getParticipants filters the audit uses. */
export type ParticipantFilter = "recent" | "admins" | "bots" | "banned" | "kicked" | "search";

/** One listing: a filter, with a search text for the filters that take one (search, banned, kicked). */
export interface Query {
  filter: ParticipantFilter;
  q: string;
}

/** One page to fetch. */
export interface PageTask {
  query: Query;
  offset: number;
  limit: number;
}

/** What a fetched page held, as the plan needs to know it. */
export interface PageOutcome {
  /** The count Telegram reported with the page (for Recent: the member count). */
  count: number;
  /** Rows in the page. */
  rows: number;
  /** People in the chat the audit had not seen before. */
  newMembers: number;
  /** Banned people the audit had not seen before. */
  newKicked: number;
  /** First names, last names and usernames on the page, to learn which letters to search with. */
  words: Iterable<string>;
}

/** What the plan hands out: a page, nothing right now (wait for pages in flight), or the end. */
export type Step = { kind: "page"; task: PageTask } | { kind: "wait" } | { kind: "done" };

export interface PlanOptions {
  /** participants_count as Telegram reported it before the audit started. */
  memberCount: number;
  /** The account is an admin: the Banned and Kicked lists can be read. */
  canListBanned: boolean;
  /** Rows per call (Telegram's maximum is 200). */
  pageSize?: number;
  /**
   * Offset where Telegram is expected to stop a listing (about 10,000). Pages before it go out at
   * once; past it, one page probes whether the listing goes on, and only a full probe lets the rest
   * go out at once.
   */
  listingWindow?: number;
  /** Most search queries to run before giving up on completeness. */
  maxSearchQueries?: number;
  /** Letters every search starts with, besides those learned from names seen. */
  seedLetters?: string;
  /**
   * Whether name searches can find members Recent did not list (default true). False for a broadcast
   * channel: Telegram lists only its newest 200 or so subscribers, even to its owner, and its searches
   * reach only those (Telethon #3781, #1508), so they would cost calls and find nobody new.
   */
  nameSearches?: boolean;
}

/** How far the enumeration got, for the report. */
export interface PlanStatus {
  memberCount: number;
  membersFound: number;
  /** Banned people Telegram reported in the Kicked list; null when it was not read. */
  kickedCount: number | null;
  kickedFound: number;
  /** Every member Telegram counts was found. */
  complete: boolean;
  /** Recent stopped short of the member count (the other filters and searches were needed). */
  recentTruncated: boolean;
  /** Recent listed everyone but was read again from the top, people having joined meanwhile. */
  recentReread: boolean;
  /** Queries run, by filter. */
  queries: Record<ParticipantFilter, number>;
  /** Search queries were cut off at maxSearchQueries before the count was reached. */
  searchExhausted: boolean;
}

interface Listing {
  query: Query;
  /** Latest count Telegram reported for it (undefined until its first page came back). */
  count: number | undefined;
  /** Offset where the listing is known to end. */
  end: number;
  /** Next offset not yet handed out. */
  next: number;
  /** Offsets to hand out again (their fetch failed). */
  retries: number[];
  inflight: number;
  /** Pages starting before here go out without a probe. */
  window: number;
  /** The listing stopped short of its count. */
  truncated: boolean;
  settled: boolean;
}

const SEED_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A stable key for a query, to run each one once. */
export function queryKey(query: Query): string {
  return `${query.filter}:${query.q}`;
}

/** Lower-case words of a name or username, split as Telegram's member search splits them. */
export function searchWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** The enumeration strategy of one megagroup or channel. */
export class EnumerationPlan {
  private readonly pageSize: number;
  private readonly listingWindow: number;
  private readonly maxSearchQueries: number;
  private readonly canListBanned: boolean;
  private memberCount: number;
  private membersFound = 0;
  private kickedFound = 0;
  private readonly listings: Listing[] = [];
  private readonly started = new Set<string>();
  private readonly queries: Record<ParticipantFilter, number> = { recent: 0, admins: 0, bots: 0, banned: 0, kicked: 0, search: 0 };
  /** Queries with a search text (searches and refined Banned / Kicked lists) opened so far. */
  private searchTexts = 0;
  /** How often each letter starts a word, over every name seen. */
  private readonly initials = new Map<string, number>();
  /** Every letter seen in a word, for refining searches. */
  private readonly letters = new Set<string>();
  private readonly seedLetters: string;
  private readonly nameSearches: boolean;
  private recentTruncated = false;
  private recentReread = false;
  private searching = false;
  private searchExhausted = false;

  /** Creates the plan: Recent first, and the Kicked list when the account may read it. */
  constructor(options: PlanOptions) {
    this.pageSize = options.pageSize ?? 200;
    this.listingWindow = options.listingWindow ?? 10_000;
    this.maxSearchQueries = options.maxSearchQueries ?? 2_000;
    this.canListBanned = options.canListBanned;
    this.memberCount = options.memberCount;
    this.seedLetters = options.seedLetters ?? SEED_LETTERS;
    this.nameSearches = options.nameSearches ?? true;
    for (const letter of this.seedLetters) this.letters.add(letter);
    this.open({ filter: "recent", q: "" }, options.memberCount);
    if (this.canListBanned) this.open({ filter: "kicked", q: "" });
  }

  /** The next page to fetch, "wait" while the next decision needs pages in flight, or "done". */
  next(): Step {
    for (const listing of this.listings) {
      if (listing.settled || !this.wanted(listing)) continue;
      const offset = this.nextOffset(listing);
      if (offset === undefined) continue;
      listing.inflight++;
      return { kind: "page", task: { query: listing.query, offset, limit: this.pageSize } };
    }
    this.settle();
    if (this.listings.some((l) => l.inflight > 0)) return { kind: "wait" };
    this.advance();
    return this.listings.some((l) => !l.settled && this.wanted(l)) ? this.next() : { kind: "done" };
  }

  /** Records a fetched page. */
  onPage(task: PageTask, outcome: PageOutcome): void {
    const listing = this.listingOf(task.query);
    listing.inflight--;
    listing.count = outcome.count;
    if (task.query.filter === "recent") this.memberCount = outcome.count;
    this.membersFound += outcome.newMembers;
    this.kickedFound += outcome.newKicked;
    for (const text of outcome.words) this.learn(text);
    const reached = task.offset + outcome.rows;
    if (outcome.rows < task.limit) {
      listing.end = Math.min(listing.end, reached);
      if (reached < outcome.count) listing.truncated = true;
    } else if (task.offset >= listing.window) {
      listing.window = Infinity;
    }
  }

  /** Hands a page out again later: its fetch failed in a way worth retrying (flood wait, timeout). */
  retry(task: PageTask): void {
    const listing = this.listingOf(task.query);
    listing.inflight--;
    listing.retries.push(task.offset);
  }

  /** How far the enumeration got. */
  status(): PlanStatus {
    const kicked = this.listings.find((l) => l.query.filter === "kicked" && l.query.q === "");
    return {
      memberCount: this.memberCount,
      membersFound: this.membersFound,
      kickedCount: kicked ? (kicked.count ?? 0) : null,
      kickedFound: this.kickedFound,
      complete: this.membersFound >= this.memberCount,
      recentTruncated: this.recentTruncated,
      recentReread: this.recentReread,
      queries: { ...this.queries },
      searchExhausted: this.searchExhausted && this.membersFound < this.memberCount,
    };
  }

  private open(query: Query, count?: number): void {
    const key = queryKey(query);
    if (this.started.has(key)) return;
    if (query.q !== "") {
      if (this.searchTexts >= this.maxSearchQueries) {
        this.searchExhausted = true;
        return;
      }
      this.searchTexts++;
    }
    this.started.add(key);
    this.queries[query.filter]++;
    this.listings.push({ query, count, end: Infinity, next: 0, retries: [], inflight: 0, window: this.listingWindow, truncated: false, settled: false });
  }

  private listingOf(query: Query): Listing {
    const listing = this.listings.find((l) => l.query.filter === query.filter && l.query.q === query.q);
    if (!listing) throw new Error(`no listing for ${queryKey(query)}`);
    return listing;
  }

  /** Member listings stop once every member is found; the Kicked list always runs to its end. */
  private wanted(listing: Listing): boolean {
    return listing.query.filter === "kicked" || this.membersFound < this.memberCount;
  }

  private nextOffset(listing: Listing): number | undefined {
    if (listing.retries.length > 0) return listing.retries.shift();
    if (listing.count === undefined) return listing.next === 0 ? this.take(listing) : undefined;
    const limit = Math.min(listing.end, listing.count);
    if (listing.next >= limit) return undefined;
    if (listing.next >= listing.window && listing.inflight > 0) return undefined;
    return this.take(listing);
  }

  private take(listing: Listing): number {
    const offset = listing.next;
    listing.next += this.pageSize;
    return offset;
  }

  /** Marks listings with nothing left to fetch as settled, refining truncated searches. */
  private settle(): void {
    for (const listing of this.listings) {
      if (listing.settled || listing.inflight > 0 || listing.retries.length > 0) continue;
      const limit = listing.count === undefined ? Infinity : Math.min(listing.end, listing.count);
      if (listing.next < limit && this.wanted(listing)) continue;
      listing.settled = true;
      if (listing.query.filter === "recent") this.recentTruncated = listing.truncated;
      if (listing.truncated) this.refine(listing.query);
    }
  }

  /**
   * After Recent, when members are still missing: if Recent listed everyone, its first pages once more
   * (people who joined meanwhile are there); if it stopped at Telegram's limit, the other member lists
   * and the searches.
   */
  private advance(): void {
    if (this.searching) this.seed("search");
    if (this.searching || this.membersFound >= this.memberCount) return;
    if (!this.recentTruncated) {
      if (this.recentReread) return;
      this.recentReread = true;
      const recent = this.listingOf({ filter: "recent", q: "" });
      const pages = Math.ceil((this.memberCount - this.membersFound) / this.pageSize) + 1;
      for (let page = 0; page < pages; page++) recent.retries.push(page * this.pageSize);
      recent.settled = false;
      return;
    }
    this.searching = true;
    this.open({ filter: "admins", q: "" });
    this.open({ filter: "bots", q: "" });
    if (this.canListBanned) this.open({ filter: "banned", q: "" });
    this.seed("search");
  }

  /** Opens a search for every word-initial letter (most frequent first) not searched yet. */
  private seed(filter: "search" | "banned" | "kicked"): void {
    if (filter === "search" && !this.nameSearches) return;
    const letters = new Set([...[...this.initials.entries()].sort((a, b) => b[1] - a[1]).map(([letter]) => letter), ...this.seedLetters]);
    for (const letter of letters) this.open({ filter, q: letter });
  }

  /** A listing that hit Telegram's limit: its search text plus one more letter, or letters for an empty one. */
  private refine(query: Query): void {
    if (query.filter === "recent" || query.filter === "admins" || query.filter === "bots") return;
    if (query.filter === "search" && !this.nameSearches) return;
    if (query.q === "") {
      this.seed(query.filter);
      return;
    }
    for (const letter of this.letters) this.open({ filter: query.filter, q: query.q + letter });
  }

  private learn(text: string): void {
    for (const word of searchWords(text)) {
      const [initial] = word;
      this.initials.set(initial, (this.initials.get(initial) ?? 0) + 1);
      for (const letter of word) this.letters.add(letter);
    }
  }
}
