/**
 * The update manager against a scripted Telegram (no network): first start, pts / seq rules and the wait
 * before a difference, difference slices and tooLong answers with both policies, channel differences,
 * exactly-once across a crash, the account's own messages, the age limit, catch-up off, reconnection
 * and backpressure.
 */
import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../../src/store/database.js";
import type { UpdatesApi } from "../../src/updates/fetch.js";
import { type Delivery, UpdateManager, type UpdateSink } from "../../src/updates/manager.js";
import { type CatchUpOptions, DEFAULT_CATCH_UP } from "../../src/updates/options.js";
import { UpdateStateStore } from "../../src/updates/stateStore.js";
import { deferred } from "../kit/deferred.js";
import { captureLog } from "../kit/log.js";

const big = returnBigInt;
const SELF = "1";
const NOW = 1_700_000_000;

type Responder = (request: Api.AnyRequest) => unknown;

/** A scripted Telegram: answers by request class, records every call, lets a test await a call. */
class ScriptedTelegram implements UpdatesApi {
  readonly calls: Api.AnyRequest[] = [];
  private readonly once = new Map<string, Responder[]>();
  private readonly always = new Map<string, Responder>();
  private readonly waiters: { className: string; count: number; resolve: () => void }[] = [];

  /** Answers every call of a class. */
  on(className: string, responder: Responder): this {
    this.always.set(className, responder);
    return this;
  }

  /** Answers the next calls of a class, in order, before falling back to `on`. */
  next(className: string, ...responders: Responder[]): this {
    this.once.set(className, [...(this.once.get(className) ?? []), ...responders]);
    return this;
  }

  invoke<R extends Api.AnyRequest>(request: R): Promise<R["__response"]> {
    this.calls.push(request);
    for (const waiter of [...this.waiters]) {
      if (this.count(waiter.className) >= waiter.count) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
    const responder = this.once.get(request.className)?.shift() ?? this.always.get(request.className);
    if (responder === undefined) return Promise.reject(new Error(`unexpected call ${request.className}`));
    return Promise.resolve().then(() => responder(request)) as Promise<R["__response"]>;
  }

  /** Calls made of a class. */
  count(className: string): number {
    return this.calls.filter((call) => call.className === className).length;
  }

  /** The calls of a class. */
  of<R extends Api.AnyRequest>(className: string): R[] {
    return this.calls.filter((call) => call.className === className) as R[];
  }

  /** Resolves once `count` calls of a class were made. */
  called(className: string, count = 1): Promise<void> {
    if (this.count(className) >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ className, count, resolve }));
  }
}

/** A sink recording what the manager hands on; messages are handled at once unless `manual`. */
function recordingSink(options: { manual?: boolean; writable?: () => Promise<void> } = {}) {
  const deliveries: Delivery[] = [];
  const updates: Api.TypeUpdate[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const sink: UpdateSink = {
    entities: () => {},
    update: (update) => void updates.push(update),
    message(delivery) {
      deliveries.push(delivery);
      if (!options.manual) delivery.handled();
      for (const waiter of [...waiters]) {
        if (deliveries.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    },
    writable: options.writable ?? (() => Promise.resolve()),
  };
  return {
    sink,
    deliveries,
    updates,
    /** "chat:id" of every message handed on, with "*" for caught-up ones. */
    seen: () => deliveries.map(({ update, catchUp }) => `${chatOf(update.message)}:${update.message.id}${catchUp ? "*" : ""}`),
    messages: (count: number) => (deliveries.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve }))),
  };
}

function chatOf(message: Api.Message): string {
  const peer = message.peerId;
  if (peer instanceof Api.PeerUser) return peer.userId.toString();
  if (peer instanceof Api.PeerChat) return `-${peer.chatId.toString()}`;
  return `-100${(peer as Api.PeerChannel).channelId.toString()}`;
}

// Telegram objects ---------------------------------------------------------------------------------

const userPeer = (userId: number) => new Api.PeerUser({ userId: big(userId) });
const chatPeer = (chatId: number) => new Api.PeerChat({ chatId: big(chatId) });
const channelPeer = (channelId: number) => new Api.PeerChannel({ channelId: big(channelId) });
const message = (id: number, peerId: Api.TypePeer, date = NOW, extra: Partial<Api.Message> = {}) =>
  new Api.Message({ id, peerId, fromId: peerId instanceof Api.PeerChannel ? userPeer(5) : undefined, date, message: `m${id}`, ...extra });
/** A private message from user 5 as Telegram pushes it. */
const dm = (id: number, pts: number, userId = 5) => new Api.UpdateShortMessage({ id, userId: big(userId), message: `m${id}`, pts, ptsCount: 1, date: NOW });
const groupMessage = (id: number, pts: number) =>
  new Api.UpdateShortChatMessage({ id, fromId: big(5), chatId: big(9), message: `m${id}`, pts, ptsCount: 1, date: NOW });
const channel = (id = 77) => new Api.Channel({ id: big(id), title: "news", photo: new Api.ChatPhotoEmpty(), date: 1, accessHash: big(555) });
const channelPush = (id: number, pts: number, channelId = 77) =>
  new Api.Updates({
    updates: [new Api.UpdateNewChannelMessage({ message: message(id, channelPeer(channelId)), pts, ptsCount: 1 })],
    users: [],
    chats: [channel(channelId)],
    date: NOW,
    seq: 0,
  });
const container = (seq: number, updates: Api.TypeUpdate[], seqStart?: number) =>
  seqStart === undefined
    ? new Api.Updates({ updates, users: [], chats: [], date: NOW, seq })
    : new Api.UpdatesCombined({ updates, users: [], chats: [], date: NOW, seqStart, seq });
const newMessage = (id: number, pts: number) => new Api.UpdateNewMessage({ message: message(id, userPeer(5)), pts, ptsCount: 1 });
const state = (pts: number, seq = 0, qts = 0) => new Api.updates.State({ pts, qts, date: NOW, seq, unreadCount: 0 });
const difference = (messages: Api.TypeMessage[], pts: number, seq = 0, otherUpdates: Api.TypeUpdate[] = []) =>
  new Api.updates.Difference({ newMessages: messages, newEncryptedMessages: [], otherUpdates, chats: [], users: [], state: state(pts, seq) });
const empty = (seq = 0) => new Api.updates.DifferenceEmpty({ date: NOW, seq });
/** Lets the manager save what changed (it saves state-only changes on the next turn of the event loop). */
const flushed = () => new Promise((resolve) => setImmediate(resolve));
const dialog = (peer: Api.TypePeer, topMessage: number, pts?: number) =>
  new Api.Dialog({
    peer,
    topMessage,
    readInboxMaxId: 0,
    readOutboxMaxId: 0,
    unreadCount: 0,
    unreadMentionsCount: 0,
    unreadReactionsCount: 0,
    notifySettings: new Api.PeerNotifySettings({}),
    pts,
  });
const history = (...messages: Api.Message[]) => new Api.messages.Messages({ messages: [...messages].reverse(), chats: [], users: [] });
const rpcError = (name: string) => Object.assign(new Error(name), { errorMessage: name });

// Harness ------------------------------------------------------------------------------------------

interface Setup {
  readonly store?: UpdateStateStore;
  readonly saved?: { pts: number; seq?: number; channels?: { chatId: string; pts: number }[]; cursors?: { chatId: string; messageId: number }[] };
  readonly catchUp?: Partial<CatchUpOptions>;
  readonly manual?: boolean;
  readonly writable?: () => Promise<void>;
}

const managers: UpdateManager[] = [];
afterEach(() => {
  for (const manager of managers.splice(0)) manager.stop();
  vi.useRealTimers();
});

function setup(telegram: ScriptedTelegram, options: Setup = {}) {
  const store = options.store ?? new UpdateStateStore(openDatabase(":memory:"));
  const { saved } = options;
  if (saved !== undefined) {
    store.commit({ common: { pts: saved.pts, qts: 0, seq: saved.seq ?? 0, date: NOW }, channels: saved.channels, cursors: saved.cursors });
    for (const { chatId } of saved.channels ?? []) store.saveAccessHash(chatId, "555");
  }
  const recorded = recordingSink({ manual: options.manual, writable: options.writable });
  const { log, lines } = captureLog();
  const manager = new UpdateManager({
    api: telegram,
    store,
    sink: recorded.sink,
    log,
    selfId: SELF,
    bot: false,
    catchUp: { ...DEFAULT_CATCH_UP, ...options.catchUp },
    gapWaitMs: 20,
    now: () => NOW,
  });
  managers.push(manager);
  const logged = () => lines.map((line) => JSON.parse(line) as { msg: string; [key: string]: unknown });
  return { manager, store, ...recorded, logged };
}

/** A Telegram whose common box has nothing new. */
const upToDate = () => new ScriptedTelegram().on("updates.GetDifference", () => empty());

// Tests --------------------------------------------------------------------------------------------

describe("first start", () => {
  it("records the state and the dialogs' channels and newest messages, and hands on only what arrives from then on", async () => {
    const telegram = new ScriptedTelegram()
      .on("updates.GetState", () => state(100))
      .on(
        "messages.GetDialogs",
        () => new Api.messages.Dialogs({ dialogs: [dialog(channelPeer(77), 40, 300), dialog(userPeer(5), 90)], messages: [], chats: [channel()], users: [] }),
      );
    const { manager, store, seen, logged } = setup(telegram);
    const starting = manager.start();
    manager.receive(dm(89, 100), "push");
    await starting;
    manager.receive(dm(91, 101), "push");
    expect(seen()).toEqual(["5:89", "5:91"]);
    expect(telegram.calls.map((call) => call.className)).toEqual(["updates.GetState", "messages.GetDialogs"]);
    await flushed();
    expect(store.load()).toMatchObject({
      common: { pts: 101 },
      channels: [{ chatId: "-10077", pts: 300, accessHash: "555" }],
      cursors: new Map([
        ["-10077", 40],
        ["5", 91],
      ]),
    });
    expect(logged()).toContainEqual(
      expect.objectContaining({ msg: "first start: recorded the update state; only new messages will be handled", pts: 100, channels: 1 }),
    );
  });
});

describe("first start, qts", () => {
  it("hands on a qts update that arrived while the state was recorded, like the pts ones", async () => {
    const telegram = new ScriptedTelegram()
      .on("updates.GetState", () => state(100, 0, 4))
      .on("messages.GetDialogs", () => new Api.messages.Dialogs({ dialogs: [], messages: [], chats: [], users: [] }));
    const { manager, updates } = setup(telegram);
    const participant = (qts: number) => new Api.UpdateChannelParticipant({ channelId: big(77), date: NOW, actorId: big(5), userId: big(5), qts });
    const starting = manager.start();
    manager.receive(container(0, [participant(4)]), "push");
    await starting;
    manager.receive(container(0, [participant(5)]), "push");
    manager.receive(container(0, [participant(5)]), "push");
    expect(updates.map((update) => (update as Api.UpdateChannelParticipant).qts)).toEqual([4, 5]);
  });
});

describe("pts and seq rules", () => {
  it("waits for a missing update before fetching anything: a gap filled in time costs no call", async () => {
    const telegram = upToDate();
    const { manager, seen } = setup(telegram, { saved: { pts: 100 } });
    await manager.start();
    vi.useFakeTimers();
    manager.receive(dm(2, 102), "push");
    await vi.advanceTimersByTimeAsync(10);
    expect(seen()).toEqual([]);
    manager.receive(groupMessage(1, 101), "push");
    await vi.advanceTimersByTimeAsync(100);
    expect(seen()).toEqual(["-9:1", "5:2"]);
    expect(telegram.count("updates.GetDifference")).toBe(1);
  });

  it("ignores an update already applied, and a message seen twice is handed on once", async () => {
    const { manager, seen } = setup(upToDate(), { saved: { pts: 100 } });
    await manager.start();
    manager.receive(dm(1, 101), "push");
    manager.receive(dm(1, 101), "push");
    manager.receive(container(0, [newMessage(1, 102)]), "push");
    expect(seen()).toEqual(["5:1"]);
    expect(manager.stats().duplicates).toBe(1);
  });

  it("fetches the difference when a gap stays open: the missed messages first, marked caught up, then the one that waited", async () => {
    const telegram = upToDate();
    const { manager, seen, messages } = setup(telegram, { saved: { pts: 100 } });
    await manager.start();
    telegram.next("updates.GetDifference", () => difference([message(1, userPeer(5)), message(2, chatPeer(9))], 102));
    manager.receive(dm(3, 103), "push");
    await messages(3);
    expect(seen()).toEqual(["5:1*", "-9:2*", "5:3"]);
    expect(telegram.of<Api.updates.GetDifference>("updates.GetDifference").at(-1)?.pts).toBe(100);
  });

  it("applies the next seq, ignores a container already applied, and fills a seq gap from the difference", async () => {
    const telegram = new ScriptedTelegram().on("updates.GetDifference", () => empty(10));
    const { manager, seen, messages } = setup(telegram, { saved: { pts: 100, seq: 10 } });
    await manager.start();
    manager.receive(container(11, [newMessage(1, 101)]), "push");
    manager.receive(container(11, [newMessage(2, 102)]), "push");
    expect(seen()).toEqual(["5:1"]);
    telegram.next("updates.GetDifference", () => difference([message(2, userPeer(5)), message(3, userPeer(5))], 103, 13));
    manager.receive(container(13, [newMessage(3, 103)], 13), "push");
    await messages(3);
    await telegram.called("updates.GetDifference", 2);
    expect(seen()).toEqual(["5:1", "5:2*", "5:3*"]);
    await flushed();
    manager.receive(container(15, [newMessage(4, 104)], 14), "push");
    expect(seen()).toEqual(["5:1", "5:2*", "5:3*", "5:4"]);
  });

  it("fetches the difference at once on updatesTooLong and follows its slices", async () => {
    const telegram = upToDate();
    const { manager, store, seen, messages } = setup(telegram, { saved: { pts: 100 } });
    await manager.start();
    telegram.next(
      "updates.GetDifference",
      () =>
        new Api.updates.DifferenceSlice({
          newMessages: [message(1, userPeer(5))],
          newEncryptedMessages: [],
          otherUpdates: [],
          chats: [],
          users: [],
          intermediateState: state(101),
        }),
      () => difference([message(2, userPeer(5))], 102),
    );
    manager.receive(new Api.UpdatesTooLong(), "push");
    await messages(2);
    expect(seen()).toEqual(["5:1*", "5:2*"]);
    expect(telegram.of<Api.updates.GetDifference>("updates.GetDifference").map((call) => call.pts)).toEqual([100, 100, 101]);
    await flushed();
    expect(store.load().common?.pts).toBe(102);
  });
});

describe("differenceTooLong", () => {
  const tooLong = () =>
    upToDate()
      .next(
        "updates.GetDifference",
        () => empty(),
        () => new Api.updates.DifferenceTooLong({ pts: 500 }),
      )
      .on(
        "messages.GetDialogs",
        () =>
          new Api.messages.Dialogs({
            dialogs: [dialog(userPeer(5), 13), dialog(channelPeer(77), 50, 900)],
            messages: [],
            chats: [channel()],
            users: [new Api.User({ id: big(5), accessHash: big(66), firstName: "A" })],
          }),
      )
      .on("messages.GetHistory", (request) => {
        const { minId } = request as Api.messages.GetHistory;
        return minId === 10 ? history(message(11, userPeer(5)), message(12, userPeer(5)), message(13, userPeer(5))) : history();
      });

  it("with the history policy, refetches each chat's messages after its cursor, then goes on from the new pts", async () => {
    const telegram = tooLong();
    const { manager, store, seen, messages, logged } = setup(telegram, { saved: { pts: 100, cursors: [{ chatId: "5", messageId: 10 }] } });
    await manager.start();
    manager.receive(new Api.UpdatesTooLong(), "push");
    await messages(3);
    await telegram.called("updates.GetDifference", 3);
    expect(seen()).toEqual(["5:11*", "5:12*", "5:13*"]);
    expect(telegram.of<Api.updates.GetDifference>("updates.GetDifference").at(-1)?.pts).toBe(500);
    expect(logged()).toContainEqual(
      expect.objectContaining({ msg: "update gap too long for getDifference: recovering missed messages from the chats' histories", from: 100, to: 500 }),
    );
    await flushed();
    expect(store.load().common?.pts).toBe(500);
  });

  it("with the skip policy, moves to the new pts and says what it skipped", async () => {
    const telegram = tooLong();
    const { manager, seen, logged } = setup(telegram, { saved: { pts: 100 }, catchUp: { tooLong: "skip" } });
    await manager.start();
    manager.receive(new Api.UpdatesTooLong(), "push");
    await telegram.called("updates.GetDifference", 3);
    expect(seen()).toEqual([]);
    expect(telegram.count("messages.GetHistory")).toBe(0);
    expect(logged()).toContainEqual(
      expect.objectContaining({
        msg: "update gap too long for getDifference: skipped to the current state",
        skippedPts: 400,
        reason: "CATCH_UP_TOO_LONG=skip",
      }),
    );
  });
});

describe("channels", () => {
  const saved = { pts: 100, channels: [{ chatId: "-10077", pts: 300 }], cursors: [{ chatId: "-10077", messageId: 40 }] };
  const channelDifference = (ids: number[], pts: number, final: boolean) =>
    new Api.updates.ChannelDifference({
      final,
      pts,
      newMessages: ids.map((id) => message(id, channelPeer(77))),
      otherUpdates: [],
      chats: [channel()],
      users: [],
    });
  /** A Telegram whose common difference names channel 77 (updateChannelTooLong), as it does for a channel with news. */
  const naming = () =>
    new ScriptedTelegram()
      .next("updates.GetDifference", () => difference([], 100, 0, [new Api.UpdateChannelTooLong({ channelId: big(77) })]))
      .on("updates.GetDifference", () => empty());
  const tooLongAnswer = () =>
    new Api.updates.ChannelDifferenceTooLong({ final: true, dialog: dialog(channelPeer(77), 45, 900), messages: [], chats: [channel()], users: [] });

  it("fetches no saved channel the common difference does not name (no gap, not silent long)", async () => {
    const telegram = upToDate();
    const { manager } = setup(telegram, { saved });
    await manager.start();
    expect(telegram.count("updates.GetDifference")).toBe(1);
    expect(telegram.count("updates.GetChannelDifference")).toBe(0);
  });

  it("catches up a channel the common difference names from its saved pts, slice by slice, asking at most 100 updates as a user", async () => {
    const telegram = naming().next(
      "updates.GetChannelDifference",
      () => channelDifference([41, 42], 302, false),
      () => channelDifference([43], 303, true),
    );
    const { manager, store, seen } = setup(telegram, { saved });
    await manager.start();
    expect(seen()).toEqual(["-10077:41*", "-10077:42*", "-10077:43*"]);
    const calls = telegram.of<Api.updates.GetChannelDifference>("updates.GetChannelDifference");
    expect(calls.map((call) => [call.pts, call.limit])).toEqual([
      [300, 100],
      [302, 100],
    ]);
    expect((calls[0].channel as Api.InputChannel).accessHash.toString()).toBe("555");
    await flushed();
    expect(store.load().channels).toEqual([{ chatId: "-10077", pts: 303, accessHash: "555" }]);
  });

  it("on channelDifferenceTooLong refetches the history after the cursor (history policy) and takes the dialog's pts", async () => {
    const telegram = naming()
      .next("updates.GetChannelDifference", () => tooLongAnswer())
      .on("messages.GetHistory", (request) =>
        (request as Api.messages.GetHistory).minId === 40 ? history(...[41, 42, 43, 44, 45].map((id) => message(id, channelPeer(77)))) : history(),
      );
    const { manager, store, seen, logged } = setup(telegram, { saved });
    await manager.start();
    expect(seen()).toEqual(["-10077:41*", "-10077:42*", "-10077:43*", "-10077:44*", "-10077:45*"]);
    await flushed();
    expect(store.load().channels[0].pts).toBe(900);
    expect(logged()).toContainEqual(
      expect.objectContaining({ msg: "channel difference too long: recovering the missed messages from its history", chat: "-10077", messages: 5 }),
    );
  });

  it("on channelDifferenceTooLong with the skip policy hands nothing on and logs the skipped messages", async () => {
    const telegram = naming().next("updates.GetChannelDifference", () => tooLongAnswer());
    const { manager, store, seen, logged } = setup(telegram, { saved, catchUp: { tooLong: "skip" } });
    await manager.start();
    expect(seen()).toEqual([]);
    expect(store.cursor("-10077")).toBe(45);
    expect(logged()).toContainEqual(
      expect.objectContaining({ msg: "channel difference too long: skipped to the current state", skippedMessages: 5, reason: "CATCH_UP_TOO_LONG=skip" }),
    );
  });

  it("with the skip policy, still hands on a live update that waited behind the skipped gap", async () => {
    const telegram = naming();
    const { manager, seen } = setup(telegram, { saved, catchUp: { tooLong: "skip" } });
    telegram.next("updates.GetChannelDifference", () => {
      manager.receive(channelPush(46, 900), "push");
      return new Api.updates.ChannelDifferenceTooLong({ final: true, dialog: dialog(channelPeer(77), 46, 900), messages: [], chats: [channel()], users: [] });
    });
    await manager.start();
    expect(seen()).toEqual(["-10077:46"]);
  });

  it("waits for a channel's missing update, then fetches its difference; a channel never seen starts from its first update", async () => {
    const telegram = upToDate().next(
      "updates.GetChannelDifference",
      () => new Api.updates.ChannelDifferenceEmpty({ final: true, pts: 300 }),
      () => channelDifference([41], 301, true),
    );
    const { manager, seen, messages } = setup(telegram, { saved });
    await manager.start();
    manager.receive(channelPush(42, 302), "push");
    manager.receive(channelPush(7, 1000, 88), "push");
    await messages(3);
    expect(seen()).toEqual(["-10088:7", "-10077:41*", "-10077:42"]);
  });

  it("forgets a channel the account can no longer read", async () => {
    const telegram = naming().next("updates.GetChannelDifference", () => {
      throw rpcError("CHANNEL_PRIVATE");
    });
    const { manager, store, logged } = setup(telegram, { saved });
    await manager.start();
    expect(store.load().channels).toEqual([]);
    expect(logged()).toContainEqual(expect.objectContaining({ msg: "no longer in the channel: stopped following its updates", error: "CHANNEL_PRIVATE" }));
  });
});

describe("exactly once", () => {
  it("after a crash, hands on again only what was not recorded as handled, from the pts saved before it", async () => {
    const store = new UpdateStateStore(openDatabase(":memory:"));
    const first = setup(upToDate(), { store, saved: { pts: 100 }, manual: true });
    await first.manager.start();
    first.manager.receive(dm(1, 101), "push");
    first.manager.receive(groupMessage(2, 102), "push");
    first.manager.receive(dm(3, 103, 6), "push");
    first.deliveries[2].handled();
    first.deliveries[1].handled();
    expect(store.load().common?.pts).toBe(100);
    first.manager.stop();

    const telegram = new ScriptedTelegram()
      .next("updates.GetDifference", () => difference([message(1, userPeer(5)), message(2, chatPeer(9)), message(3, userPeer(6))], 103))
      .on("updates.GetDifference", () => empty());
    const second = setup(telegram, { store });
    await second.manager.start();
    expect(second.seen()).toEqual(["5:1*"]);
    expect(second.manager.stats()).toMatchObject({ received: 1, duplicates: 2 });
    await flushed();
    expect(store.load().common?.pts).toBe(103);
  });

  it("records the account's own sent messages at once and never hands them on, even when a difference repeats them", async () => {
    const telegram = upToDate();
    const { manager, store, seen } = setup(telegram, { saved: { pts: 100 } });
    await manager.start();
    const own = message(7, userPeer(5), NOW, { out: true });
    manager.receive(container(0, [new Api.UpdateNewMessage({ message: own, pts: 101, ptsCount: 1 })]), "result");
    expect(store.isHandled({ chatId: "5", messageId: 7, kind: "new" })).toBe(true);
    telegram.next("updates.GetDifference", () => difference([own, message(8, userPeer(5))], 102));
    manager.receive(new Api.UpdatesTooLong(), "push");
    await telegram.called("updates.GetDifference", 2);
    await vi.waitFor(() => expect(seen()).toEqual(["5:8*"]));
  });
});

describe("catch-up options", () => {
  it("does not hand on caught-up messages older than the age limit", async () => {
    const telegram = new ScriptedTelegram()
      .next("updates.GetDifference", () => difference([message(1, userPeer(5), NOW - 7200), message(2, userPeer(5), NOW - 60)], 102))
      .on("updates.GetDifference", () => empty());
    const { manager, seen } = setup(telegram, { saved: { pts: 100 }, catchUp: { maxAgeSeconds: 3600 } });
    await manager.start();
    expect(seen()).toEqual(["5:2*"]);
    expect(manager.stats().tooOld).toBe(1);
  });

  it("with catch-up off, a restart records the current state and says updates were skipped", async () => {
    const telegram = new ScriptedTelegram()
      .on("updates.GetState", () => state(150))
      .on("messages.GetDialogs", () => new Api.messages.Dialogs({ dialogs: [], messages: [], chats: [], users: [] }));
    const { manager, store, seen, logged } = setup(telegram, { saved: { pts: 100 }, catchUp: { enabled: false } });
    await manager.start();
    expect(seen()).toEqual([]);
    expect(telegram.count("updates.GetDifference")).toBe(0);
    expect(store.load().common?.pts).toBe(150);
    expect(logged()).toContainEqual(
      expect.objectContaining({ msg: "catch-up is off (CATCH_UP=off): updates since the last run were not handled", skippedPts: 50 }),
    );
  });
});

describe("connection and backpressure", () => {
  it("catches up after a reconnection, making again a call that was in flight when the connection came back", async () => {
    const lost = deferred<unknown>();
    const telegram = upToDate();
    const { manager, seen, messages } = setup(telegram, { saved: { pts: 100 } });
    await manager.start();
    telegram.next(
      "updates.GetDifference",
      () => lost.promise,
      () => difference([message(1, userPeer(5))], 101),
    );
    manager.connection("disconnected");
    manager.connection("connected");
    await telegram.called("updates.GetDifference", 2);
    manager.connection("disconnected");
    manager.connection("connected");
    await messages(1);
    expect(seen()).toEqual(["5:1*"]);
    await telegram.called("updates.GetDifference", 4);
  });

  it("fetches no more missed updates until the handlers can take them", async () => {
    const room = deferred();
    let waiting = true;
    const telegram = upToDate();
    const { manager } = setup(telegram, { saved: { pts: 100 }, writable: () => (waiting ? room.promise : Promise.resolve()) });
    waiting = false;
    await manager.start();
    waiting = true;
    manager.receive(new Api.UpdatesTooLong(), "push");
    await new Promise((resolve) => setImmediate(resolve));
    expect(telegram.count("updates.GetDifference")).toBe(1);
    waiting = false;
    room.resolve();
    await telegram.called("updates.GetDifference", 2);
  });
});

describe("edits, deletions and chat actions", () => {
  function eventSink() {
    const recorded = recordingSink();
    const events: string[] = [];
    recorded.sink.event = (delivery) => {
      const { update } = delivery;
      if (update instanceof Api.UpdateEditMessage || update instanceof Api.UpdateEditChannelMessage)
        events.push(`edit ${chatOf(update.message as Api.Message)}:${update.message.id}`);
      else if (update instanceof Api.UpdateDeleteMessages) events.push(`delete ${delivery.chatId ?? "?"}:${update.messages.join(",")}`);
      else if (update instanceof Api.UpdateDeleteChannelMessages) events.push(`delete -100${update.channelId}:${update.messages.join(",")}`);
      else events.push(update.className);
      delivery.handled();
    };
    return { ...recorded, events };
  }

  it("hands edits, deletions split by chat and service messages on once, live and again in a difference", async () => {
    const store = new UpdateStateStore(openDatabase(":memory:"));
    store.claim(SELF);
    store.commit({ common: { pts: 10, qts: 0, seq: 0, date: NOW } });
    const telegram = new ScriptedTelegram().on("updates.GetDifference", () => empty());
    const { sink, events } = eventSink();
    const manager = new UpdateManager({ api: telegram, store, sink, log: captureLog().log, selfId: SELF, bot: false, gapWaitMs: 20 });
    await manager.start();
    const edit = new Api.UpdateEditMessage({ message: message(11, userPeer(5), NOW, { editDate: NOW + 5 }), pts: 13, ptsCount: 1 });
    manager.receive(container(0, [newMessage(11, 11), new Api.UpdateNewMessage({ message: message(12, chatPeer(9)), pts: 12, ptsCount: 1 }), edit]), "push");
    manager.receive(container(0, [new Api.UpdateDeleteMessages({ messages: [11, 12, 40], pts: 16, ptsCount: 3 })]), "push");
    const service = new Api.MessageService({
      id: 13,
      peerId: chatPeer(9),
      fromId: userPeer(5),
      date: NOW,
      action: new Api.MessageActionChatEditTitle({ title: "x" }),
    });
    manager.receive(container(0, [new Api.UpdateNewMessage({ message: service, pts: 17, ptsCount: 1 })]), "push");
    await flushed();
    expect(events).toEqual(["edit 5:11", "delete 5:11", "delete -9:12", "delete ?:40", "UpdateNewMessage"]);
    telegram.next("updates.GetDifference", () =>
      difference([], 17, 0, [edit, new Api.UpdateDeleteChannelMessages({ channelId: big(77), messages: [3], pts: 5, ptsCount: 1 })]),
    );
    manager.connection("disconnected");
    manager.connection("connected");
    await telegram.called("updates.GetDifference", 2);
    await flushed();
    expect(events).toEqual(["edit 5:11", "delete 5:11", "delete -9:12", "delete ?:40", "UpdateNewMessage", "delete -10077:3"]);
    manager.stop();
  });
});
