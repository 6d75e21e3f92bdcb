/**
 * Acceptance, in-process: `npm start`'s runtime over real GramJS and TCP against the emulator, with a
 * plugin for new messages, edits, deletions and chat actions. Each event is handled exactly once across a
 * POST /disconnect in the middle of traffic and across a restart; edits, deletions and joins made while
 * the runtime was stopped arrive at start, marked caught up, in order with their chat's messages; private
 * chats, a basic group, a broadcast channel and supergroups; an album is one event; and a bot gets the
 * edits of its private chat and of a supergroup it administers, join messages and participant changes.
 */
import { setMemberRole } from "@tg-toolkit/emulator/model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Runtime } from "../../../src/runtime/index.js";
import { startRuntime } from "../../../src/runtime/index.js";
import { openDatabase } from "../../../src/store/database.js";
import type { SessionStore } from "../../../src/telegram/sessionStore.js";
import { UpdateStateStore } from "../../../src/updates/stateStore.js";
import { captureLog } from "../../kit/log.js";
import { Watch } from "../../kit/watch.js";
import { signedInStore, startWorld, type World } from "../../kit/world.js";
import { type Cast, createCast } from "../../updates/e2e.js";
import { recorderPlugin, Traffic } from "./traffic.js";

let world: World;
let cast: Cast;
const running: Runtime[] = [];

beforeAll(async () => {
  world = await startWorld();
  cast = await createCast(world, "9996621811", 2);
});

afterAll(async () => {
  await Promise.all(running.map((runtime) => runtime.stop()));
  await world?.stop();
});

/** What the runtime's plugin handled, in order: every line, and the lines of each chat. */
class Lines {
  readonly all: string[] = [];
  readonly byChat = new Map<string, string[]>();
  private readonly watch = new Watch();

  write = (line: string, chatId: string | undefined): void => {
    this.all.push(line);
    const key = chatId ?? "?";
    this.byChat.set(key, [...(this.byChat.get(key) ?? []), line]);
    this.watch.changed();
  };

  /** The lines without their catch-up flag. */
  bare(): string[] {
    return this.all.map((line) => line.replace(/ \*$/, ""));
  }

  /** Resolves once every expected line was handled. */
  until(expected: readonly string[], timeoutMs = 20_000): Promise<void> {
    return this.watch.until(
      () => expected.every((line) => this.bare().includes(line)),
      () => `missing: ${expected.filter((line) => !this.bare().includes(line)).join(" | ")}; handled: ${this.all.join(" | ")}`,
      timeoutMs,
    );
  }
}

async function start(store: SessionStore, lines: Lines, env = {}, sessionName = "default"): Promise<Runtime> {
  const db = openDatabase(`${store.dir}/${sessionName}.db`);
  const runtime = await startRuntime({
    config: world.config(env),
    store,
    sessionName,
    plugins: [recorderPlugin(lines.write)],
    log: captureLog().log,
    updateState: new UpdateStateStore(db),
    closeables: [{ close: () => void db.close() }],
  });
  running.push(runtime);
  return runtime;
}

describe("edits, deletions and chat actions, user mode", () => {
  it("handles each once across a dropped connection and a restart; those made while stopped arrive at start, in order with their chat", async () => {
    const store = await signedInStore(world, cast.owner.id);
    const traffic = new Traffic(world, Number(cast.owner.id));
    let lines = new Lines();
    let runtime = await start(store, lines);
    await runtime.caughtUp;

    // Live: two messages in every chat and an edit of the first; then, across a disconnection, a second edit of the first and the second deleted.
    const posted = cast.chats.map((chat) => [traffic.post(chat), traffic.post(chat)] as const);
    const edits = posted.map(([first]) => traffic.edit(first));
    await lines.until([...posted.flatMap(([first, second]) => [first.expected, second.expected]), ...edits]);
    const { dropped } = await world.control.disconnect();
    expect(dropped).toBeGreaterThan(0);
    const moreEdits = posted.map(([first]) => traffic.edit(first));
    const deletions = posted.map(([, second]) => traffic.delete(second));
    await lines.until([...moreEdits, ...deletions]);
    const newcomer = await world.control.createUser({ firstName: "Newcomer" });
    const team = cast.chats.at(-2)!;
    setMemberRole(world.emu.model, Number(team.peer.id), Number(newcomer.id), "member");
    await lines.until([`action ${team.chatId} join`]);
    expect(lines.bare()).toHaveLength(new Set(lines.bare()).size);
    await runtime.stop();

    // Stopped: per chat a message, its edit, a second message, its deletion; a join and a leave in the basic group.
    // A channel's difference gives a message sent and edited meanwhile once, as it is now (its edit is not
    // repeated), and leaves a deleted message out; its deletion is still there.
    const group = cast.chats.find((chat) => chat.peer.type === "chat")!;
    const whileStopped = new Map<string, string[]>();
    for (const chat of cast.chats) {
      const first = traffic.post(chat);
      const edit = traffic.edit(first);
      const second = traffic.post(chat);
      const deletion = traffic.delete(second);
      whileStopped.set(chat.chatId, chat.peer.type === "channel" ? [first.expected, deletion] : [first.expected, edit, second.expected, deletion]);
    }
    setMemberRole(world.emu.model, Number(group.peer.id), Number(newcomer.id), "member");
    setMemberRole(world.emu.model, Number(group.peer.id), Number(newcomer.id), "left");
    lines = new Lines();
    runtime = await start(store, lines);
    await runtime.caughtUp;
    const expected = [...whileStopped.values()].flat();
    await lines.until([...expected, `action ${group.chatId} join`, `action ${group.chatId} leave`]);
    // A difference lists new messages apart from other updates (core.telegram.org/method/updates.getDifference:
    // new_messages, other_updates), so an edit or a deletion comes after the message it is about and after
    // the chat's other new messages of the same difference, never before.
    for (const [chatId, events] of whileStopped) {
      const handled = (lines.byChat.get(chatId) ?? []).map((line) => line.replace(/ \*$/, "")).filter((line) => events.includes(line));
      expect([...handled].sort(), chatId).toEqual([...events].sort());
      const messages = handled.filter((line) => line.startsWith("message "));
      expect(messages, chatId).toEqual(events.filter((line) => line.startsWith("message ")));
      for (const line of handled.filter((entry) => !entry.startsWith("message "))) {
        const about = `message ${chatId} ${line.split(" ")[2]}`;
        if (events.includes(about)) expect(handled.indexOf(line), `${line} after ${about}`).toBeGreaterThan(handled.indexOf(about));
      }
    }
    expect(lines.all.every((line) => line.endsWith(" *"))).toBe(true);
    const channels = cast.chats.filter((chat) => chat.peer.type === "channel").map((chat) => chat.chatId);
    expect(lines.bare().filter((line) => line.startsWith("edited") && channels.includes(line.split(" ")[1]))).toEqual([]);
    expect(lines.bare()).toHaveLength(new Set(lines.bare()).size);
    await runtime.stop();

    // A third start repeats nothing.
    const third = new Lines();
    runtime = await start(store, third);
    await runtime.caughtUp;
    const probe = traffic.post(cast.chats[0]);
    await third.until([probe.expected]);
    await runtime.stop();
    expect(third.bare()).toEqual([probe.expected]);
  });
});

describe("albums", () => {
  it("an album of three messages is one event after its messages, live and caught up, once across a restart", async () => {
    const store = await signedInStore(world, cast.owner.id);
    const traffic = new Traffic(world, Number(cast.owner.id));
    let lines = new Lines();
    let runtime = await start(store, lines);
    await runtime.caughtUp;
    const [privateChat] = cast.chats;
    const channel = cast.chats.at(-1)!;
    const live = [traffic.postAlbum(privateChat, 3, 501n), traffic.postAlbum(channel, 3, 502n)];
    await lines.until(live);
    for (const album of live) {
      const [, chatId, ids] = album.split(" ");
      const messages = ids.split(",").map((id) => `message ${chatId} ${id}`);
      const handled = lines.byChat.get(chatId) ?? [];
      expect(handled.indexOf(album)).toBeGreaterThan(Math.max(...messages.map((line) => handled.indexOf(line))));
    }
    await runtime.stop();
    const whileStopped = traffic.postAlbum(channel, 3, 503n);
    lines = new Lines();
    runtime = await start(store, lines);
    await lines.until([whileStopped]);
    await runtime.stop();
    expect(lines.all.filter((line) => line.startsWith("album "))).toEqual([`${whileStopped} *`]);
  });
});

describe("bot mode", () => {
  it("a bot gets the edits of its private chat and of a supergroup it administers, its join messages and participant changes, live and caught up", async () => {
    const bot = await world.control.createUser({ firstName: "Watcher", username: "watcher_bot", bot: true });
    const person = cast.people[0].id;
    const chat = await world.control.createChat({
      type: "supergroup",
      title: "Watched",
      creatorId: cast.owner.id,
      members: [
        { userId: person, role: "member" },
        { userId: bot.id, role: "admin" },
      ],
    });
    const groupChat = { chatId: `-100${chat.id}`, peer: { type: "channel" as const, id: chat.id }, senders: [person] };
    const privateChat = { chatId: person, peer: { type: "user" as const, id: bot.id }, senders: [person] };
    const traffic = new Traffic(world, Number(bot.id));
    const store = world.store();
    const env = { TELEGRAM_BOT_TOKEN: bot.botToken };
    const sessionName = `bot-${bot.id}`;
    let lines = new Lines();
    let runtime = await start(store, lines, env, sessionName);
    await runtime.caughtUp;
    const live = [traffic.post(privateChat), traffic.post(groupChat)];
    await lines.until(live.map((message) => message.expected));
    const liveEdits = live.map((message) => traffic.edit(message));
    const first = await world.control.createUser({ firstName: "First" });
    setMemberRole(world.emu.model, Number(chat.id), Number(first.id), "member");
    await lines.until([...liveEdits, `action ${groupChat.chatId} join`, `participant ${groupChat.chatId} ${first.id} none>member`]);
    await runtime.stop();

    const stoppedEdits = live.map((message) => traffic.edit(message));
    const second = await world.control.createUser({ firstName: "Second" });
    setMemberRole(world.emu.model, Number(chat.id), Number(second.id), "member");
    lines = new Lines();
    runtime = await start(store, lines, env, sessionName);
    await runtime.caughtUp;
    await lines.until([...stoppedEdits, `action ${groupChat.chatId} join`, `participant ${groupChat.chatId} ${second.id} none>member`]);
    await runtime.stop();
    expect(lines.all.every((line) => line.endsWith(" *"))).toBe(true);
    expect(lines.bare()).toHaveLength(new Set(lines.bare()).size);
    expect(lines.bare().some((line) => line.includes(first.id))).toBe(false);
  });
});
