/**
 * mtcute 0.30.3 (layer 227, its own strict updates manager), a third client none of us wrote,
 * against the emulator over TCP: sign-in with a code and with 2FA, getMe, resolve, sends, pushed
 * updates in private chats and groups, history, edit, delete, and a megagroup of 12,000 members.
 * Every answer it reads is written in layer 227 (the layer it announces); its log must show no
 * pts gap.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ControlClient } from "../../src/controlClient.js";
import { type Emulator, startEmulator } from "../../src/index.js";
import { Inbox } from "./inbox.js";
import { type MtcuteHandle, mtcuteClient, ptsGaps } from "./kit.js";

let emu: Emulator;
let control: ControlClient;
const clients: MtcuteHandle[] = [];

beforeAll(async () => {
  emu = await startEmulator();
  control = new ControlClient(emu.controlUrl);
});
afterAll(async () => {
  for (const c of clients) await c.tg.destroy();
  await emu.stop();
});

/** Signs a new mtcute client in with the code the emulator "sent" (and the password, if any). */
async function signedIn(phone: string, password?: string): Promise<MtcuteHandle> {
  const handle = mtcuteClient(emu);
  clients.push(handle);
  await handle.tg.start({
    phone,
    code: async () => (await control.loginCode(phone)).code,
    ...(password === undefined ? {} : { password }),
  });
  await handle.updatesRunning;
  return handle;
}

describe("mtcute 0.30.3 against the emulator", () => {
  let me: MtcuteHandle;
  let inbox: Inbox;
  let meId: string;
  let friendId: string;
  let group: { id: string };
  let mega: { id: string };

  beforeAll(async () => {
    meId = (await control.createUser({ firstName: "Mira", username: "mira_mt", phone: "9996621001" })).id;
    friendId = (await control.createUser({ firstName: "Felix", username: "felix_mt", phone: "9996621002" })).id;
    // Chats are made before sign-in: the control API seeds them without pushing their service
    // messages, which a signed-in client would rightly see as a pts gap.
    const members = [{ userId: meId, role: "member" as const }];
    group = await control.createChat({ type: "group", title: "Basic", creatorId: friendId, members });
    mega = await control.createChat({ type: "supergroup", title: "Mega", creatorId: friendId, members });
    me = await signedIn("9996621001");
    inbox = new Inbox(me.tg);
  });

  it("signs in with a code, announces layer 227 and is answered in it: getMe", async () => {
    const self = await me.tg.getMe();
    expect(String(self.id)).toBe(meId);
    expect(self.username).toBe("mira_mt");
    expect(self.isSelf).toBe(true);
  });

  it("signs in with a code and a 2FA password", async () => {
    const id = (await control.createUser({ firstName: "Tess", phone: "9996621003", password: "correct horse" })).id;
    const tess = await signedIn("9996621003", "correct horse");
    expect(String((await tess.tg.getMe()).id)).toBe(id);
  });

  it("resolves a username and sends a private message the other side receives", async () => {
    const felix = await me.tg.getUser("felix_mt");
    expect(String(felix.id)).toBe(friendId);
    const sent = await me.tg.sendText("felix_mt", "hello Felix");
    expect(sent.text).toBe("hello Felix");
    const seen = await control.messages("user", meId, { viewerId: friendId, limit: 5 });
    expect(seen.map((m) => m.text)).toContain("hello Felix");
  });

  it("receives pushed private messages through its updates manager", async () => {
    await control.sendMessage(friendId, { type: "user", id: meId }, "ping from Felix");
    const got = await inbox.text("ping from Felix");
    expect(String(got.sender.id)).toBe(friendId);
    expect(got.isOutgoing).toBe(false);
  });

  it("receives pushed messages in a basic group and in a megagroup", async () => {
    await control.sendMessage(friendId, { type: "chat", id: group.id }, "in the basic group");
    await control.sendMessage(friendId, { type: "channel", id: mega.id }, "in the megagroup");
    const basic = await inbox.text("in the basic group");
    const channel = await inbox.text("in the megagroup");
    // Marked ids (Bot API style): -id for a basic group, -(10^12 + id) for a channel.
    expect(basic.chat.id).toBe(-Number(group.id));
    expect(channel.chat.id).toBe(-(1e12 + Number(mega.id)));
    expect(String(channel.sender.id)).toBe(friendId);
  });

  it("reads history, edits and deletes its own message", async () => {
    const sent = await me.tg.sendText("felix_mt", "to be edited");
    const history = await me.tg.getHistory("felix_mt", { limit: 10 });
    expect(history.map((m) => m.text)).toContain("to be edited");
    const edited = await me.tg.editMessage({ chatId: "felix_mt", message: sent.id, text: "edited by mtcute" });
    expect(edited.text).toBe("edited by mtcute");
    const seen = await control.messages("user", meId, { viewerId: friendId, limit: 5 });
    expect(seen.map((m) => m.text)).toContain("edited by mtcute");

    await me.tg.deleteMessagesById("felix_mt", [sent.id], { revoke: true });
    const after = await me.tg.getHistory("felix_mt", { limit: 10 });
    expect(after.map((m) => m.id)).not.toContain(sent.id);
    const friendSide = await control.messages("user", meId, { viewerId: friendId, limit: 5 });
    expect(friendSide.map((m) => m.text)).not.toContain("edited by mtcute");
  });

  it("iterates a megagroup of 12,000 members: 10,000 recent (Telegram's cap), all of them by search", async () => {
    const chat = await control.createChat({ type: "supergroup", title: "Big", username: "big_mt", creatorId: friendId });
    await control.seedMembers(chat.id, 12_000);
    const peer = await me.tg.getChat("big_mt");
    const recent = new Set<number>();
    for await (const member of me.tg.iterChatMembers(peer)) recent.add(member.user.id);
    // channels.getParticipants stops near 10,000 (DESIGN.md: Telethon #3781, #1508).
    expect(recent.size).toBe(10_000);

    const searched = new Set<number>();
    for (const letter of "abcdefghijklmnopqrstuvwxyz") {
      for await (const member of me.tg.iterChatMembers(peer, { type: "all", query: letter })) searched.add(member.user.id);
    }
    for (const id of recent) searched.add(id);
    // Every member with a name is found; seeded deleted accounts have none and stay among the recent.
    expect(searched.size).toBeGreaterThanOrEqual(11_000);
  }, 120_000);

  it("logged no pts gap", () => {
    expect(ptsGaps(me.log)).toEqual([]);
  });
});
