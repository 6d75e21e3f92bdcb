/**
 * The gateway's message calls end to end (real GramJS over TCP against the emulator; user mode, and a bot): a raw
 * ctx.client call sleeps through a FLOOD_WAIT; a forwarder plugin written with the public API only copies a
 * channel's posts (text, entities, a file) to another chat and forwards them with and without their author;
 * history walks 10,000 messages once each, in order, both ways, within id bounds; deletions, pins and
 * marking read work; a bot copies, forwards, pins and deletes as a supergroup admin; each refusal carries
 * Telegram's error name.
 */
import bigInt from "big-integer";
import { Api } from "telegram";
import { CustomFile } from "telegram/client/uploads.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rpcErrorName } from "../../../src/errors.js";
import { fromChannel } from "../../../src/handlers/filters.js";
import type { TelegramGateway } from "../../../src/handlers/gateway.js";
import type { Message } from "../../../src/handlers/message.js";
import { command, definePlugin, onMessage } from "../../../src/handlers/plugin.js";
import { type Runtime, startRuntime } from "../../../src/runtime/index.js";
import { captureLog } from "../../kit/log.js";
import { Watch } from "../../kit/watch.js";
import { handled, type Peer, signedInClient, signedInStore, startWorld, type World } from "../../kit/world.js";

let world: World;
let owner: { id: string };
let alice: { id: string };
let news: Peer;
let archive: Peer;
let team: Peer;
let runtime: Runtime;
const capture = captureLog();
/** The gateway as plugins see it, taken from a handler's context. */
let telegram: TelegramGateway;
/** What the raw ctx.client command answered. */
let rawAnswer: unknown;
const copied: number[] = [];
const watch = new Watch();

/** A forwarder, public API only: every post of the news channel is copied into the archive group. */
const forwarder = definePlugin({
  name: "forwarder",
  handlers: [
    onMessage(fromChannel("news_gw"), async (ctx) => {
      const sent = await ctx.telegram.copy(ctx.chat.id, ctx.message.messageId, `-${archive.id}`);
      copied.push(sent.messageId);
      watch.changed();
    }),
  ],
});

const probe = definePlugin({
  name: "probe",
  handlers: [
    command("grab", async (ctx) => {
      telegram = ctx.telegram;
    }),
    command("raw", async (ctx) => {
      const answer = await ctx.client.invoke(
        new Api.messages.GetHistory({ peer: ctx.chat.id, limit: 1, offsetId: 0, offsetDate: 0, addOffset: 0, maxId: 0, minId: 0, hash: 0n as never }),
      );
      rawAnswer = answer.className;
    }),
  ],
});

beforeAll(async () => {
  world = await startWorld();
  const { control } = world;
  owner = await control.createUser({ firstName: "Olivia", username: "olivia_gw", phone: "9996621331" });
  alice = await control.createUser({ firstName: "Alice", username: "alice_gw" });
  const members = [{ userId: alice.id, role: "member" as const }];
  news = {
    type: "channel",
    id: (
      await control.createChat({ type: "channel", title: "News", username: "news_gw", creatorId: alice.id, members: [{ userId: owner.id, role: "member" }] })
    ).id,
  };
  archive = { type: "channel", id: (await control.createChat({ type: "supergroup", title: "Archive", creatorId: owner.id, members })).id };
  team = {
    type: "channel",
    id: (await control.createChat({ type: "supergroup", title: "Team", creatorId: alice.id, members: [{ userId: owner.id, role: "member" }] })).id,
  };
  runtime = await startRuntime({ config: world.config(), store: await signedInStore(world, owner.id), plugins: [forwarder, probe], log: capture.log });
  await runtime.caughtUp;
  const grabbed = handled(runtime, (message) => message.text === ".grab");
  await control.sendMessage(owner.id, { type: "user", id: owner.id }, ".grab");
  await grabbed;
});

afterAll(async () => {
  await runtime?.stop();
  await world?.stop();
});

/** Every message of a chat through the gateway, in the walk's order. */
async function walk(chatId: string, options: Parameters<TelegramGateway["history"]>[1] = {}): Promise<Message[]> {
  const messages: Message[] = [];
  for await (const message of telegram.history(chatId, options)) messages.push(message);
  return messages;
}

/** A post of the news channel (the first one the forwarder saw). */
let firstPost = 0;
const copiedPost = () => firstPost;

/** The Telegram error name a call is refused with. */
async function refusal(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
  } catch (error) {
    return rpcErrorName(error);
  }
  throw new Error("the call was not refused");
}

describe("ctx.client", () => {
  it("sleeps through a FLOOD_WAIT on a raw invoke, as the gateway does", async () => {
    await world.control.addFault({ method: "messages.getHistory", error: "FLOOD_WAIT_1", count: 1 });
    const done = handled(runtime, (message) => message.text === ".raw");
    await world.control.sendMessage(owner.id, { type: "user", id: owner.id }, ".raw");
    await done;
    expect(rawAnswer).toMatch(/^messages\./);
    expect(capture.entries()).toContainEqual(
      expect.objectContaining({ msg: "flood wait: sleeping before retrying", method: "messages.getHistory", seconds: 1 }),
    );

    // A long wait is not slept: FloodWaitError stops the handler, as for the gateway's calls.
    rawAnswer = undefined;
    await world.control.addFault({ method: "messages.getHistory", error: "FLOOD_WAIT_3600", count: 1 });
    const stopped = handled(runtime, (message) => message.text === ".raw");
    await world.control.sendMessage(owner.id, { type: "user", id: owner.id }, ".raw");
    await stopped;
    expect(rawAnswer).toBeUndefined();
    expect(capture.entries()).toContainEqual(expect.objectContaining({ msg: "handler stopped by a flood wait", method: "messages.getHistory", seconds: 3600 }));
  });
});

describe("forward and copy", () => {
  it("a forwarder plugin copies a channel's posts, text, entities and a file, with no forward header", async () => {
    const client = await signedInClient(world.emu, alice.id, { getMe: true });
    try {
      const channel = await client.getInputEntity("news_gw");
      await client.sendMessage(channel, { message: "**first** post", parseMode: "md" });
      await client.sendMessage(channel, { message: "second post" });
      await client.sendFile(channel, { file: new CustomFile("note.txt", 5, "", Buffer.from("hello")), caption: "a file", forceDocument: true });
    } finally {
      await client.destroy();
    }
    await watch.until(
      () => copied.length === 3,
      () => `copied ${copied.length} of 3`,
      20_000,
    );
    const copies = (await walk(`-100${archive.id}`, { order: "oldest" })).filter((message) => copied.includes(message.messageId));
    expect(copies.map((message) => message.text)).toEqual(["first post", "second post", "a file"]);
    expect(copies[0].entities).toEqual([expect.objectContaining({ type: "bold", offset: 0, length: 5 })]);
    expect(copies[2].media).toMatchObject({ kind: "document", fileName: "note.txt", size: 5 });
    expect(copies.every((message) => message.forward === undefined)).toBe(true);
  });

  it("forwards keeping the author, or dropping it", async () => {
    const posts = (await walk(`-100${news.id}`, { order: "oldest" })).filter((message) => message.action === undefined).slice(0, 2);
    firstPost = posts[0].messageId;
    const kept = await telegram.forward(
      `-100${news.id}`,
      posts.map((post) => post.messageId),
      `-100${archive.id}`,
    );
    const dropped = await telegram.forward(`-100${news.id}`, [posts[0].messageId], `-100${archive.id}`, { dropAuthor: true });
    expect(kept).toHaveLength(2);
    const [first, second] = await Promise.all(kept.map((sent) => telegram.getMessage(sent.chatId, sent.messageId)));
    expect(first?.forward).toMatchObject({ fromId: `-100${news.id}`, messageId: posts[0].messageId });
    expect(second?.text).toBe("second post");
    const copy = await telegram.getMessage(`-100${archive.id}`, dropped[0].messageId);
    expect(copy).toMatchObject({ text: "first post" });
    expect(copy?.forward).toBeUndefined();
  });

  it("refuses with Telegram's error names", async () => {
    expect(await refusal(telegram.forward(`-100${news.id}`, [999_999], `-100${archive.id}`))).toBe("MESSAGE_ID_INVALID");
    expect(await refusal(telegram.forward(`-100${news.id}`, [], `-100${archive.id}`))).toBe("MESSAGE_IDS_EMPTY");
    expect(await refusal(telegram.copy(`-100${news.id}`, 999_999, `-100${archive.id}`))).toBe("MESSAGE_ID_INVALID");
    // One random_id per message, never used before (as messages.sendMessage answers it).
    const client = await signedInClient(world.emu, owner.id, { getMe: true });
    try {
      await client.getDialogs({}); // the chats' access hashes
      const [fromPeer, toPeer] = await Promise.all([client.getInputEntity(`-100${news.id}`), client.getInputEntity(`-100${archive.id}`)]);
      const forward = (randomId: bigint[]) =>
        client.invoke(new Api.messages.ForwardMessages({ fromPeer, toPeer, id: [copiedPost()], randomId: randomId.map((id) => bigInt(id)) }));
      await forward([77n]);
      expect(await refusal(forward([77n]))).toBe("RANDOM_ID_DUPLICATE");
      expect(await refusal(forward([78n, 79n]))).toBe("RANDOM_ID_INVALID");
    } finally {
      await client.destroy();
    }
    // Only the channel's admins post into it.
    expect(await refusal(telegram.copy(`-100${archive.id}`, copied[0], `-100${news.id}`))).toBe("CHAT_WRITE_FORBIDDEN");
  });
});

describe("delete and mark read", () => {
  it("deletes the account's own messages for everyone, and is refused others' without admin rights", async () => {
    const mine = await telegram.sendMessage(`-100${team.id}`, "to be deleted");
    const { id: theirs } = await world.control.sendMessage(alice.id, team, "alice's");
    expect(await refusal(telegram.delete(`-100${team.id}`, [Number(theirs)]))).toBe("MESSAGE_DELETE_FORBIDDEN");
    await telegram.delete(`-100${team.id}`, [mine.messageId]);
    expect(await telegram.getMessage(`-100${team.id}`, mine.messageId)).toBeUndefined();
    expect(await telegram.getMessage(`-100${team.id}`, Number(theirs))).toMatchObject({ text: "alice's" });
  });

  it("marks a chat read", async () => {
    const { id } = await world.control.sendMessage(alice.id, { type: "user", id: owner.id }, "read me");
    await telegram.markRead(alice.id, Number(id));
    await telegram.markRead(`-100${team.id}`);
  });
});

describe("pin and unpin", () => {
  it("pins with a service message, unpins, and is refused without the right to pin", async () => {
    const archiveId = `-100${archive.id}`;
    const note = await telegram.sendMessage(archiveId, "pin me");
    await telegram.pin(archiveId, note.messageId, { silent: true });
    const [newest] = await walk(archiveId, { limit: 1 });
    expect(newest.action).toEqual({ type: "pin", messageId: note.messageId });
    await telegram.unpin(archiveId, note.messageId);
    // The control API answers with the sender's copy; the account's own id of it comes with its update.
    const received = handled(runtime, (message) => message.text === "pin me too");
    await world.control.sendMessage(alice.id, { type: "user", id: owner.id }, "pin me too");
    await telegram.pin(alice.id, (await received).messageId, { forMe: true });
    const { id: theirs } = await world.control.sendMessage(alice.id, team, "not yours to pin");
    expect(await refusal(telegram.pin(`-100${team.id}`, Number(theirs)))).toBe("CHAT_ADMIN_REQUIRED");
    expect(await refusal(telegram.pin(archiveId, 999_999))).toBe("MESSAGE_ID_INVALID");
  });
});

describe("history", () => {
  it("walks 10,000 messages once each, in order, newest or oldest first, within id bounds", async () => {
    const big: Peer = {
      type: "channel",
      id: (await world.control.createChat({ type: "supergroup", title: "Big", creatorId: alice.id, members: [{ userId: owner.id, role: "member" }] })).id,
    };
    // The runtime meets the chat (and its access hash) in the updates of its messages.
    const seen = handled(runtime, (message) => message.text === "m9999", 60_000);
    const ids = (await world.control.sendMessages(Array.from({ length: 10_000 }, (_, n) => ({ fromId: alice.id, peer: big, text: `m${n}` })))).map(Number);
    const chatId = `-100${big.id}`;
    await seen;
    const texts = (messages: Message[]) => messages.filter((message) => message.action === undefined).map((message) => message.text);
    const expected = ids.map((_, n) => `m${n}`);

    const newest = await walk(chatId);
    expect(new Set(newest.map((message) => message.messageId)).size).toBe(newest.length);
    expect(texts(newest)).toEqual([...expected].reverse());
    expect(newest.every((message, n) => n === 0 || message.messageId < newest[n - 1].messageId)).toBe(true);

    const oldest = await walk(chatId, { order: "oldest" });
    expect(texts(oldest)).toEqual(expected);
    expect(oldest.map((message) => message.messageId)).toEqual(newest.map((message) => message.messageId).reverse());

    const [from, to] = [ids[4_321], ids[4_321 + 250]];
    expect((await walk(chatId, { fromId: from, toId: to })).map((message) => message.messageId)).toEqual(ids.slice(4_321, 4_572).reverse());
    expect((await walk(chatId, { order: "oldest", fromId: from, toId: to })).map((message) => message.messageId)).toEqual(ids.slice(4_321, 4_572));
    expect((await walk(chatId, { order: "oldest", fromId: from, limit: 3 })).map((message) => message.text)).toEqual(["m4321", "m4322", "m4323"]);
  }, 120_000);
});

describe("bot mode", () => {
  it("copies, forwards, pins and deletes others' messages as an admin of a supergroup", async () => {
    const bot = await world.control.createUser({ firstName: "Desk bot", username: "desk_gw_bot", bot: true });
    const desk: Peer = {
      type: "channel",
      id: (
        await world.control.createChat({
          type: "supergroup",
          title: "Desk",
          creatorId: alice.id,
          members: [
            { userId: owner.id, role: "member" },
            { userId: bot.id, role: "admin" },
          ],
        })
      ).id,
    };
    let botTelegram: TelegramGateway | undefined;
    const grabber = definePlugin({ name: "grabber", handlers: [command("grab", (ctx) => void (botTelegram = ctx.telegram))] });
    const botRuntime = await startRuntime({
      config: world.config({ TELEGRAM_BOT_TOKEN: bot.botToken }),
      store: world.store(),
      plugins: [grabber],
      log: captureLog().log,
    });
    try {
      const grabbed = handled(botRuntime, (message) => message.text === "/grab");
      await world.control.sendMessage(alice.id, desk, "/grab");
      await grabbed;
      const gateway = botTelegram!;
      const chatId = `-100${desk.id}`;
      const { id } = await world.control.sendMessage(alice.id, desk, "hello desk");
      const copy = await gateway.copy(chatId, Number(id), chatId);
      const [forward] = await gateway.forward(chatId, [Number(id)], chatId);
      const copied = await gateway.getMessage(chatId, copy.messageId);
      expect(copied?.text).toBe("hello desk");
      expect(copied?.forward).toBeUndefined();
      expect((await gateway.getMessage(chatId, forward.messageId))?.forward).toMatchObject({ fromId: alice.id });
      await gateway.pin(chatId, Number(id));
      expect(await refusal(gateway.pin(alice.id, Number(id), { forMe: true }))).toBe("BOT_ONESIDE_NOT_AVAIL");
      // History and read marks are for user accounts.
      expect(await refusal(gateway.markRead(chatId))).toBe("BOT_METHOD_INVALID");
      expect(await refusal(gateway.history(chatId)[Symbol.asyncIterator]().next())).toBe("BOT_METHOD_INVALID");
      await gateway.delete(chatId, [Number(id)]);
      expect(await gateway.getMessage(chatId, Number(id))).toBeUndefined();
    } finally {
      await botRuntime.stop();
    }
  });
});
