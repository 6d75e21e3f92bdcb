/**
 * Unmodified GramJS against the standalone emulator (its own process, `npm run emulator`), over
 * TCP with a fresh auth-key handshake: login with a test number and with 2FA, getMe, messages in
 * private chats, basic groups, megagroups and channels, and reconnection after POST /disconnect.
 */

import bigInt from "big-integer";
import { Api, type TelegramClient } from "telegram";
import { NewMessage, type NewMessageEvent } from "telegram/events/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorClient } from "../src/client.js";
import { loginWithCode, nextMessage, type StandaloneEmulator, spawnEmulator } from "../src/testing/index.js";

let emu: StandaloneEmulator;
let olivia: { id: string; phone?: string };
let alice: { id: string };
let client: TelegramClient;

beforeAll(async () => {
  emu = await spawnEmulator(["--port", "0"]);
  olivia = await emu.control.createUser({ firstName: "Olivia", username: "olivia", phone: "9996621001" });
  alice = await emu.control.createUser({ firstName: "Alice", username: "alice_e2e" });
  client = await emulatorClient(emu);
  await client.connect();
  // 99966XYYYY numbers log in with X repeated five times, as on Telegram's test servers.
  await loginWithCode(client, "9996621001", async () => "22222");
});

afterAll(async () => {
  await client?.destroy();
  const code = await emu?.stop();
  expect(code).toBe(0);
});

describe("standalone emulator", () => {
  it("announces itself with the contract's ready line", () => {
    expect(emu.host).toBe("127.0.0.1");
    expect(emu.port).toBeGreaterThan(0);
    expect(emu.port).toBeLessThan(32768);
    expect(emu.dcId).toBe(2);
    expect(emu.controlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emu.rsaPublicKey).toContain("-----BEGIN RSA PUBLIC KEY-----");
  });

  it("logs in with a test number and answers getMe as that account", async () => {
    const me = await client.getMe();
    expect(String(me.id)).toBe(olivia.id);
    expect(me.username).toBe("olivia");
    expect(me.self).toBe(true);
  });

  it("logs in an account with a 2FA password through SRP, and refuses a wrong one", async () => {
    const dana = await emu.control.createUser({ firstName: "Dana", phone: "9996621002", password: "correct horse" });
    const wrong = await emulatorClient(emu);
    await wrong.connect();
    await expect(loginWithCode(wrong, dana.phone!, async () => "22222", "wrong")).rejects.toThrow(/PASSWORD_HASH_INVALID/);
    await wrong.destroy();

    const second = await emulatorClient(emu);
    await second.connect();
    await loginWithCode(second, dana.phone!, async () => "22222", "correct horse");
    expect(String((await second.getMe()).id)).toBe(dana.id);
    await second.destroy();
  });

  it("receives a private message from a simulated person and sends one back", async () => {
    const incoming = nextMessage(client, "hi Olivia");
    await emu.control.sendMessage(alice.id, { type: "user", id: olivia.id }, "hi Olivia");
    const event = await incoming;
    expect(String(event.message.senderId)).toBe(alice.id);
    expect(event.isPrivate).toBe(true);

    await client.sendMessage("alice_e2e", { message: "hi Alice" });
    const seen = await emu.control.messages("user", olivia.id, { viewerId: alice.id, limit: 5 });
    expect(seen[0]).toMatchObject({ fromId: olivia.id, text: "hi Alice" });
  });

  it("carries messages both ways in a basic group", async () => {
    const group = await emu.control.createChat({
      type: "group",
      title: "Family",
      creatorId: alice.id,
      members: [{ userId: olivia.id, role: "member" }],
    });
    const incoming = nextMessage(client, "dinner at 8");
    await emu.control.sendMessage(alice.id, { type: "chat", id: group.id }, "dinner at 8");
    const event = await incoming;
    expect(event.isGroup).toBe(true);
    expect(String(event.message.senderId)).toBe(alice.id);

    await client.sendMessage(event.message.peerId, { message: "on my way" });
    const seen = await emu.control.messages("chat", group.id, { viewerId: alice.id, limit: 5 });
    expect(seen[0]).toMatchObject({ fromId: olivia.id, text: "on my way" });
  });

  it("carries messages both ways in a megagroup, and delivers broadcast channel posts", async () => {
    const mega = await emu.control.createChat({
      type: "supergroup",
      title: "Builders",
      username: "builders_e2e",
      creatorId: alice.id,
      members: [{ userId: olivia.id, role: "member" }],
    });
    const incoming = nextMessage(client, "standup in 5");
    await emu.control.sendMessage(alice.id, { type: "channel", id: mega.id }, "standup in 5");
    expect(String((await incoming).message.senderId)).toBe(alice.id);

    await client.sendMessage("builders_e2e", { message: "joining" });
    const seen = await emu.control.messages("channel", mega.id, { limit: 5 });
    expect(seen[0]).toMatchObject({ fromId: olivia.id, text: "joining" });

    const news = await emu.control.createChat({
      type: "channel",
      title: "News",
      creatorId: alice.id,
      members: [{ userId: olivia.id, role: "member" }],
    });
    const post = nextMessage(client, "release 1.0 is out");
    await emu.control.sendMessage(alice.id, { type: "channel", id: news.id }, "release 1.0 is out");
    expect((await post).isChannel).toBe(true);
    await expect(client.sendMessage((await post).message.peerId, { message: "may I?" })).rejects.toThrow(/CHAT_WRITE_FORBIDDEN|CHAT_ADMIN_REQUIRED/);
  });

  it("lets an admin enumerate a 25,000-member megagroup: Recent stops at 10,000, searches reach the rest", async () => {
    const big = await emu.control.createChat({
      type: "supergroup",
      title: "Big group",
      username: "big_group_e2e",
      creatorId: alice.id,
      members: [{ userId: olivia.id, role: "admin" }],
    });
    await emu.control.seedMembers(big.id, 25_000);
    const channel = await client.getInputEntity("big_group_e2e");

    const page = (filter: Api.TypeChannelParticipantsFilter, offset: number) =>
      client.invoke(new Api.channels.GetParticipants({ channel, filter, offset, limit: 200, hash: bigInt(0) }));
    const found = new Set<string>();
    const collect = async (filter: Api.TypeChannelParticipantsFilter): Promise<number> => {
      let total = 0;
      for (let offset = 0; ; offset += 200) {
        const res = await page(filter, offset);
        if (!(res instanceof Api.channels.ChannelParticipants)) throw new Error("unexpected notModified");
        expect(res.participants.length).toBeLessThanOrEqual(200);
        if (res.participants.length === 0) return total;
        total += res.participants.length;
        for (const p of res.participants) {
          // Restricted and kicked people come as channelParticipantBanned, which names a peer.
          const id = "userId" in p ? p.userId : "peer" in p && p.peer instanceof Api.PeerUser ? p.peer.userId : undefined;
          if (id !== undefined) found.add(String(id));
        }
      }
    };

    const recent = await page(new Api.ChannelParticipantsRecent(), 0);
    if (!(recent instanceof Api.channels.ChannelParticipants)) throw new Error("unexpected notModified");
    const members = recent.count;
    expect(members).toBeGreaterThan(23_000); // 25,000 seeded, some of them left or were kicked
    expect(await collect(new Api.ChannelParticipantsRecent())).toBe(10_000);

    const letters = [..."abcdefghijklmnopqrstuvwxyz", ..."абвгдежзиклмнопрстуфхцчшщэюя"];
    for (const q of letters) await collect(new Api.ChannelParticipantsSearch({ q }));
    await collect(new Api.ChannelParticipantsAdmins());
    await collect(new Api.ChannelParticipantsBots());
    // Deleted accounts have no name to search for: beyond the Recent window they stay out of
    // reach, as on Telegram (0.5% of the seeded people are deleted).
    expect(found.size).toBeGreaterThanOrEqual(Math.floor(members * 0.996));
    expect(found.size).toBeLessThanOrEqual(members);

    const kickedBefore = found.size;
    await collect(new Api.ChannelParticipantsKicked({ q: "" }));
    expect(found.size).toBeGreaterThan(kickedBefore); // the banned list needs an admin and has people too
  }, 120_000);

  it("sends many people's messages in one POST /messages/bulk, in order, and refuses a batch with a bad one whole", async () => {
    const texts = Array.from({ length: 50 }, (_, n) => `bulk ${n}`);
    const received: string[] = [];
    const builder = new NewMessage({ pattern: /^bulk \d+$/ });
    const all = new Promise<void>((resolve) => {
      client.addEventHandler((event: NewMessageEvent) => {
        received.push(event.message.message);
        if (received.length === texts.length) resolve();
      }, builder);
    });
    const ids = await emu.control.sendMessages(texts.map((text) => ({ fromId: alice.id, peer: { type: "user" as const, id: olivia.id }, text })));
    expect(ids.map(Number)).toEqual([...ids.map(Number)].sort((a, b) => a - b));
    await all;
    // (GramJS starts each update's handlers without awaiting the previous ones, so arrival order is not kept here.)
    expect([...received].sort()).toEqual([...texts].sort());

    const before = await emu.control.messages("user", olivia.id, { viewerId: alice.id, limit: 1 });
    await expect(
      emu.control.sendMessages([
        { fromId: alice.id, peer: { type: "user", id: olivia.id }, text: "fine" },
        { fromId: "999999", peer: { type: "user", id: olivia.id }, text: "from nobody" },
      ]),
    ).rejects.toThrow(/no user with id 999999/);
    expect(await emu.control.messages("user", olivia.id, { viewerId: alice.id, limit: 1 })).toEqual(before);
  });

  it("keeps working after POST /disconnect drops every connection", async () => {
    const before = await emu.control.stats();
    expect(before.connections).toBeGreaterThan(0);
    const { dropped } = await emu.control.disconnect();
    expect(dropped).toBeGreaterThan(0);

    // GramJS reconnects by itself; the next call and the next pushed message both get through.
    expect(String((await client.getMe()).id)).toBe(olivia.id);
    const incoming = nextMessage(client, "still there?");
    await emu.control.sendMessage(alice.id, { type: "user", id: olivia.id }, "still there?");
    await incoming;
  });

  it("answers a fault injected through POST /faults, once", async () => {
    // (GramJS retries 500s by itself, so the fault is a 400 it passes through.)
    await emu.control.addFault({ method: "users.getUsers", error: "USER_ID_INVALID", count: 1 });
    await expect(client.invoke(new Api.users.GetUsers({ id: [new Api.InputUserSelf()] }))).rejects.toThrow(/USER_ID_INVALID/);
    const [me] = await client.invoke(new Api.users.GetUsers({ id: [new Api.InputUserSelf()] }));
    expect(String(me.id)).toBe(olivia.id);
  });
});
