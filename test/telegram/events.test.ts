import bigInt from "big-integer";
import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { PeerDirectory } from "../../src/telegram/convert.js";
import { eventOf, rawEventOf } from "../../src/telegram/events.js";

const SELF = "1000";
const context = { mode: "user" as const, selfId: SELF, directory: new PeerDirectory(SELF) };
const alice = new Api.PeerUser({ userId: bigInt(42) });
const group = new Api.PeerChat({ chatId: bigInt(7) });
const channel = new Api.PeerChannel({ channelId: bigInt(555) });

function message(fields: Partial<ConstructorParameters<typeof Api.Message>[0]> = {}): Api.Message {
  return new Api.Message({ id: 10, peerId: alice, fromId: alice, date: 1_700_000_000, message: "hello", ...fields });
}

function service(action: Api.TypeMessageAction, fields: Partial<ConstructorParameters<typeof Api.MessageService>[0]> = {}): Api.MessageService {
  return new Api.MessageService({ id: 20, peerId: group, fromId: alice, date: 1_700_000_100, action, ...fields });
}

describe("eventOf", () => {
  it("maps a new message, and a service message to a chat action", () => {
    const event = eventOf(new Api.UpdateNewMessage({ message: message(), pts: 1, ptsCount: 1 }), context, false);
    expect(event?.kind).toBe("message");
    if (event?.kind === "message") expect(event.message).toMatchObject({ chatId: "42", messageId: 10, text: "hello", isCatchUp: false });
    const joined = eventOf(
      new Api.UpdateNewMessage({ message: service(new Api.MessageActionChatAddUser({ users: [bigInt(42)] })), pts: 2, ptsCount: 1 }),
      context,
      true,
    );
    expect(joined).toMatchObject({ kind: "chatAction", action: { type: "join", userIds: ["42"] }, message: { chatId: "-7", text: "", isCatchUp: true } });
  });

  it("tells the chat actions apart: add, join by link, leave, kick, title, photo, pin, create", () => {
    const actionOf = (action: Api.TypeMessageAction, fields = {}) => {
      const event = eventOf(new Api.UpdateNewChannelMessage({ message: service(action, { peerId: channel, ...fields }), pts: 1, ptsCount: 1 }), context, false);
      return event?.kind === "chatAction" ? event.action : undefined;
    };
    expect(actionOf(new Api.MessageActionChatAddUser({ users: [bigInt(5), bigInt(6)] }))).toEqual({ type: "add", userIds: ["5", "6"] });
    expect(actionOf(new Api.MessageActionChatJoinedByLink({ inviterId: bigInt(9) }))).toEqual({ type: "join", userIds: ["42"], inviterId: "9" });
    expect(actionOf(new Api.MessageActionChatDeleteUser({ userId: bigInt(42) }))).toEqual({ type: "leave", userId: "42" });
    expect(actionOf(new Api.MessageActionChatDeleteUser({ userId: bigInt(5) }))).toEqual({ type: "kick", userId: "5" });
    expect(actionOf(new Api.MessageActionChatEditTitle({ title: "New" }))).toEqual({ type: "title", title: "New" });
    expect(actionOf(new Api.MessageActionChatDeletePhoto())).toEqual({ type: "photo_removed" });
    expect(actionOf(new Api.MessageActionPinMessage(), { replyTo: new Api.MessageReplyHeader({ replyToMsgId: 3 }) })).toEqual({ type: "pin", messageId: 3 });
    expect(actionOf(new Api.MessageActionChannelCreate({ title: "News" }))).toEqual({ type: "create", title: "News" });
    expect(actionOf(new Api.MessageActionHistoryClear())).toEqual({ type: "other", name: "MessageActionHistoryClear" });
  });

  it("maps edits of private and channel messages with their edit date", () => {
    const edit = eventOf(new Api.UpdateEditMessage({ message: message({ message: "fixed", editDate: 1_700_000_050 }), pts: 3, ptsCount: 1 }), context, false);
    expect(edit).toMatchObject({ kind: "edited", message: { chatId: "42", messageId: 10, text: "fixed", editDate: 1_700_000_050 } });
    const post = message({ peerId: channel, fromId: undefined, post: true, views: 120, forwards: 4, editDate: 1_700_000_060 });
    const channelEdit = eventOf(new Api.UpdateEditChannelMessage({ message: post, pts: 5, ptsCount: 1 }), context, true);
    expect(channelEdit).toMatchObject({ kind: "edited", message: { chatId: "-100555", chatType: "channel", views: 120, forwards: 4, isCatchUp: true } });
  });

  it("maps deletions: a channel's by its chat, the common box's by the chat the caller knows (or none)", () => {
    expect(eventOf(new Api.UpdateDeleteChannelMessages({ channelId: bigInt(555), messages: [4, 5], pts: 7, ptsCount: 2 }), context, false)).toEqual({
      kind: "deleted",
      deletion: { chatId: "-100555", messageIds: [4, 5], isCatchUp: false },
    });
    expect(eventOf(new Api.UpdateDeleteMessages({ messages: [8], pts: 9, ptsCount: 1 }), context, true, "42")).toEqual({
      kind: "deleted",
      deletion: { chatId: "42", messageIds: [8], isCatchUp: true },
    });
    expect(eventOf(new Api.UpdateDeleteMessages({ messages: [8], pts: 9, ptsCount: 1 }), context, false)).toMatchObject({ deletion: { chatId: undefined } });
  });

  it("maps participant changes of channels and basic groups with the statuses before and after", () => {
    const promoted = eventOf(
      new Api.UpdateChannelParticipant({
        channelId: bigInt(555),
        date: 1_700_000_200,
        actorId: bigInt(1000),
        userId: bigInt(42),
        prevParticipant: new Api.ChannelParticipant({ userId: bigInt(42), date: 1 }),
        newParticipant: new Api.ChannelParticipantAdmin({
          userId: bigInt(42),
          promotedBy: bigInt(1000),
          date: 2,
          adminRights: new Api.ChatAdminRights({}),
        }),
        qts: 3,
      }),
      context,
      false,
    );
    expect(promoted).toEqual({
      kind: "participant",
      participant: { chatId: "-100555", userId: "42", actorId: "1000", before: "member", after: "admin", date: 1_700_000_200, isCatchUp: false },
    });
    const left = eventOf(
      new Api.UpdateChatParticipant({
        chatId: bigInt(7),
        date: 5,
        actorId: bigInt(42),
        userId: bigInt(42),
        prevParticipant: new Api.ChatParticipant({ userId: bigInt(42), inviterId: bigInt(1), date: 1 }),
        qts: 4,
      }),
      context,
      true,
    );
    expect(left).toMatchObject({ participant: { chatId: "-7", before: "member", after: undefined } });
  });

  it("maps callback queries, user status and typing", () => {
    expect(
      eventOf(
        new Api.UpdateBotCallbackQuery({ queryId: bigInt(77), userId: bigInt(42), peer: alice, msgId: 3, chatInstance: bigInt(1), data: Buffer.from("x") }),
        context,
        false,
      ),
    ).toMatchObject({
      kind: "callbackQuery",
      query: { queryId: "77", userId: "42", chatId: "42", messageId: 3 },
    });
    expect(eventOf(new Api.UpdateUserStatus({ userId: bigInt(42), status: new Api.UserStatusOnline({ expires: 99 }) }), context, false)).toEqual({
      kind: "userStatus",
      status: { userId: "42", status: "online", expires: 99 },
    });
    expect(eventOf(new Api.UpdateUserTyping({ userId: bigInt(42), action: new Api.SendMessageUploadPhotoAction({ progress: 0 }) }), context, false)).toEqual({
      kind: "typing",
      typing: { chatId: "42", userId: "42", action: "upload_photo" },
    });
    expect(
      eventOf(new Api.UpdateChannelUserTyping({ channelId: bigInt(555), fromId: alice, action: new Api.SendMessageTypingAction() }), context, false),
    ).toEqual({
      kind: "typing",
      typing: { chatId: "-100555", userId: "42", action: "typing" },
    });
  });

  it("maps nothing for updates no kind covers; their raw form names the constructor", () => {
    const update = new Api.UpdateReadHistoryInbox({ peer: alice, maxId: 3, stillUnreadCount: 0, pts: 4, ptsCount: 1 });
    expect(eventOf(update, context, false)).toBeUndefined();
    expect(rawEventOf(update, true)).toEqual({ className: "UpdateReadHistoryInbox", update, isCatchUp: true });
  });
});

describe("the message's details", () => {
  const read = (fields: Partial<ConstructorParameters<typeof Api.Message>[0]>) => {
    const event = eventOf(new Api.UpdateNewMessage({ message: message(fields), pts: 1, ptsCount: 1 }), context, false);
    if (event?.kind !== "message") throw new Error("not a message");
    return event.message;
  };

  it("reads a document's kind, file name, mime type, size, dimensions and duration", () => {
    const document = (attributes: Api.TypeDocumentAttribute[], mimeType = "video/mp4") =>
      new Api.MessageMediaDocument({
        document: new Api.Document({
          id: bigInt(1),
          accessHash: bigInt(2),
          fileReference: Buffer.alloc(0),
          date: 1,
          mimeType,
          size: bigInt(2_000_000),
          dcId: 1,
          attributes,
        }),
      });
    expect(
      read({ media: document([new Api.DocumentAttributeVideo({ duration: 12, w: 640, h: 360 }), new Api.DocumentAttributeFilename({ fileName: "clip.mp4" })]) })
        .media,
    ).toEqual({
      kind: "video",
      fileName: "clip.mp4",
      mimeType: "video/mp4",
      size: 2_000_000,
      width: 640,
      height: 360,
      duration: 12,
    });
    expect(read({ media: document([new Api.DocumentAttributeAudio({ voice: true, duration: 3 })], "audio/ogg") }).media).toMatchObject({
      kind: "voice",
      duration: 3,
    });
    expect(read({ media: document([new Api.DocumentAttributeAudio({ duration: 200 })], "audio/mpeg") }).media?.kind).toBe("audio");
    expect(
      read({ media: document([new Api.DocumentAttributeSticker({ alt: "😀", stickerset: new Api.InputStickerSetEmpty() })], "image/webp") }).media?.kind,
    ).toBe("sticker");
    expect(read({ media: document([new Api.DocumentAttributeAnimated(), new Api.DocumentAttributeVideo({ duration: 2, w: 1, h: 1 })]) }).media?.kind).toBe(
      "animation",
    );
    expect(read({ media: document([new Api.DocumentAttributeFilename({ fileName: "a.pdf" })], "application/pdf") }).media).toMatchObject({
      kind: "document",
      fileName: "a.pdf",
    });
  });

  it("reads a photo's largest size, and the other media kinds", () => {
    const photo = new Api.Photo({
      id: bigInt(1),
      accessHash: bigInt(2),
      fileReference: Buffer.alloc(0),
      date: 1,
      dcId: 1,
      sizes: [
        new Api.PhotoSize({ type: "s", w: 90, h: 60, size: 900 }),
        new Api.PhotoSizeProgressive({ type: "y", w: 1280, h: 853, sizes: [100, 5000, 80_000] }),
      ],
    });
    expect(read({ media: new Api.MessageMediaPhoto({ photo }) }).media).toEqual({
      kind: "photo",
      mimeType: "image/jpeg",
      size: 80_000,
      width: 1280,
      height: 853,
    });
    expect(read({ media: new Api.MessageMediaGeo({ geo: new Api.GeoPointEmpty() }) }).media).toEqual({ kind: "location" });
    expect(read({ media: new Api.MessageMediaContact({ phoneNumber: "1", firstName: "A", lastName: "", vcard: "", userId: bigInt(0) }) }).media).toEqual({
      kind: "contact",
    });
    expect(read({ media: new Api.MessageMediaWebPage({ webpage: new Api.WebPageEmpty({ id: bigInt(1) }) }) }).media).toEqual({ kind: "webpage" });
    expect(read({}).media).toBeUndefined();
  });

  it("reads the forward origin, entities, mention flag, album id, via bot and reply-to", () => {
    const text = "hi @bob see https://x.io #tag";
    const found = read({
      message: text,
      fwdFrom: new Api.MessageFwdHeader({ fromId: channel, channelPost: 77, postAuthor: "Ed", date: 1_600_000_000 }),
      entities: [
        new Api.MessageEntityMention({ offset: 3, length: 4 }),
        new Api.MessageEntityUrl({ offset: 12, length: 12 }),
        new Api.MessageEntityHashtag({ offset: 25, length: 4 }),
        new Api.MessageEntityTextUrl({ offset: 0, length: 2, url: "https://y.io" }),
        new Api.MessageEntityCustomEmoji({ offset: 0, length: 2, documentId: bigInt(99) }),
      ],
      mentioned: true,
      groupedId: bigInt("13000000000000000001"),
      viaBotId: bigInt(31),
      replyTo: new Api.MessageReplyHeader({ replyToMsgId: 5, replyToTopId: 2 }),
    });
    expect(found.forward).toEqual({ fromId: "-100555", messageId: 77, postAuthor: "Ed", date: 1_600_000_000 });
    expect(found.entities?.map((entity) => [entity.type, entity.text])).toEqual([
      ["mention", "@bob"],
      ["url", "https://x.io"],
      ["hashtag", "#tag"],
      ["text_link", "hi"],
      ["custom_emoji", "hi"],
    ]);
    expect(found.entities?.[3].url).toBe("https://y.io");
    expect(found.entities?.[4].customEmojiId).toBe("99");
    expect(found).toMatchObject({
      mentioned: true,
      groupedId: "13000000000000000001",
      viaBotId: "31",
      replyTo: { messageId: 5, threadId: 2 },
      replyToMessageId: 5,
    });
    const hidden = read({ fwdFrom: new Api.MessageFwdHeader({ fromName: "Someone", date: 5 }) });
    expect(hidden.forward).toEqual({ fromName: "Someone", date: 5 });
    expect(read({ replyTo: new Api.MessageReplyHeader({ replyToMsgId: 4, replyToPeerId: channel }) })).toMatchObject({
      replyTo: { messageId: 4, chatId: "-100555" },
      replyToMessageId: undefined,
    });
  });
});
