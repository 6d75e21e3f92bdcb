import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { chatMethods } from "../../../src/methods/chats.js";
import { toLong } from "../../../src/model/longs.js";
import type { ChatRecord, UserRecord } from "../../../src/model/records.js";
import { type Fixture, fixture, inputUser, pushedTo, rpcError, updatesIn } from "./fixture.js";

const m = chatMethods;

function group() {
  const f = fixture();
  const owner = f.person("Owner");
  const alice = f.person("Alice");
  const bob = f.person("Bob");
  const result = m["messages.CreateChat"](
    new Api.messages.CreateChat({ title: "Friends", users: [inputUser(f.world, owner.id, alice), inputUser(f.world, owner.id, bob)] }),
    f.ctx(owner),
  ) as Api.messages.InvitedUsers;
  const chat = [...f.world.chats.values()].at(-1)!;
  return { f, owner, alice, bob, chat, result };
}

function lastAction(f: Fixture, user: UserRecord): Api.TypeMessageAction | undefined {
  const box = f.world.boxOf(user.id);
  return box.messages.get(box.lastMessageId)?.action;
}

function fullChat(f: Fixture, user: UserRecord, chat: ChatRecord): Api.ChatFull {
  return (m["messages.GetFullChat"](new Api.messages.GetFullChat({ chatId: toLong(chat.id) }), f.ctx(user)) as Api.messages.ChatFull).fullChat as Api.ChatFull;
}

describe("messages.createChat", () => {
  it("creates the group with a chat-create service message in every member's box", () => {
    const { f, owner, alice, bob, chat, result } = group();
    expect(chat.kind).toBe("group");
    expect(chat.participants.get(alice.id)).toMatchObject({ role: "member", inviterId: owner.id });
    for (const user of [owner, alice, bob]) expect(lastAction(f, user)).toBeInstanceOf(Api.MessageActionChatCreate);
    const updates = updatesIn(result.updates);
    expect(updates.map((u) => u.className)).toEqual(["UpdateChatParticipants", "UpdateNewMessage"]);
    expect(((updates[1] as Api.UpdateNewMessage).message as Api.MessageService).out).toBe(true);
    expect(result.missingInvitees).toEqual([]);
  });

  it("tells online members the participant list", () => {
    const f = fixture();
    const owner = f.person("Owner");
    const alice = f.person("Alice");
    f.online.add(alice.id);
    m["messages.CreateChat"](new Api.messages.CreateChat({ title: "Pair", users: [inputUser(f.world, owner.id, alice)] }), f.ctx(owner));
    const list = pushedTo(f.pushes, alice.id).find((u) => u instanceof Api.UpdateChatParticipants) as Api.UpdateChatParticipants;
    expect((list.participants as Api.ChatParticipants).participants).toHaveLength(2);
  });

  it("needs a title and at least one other person", () => {
    const f = fixture();
    const owner = f.person("Owner");
    const alice = f.person("Alice");
    const create = (title: string, users: Api.TypeInputUser[]) =>
      rpcError(() => m["messages.CreateChat"](new Api.messages.CreateChat({ title, users }), f.ctx(owner)));
    expect(create(" ", [inputUser(f.world, owner.id, alice)]).errorMessage).toBe("CHAT_TITLE_EMPTY");
    expect(create("T", []).errorMessage).toBe("USERS_TOO_FEW");
  });
});

describe("messages.getFullChat / getChats", () => {
  it("lists participants creator first with the version, and only to members", () => {
    const { f, owner, alice, bob, chat } = group();
    const full = fullChat(f, alice, chat);
    const participants = full.participants as Api.ChatParticipants;
    expect(participants.participants.map((p) => p.className)).toEqual(["ChatParticipantCreator", "ChatParticipant", "ChatParticipant"]);
    expect(participants.participants.map((p) => p.userId.toString())).toEqual([owner.id, alice.id, bob.id].map(String));
    expect(participants.version).toBe(chat.version);
    const stranger = f.person("Stranger");
    expect(fullChat(f, stranger, chat).participants).toBeInstanceOf(Api.ChatParticipantsForbidden);
    expect(rpcError(() => m["messages.GetFullChat"](new Api.messages.GetFullChat({ chatId: toLong(12345) }), f.ctx(alice))).errorMessage).toBe(
      "CHAT_ID_INVALID",
    );
    const chats = m["messages.GetChats"](new Api.messages.GetChats({ id: [toLong(chat.id)] }), f.ctx(alice)) as Api.messages.Chats;
    expect((chats.chats[0] as Api.Chat).participantsCount).toBe(3);
  });
});

describe("messages.addChatUser / deleteChatUser / editChatAdmin", () => {
  it("adds a member: service message for all, updateChatParticipantAdd to online members", () => {
    const { f, owner, alice, chat } = group();
    const carol = f.person("Carol");
    f.online.add(alice.id).add(carol.id);
    const version = chat.version;
    const result = m["messages.AddChatUser"](
      new Api.messages.AddChatUser({ chatId: toLong(chat.id), userId: inputUser(f.world, owner.id, carol), fwdLimit: 0 }),
      f.ctx(owner),
    ) as Api.messages.InvitedUsers;
    expect(chat.version).toBe(version + 1);
    expect(lastAction(f, carol)).toBeInstanceOf(Api.MessageActionChatAddUser);
    expect(updatesIn(result.updates).map((u) => u.className)).toEqual(["UpdateNewMessage", "UpdateChatParticipantAdd"]);
    const add = pushedTo(f.pushes, alice.id).find((u) => u instanceof Api.UpdateChatParticipantAdd) as Api.UpdateChatParticipantAdd;
    expect(add).toMatchObject({ version: chat.version });
    expect(add.inviterId.toString()).toBe(String(owner.id));
    expect(
      rpcError(() =>
        m["messages.AddChatUser"](
          new Api.messages.AddChatUser({ chatId: toLong(chat.id), userId: inputUser(f.world, owner.id, carol), fwdLimit: 0 }),
          f.ctx(owner),
        ),
      ).errorMessage,
    ).toBe("USER_ALREADY_PARTICIPANT");
  });

  it("removes a member, who still sees the removal and then chatForbidden", () => {
    const { f, owner, alice, chat } = group();
    f.online.add(alice.id);
    m["messages.DeleteChatUser"](new Api.messages.DeleteChatUser({ chatId: toLong(chat.id), userId: inputUser(f.world, owner.id, alice) }), f.ctx(owner));
    expect(chat.participants.get(alice.id)?.role).toBe("kicked");
    expect(lastAction(f, alice)).toBeInstanceOf(Api.MessageActionChatDeleteUser);
    const deleted = f.pushes.filter((p) => p.userId === alice.id).at(-1)!.updates as Api.Updates;
    expect(deleted.updates[0]).toBeInstanceOf(Api.UpdateChatParticipantDelete);
    expect(deleted.chats[0]).toBeInstanceOf(Api.ChatForbidden);
    expect((fullChat(f, owner, chat).participants as Api.ChatParticipants).participants).toHaveLength(2);
  });

  it("lets members leave, and only the creator, admins or the inviter remove others", () => {
    const { f, owner, alice, bob, chat } = group();
    const remove = (actor: UserRecord, target: UserRecord) =>
      m["messages.DeleteChatUser"](new Api.messages.DeleteChatUser({ chatId: toLong(chat.id), userId: inputUser(f.world, actor.id, target) }), f.ctx(actor));
    expect(rpcError(() => remove(alice, bob)).errorMessage).toBe("CHAT_ADMIN_REQUIRED");
    remove(bob, bob);
    expect(chat.participants.get(bob.id)?.role).toBe("left");
    expect(rpcError(() => remove(owner, bob)).errorMessage).toBe("USER_NOT_PARTICIPANT");
    m["messages.EditChatAdmin"](
      new Api.messages.EditChatAdmin({ chatId: toLong(chat.id), userId: inputUser(f.world, owner.id, alice), isAdmin: true }),
      f.ctx(owner),
    );
    expect(chat.participants.get(alice.id)?.role).toBe("admin");
    expect((fullChat(f, owner, chat).participants as Api.ChatParticipants).participants[1]).toBeInstanceOf(Api.ChatParticipantAdmin);
    expect(
      rpcError(() =>
        m["messages.EditChatAdmin"](
          new Api.messages.EditChatAdmin({ chatId: toLong(chat.id), userId: inputUser(f.world, alice.id, owner), isAdmin: false }),
          f.ctx(alice),
        ),
      ).errorMessage,
    ).toBe("CHAT_ADMIN_REQUIRED");
  });
});
