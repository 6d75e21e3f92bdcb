/**
 * Files through the emulator with real GramJS clients over TCP: a document and a photo sent with GramJS's
 * sendFile and read back byte for byte with downloadMedia, what the other side receives (pushes, history,
 * difference), a file over 10 MB through upload.saveBigFilePart, and every documented error of
 * upload.saveFilePart / saveBigFilePart, messages.sendMedia and upload.getFile from raw invokes.
 */
import { createHash, randomBytes } from "node:crypto";
import bigInt from "big-integer";
import { Api, type TelegramClient } from "telegram";
import { CustomFile } from "telegram/client/uploads.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { emulatorClient } from "../src/client.js";
import { ControlClient } from "../src/controlClient.js";
import { type Emulator, startEmulator } from "../src/index.js";
import { nextMessage } from "../src/testing/gramjs.js";
import { pngImage } from "../src/testing/images.js";

let emu: Emulator;
let control: ControlClient;
let owner: number;
let alice: number;
let team: number;
const clients: TelegramClient[] = [];
const defaults = { limits: {} as Emulator["model"]["limits"], now: Date.now };

/** A connected GramJS client signed in as `userId` (pre-shared key, no handshake). */
async function signedIn(userId: number): Promise<TelegramClient> {
  const client = await emulatorClient(emu, { preSharedKey: true, signedInAs: userId });
  await client.connect();
  clients.push(client);
  return client;
}

/** The Telegram error name a call fails with. */
async function rpcError(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return (error as { errorMessage?: string }).errorMessage ?? String(error);
  }
  throw new Error("the call succeeded");
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const fileId = () => bigInt(randomBytes(7).toString("hex"), 16);
const savePart = (client: TelegramClient, id: bigInt.BigInteger, part: number, bytes: Buffer) =>
  client.invoke(new Api.upload.SaveFilePart({ fileId: id, filePart: part, bytes }));
const saveBigPart = (client: TelegramClient, id: bigInt.BigInteger, part: number, total: number, bytes: Buffer) =>
  client.invoke(new Api.upload.SaveBigFilePart({ fileId: id, filePart: part, fileTotalParts: total, bytes }));
const sendDocument = (client: TelegramClient, file: Api.TypeInputFile, message = "") =>
  client.invoke(
    new Api.messages.SendMedia({
      peer: "me",
      media: new Api.InputMediaUploadedDocument({ file, mimeType: "application/octet-stream", attributes: [] }),
      message,
    }),
  );
const sendPhoto = (client: TelegramClient, file: Api.TypeInputFile) =>
  client.invoke(new Api.messages.SendMedia({ peer: "me", media: new Api.InputMediaUploadedPhoto({ file }), message: "" }));

/** Saves `bytes` in parts of `partSize` with upload.saveFilePart; resolves with the InputFile. */
async function uploadSmall(client: TelegramClient, bytes: Buffer, partSize = 64 * 1024, name = "file.bin", md5Checksum = ""): Promise<Api.InputFile> {
  const id = fileId();
  const parts = Math.ceil(bytes.length / partSize);
  for (let part = 0; part < parts; part += 1) await savePart(client, id, part, bytes.subarray(part * partSize, (part + 1) * partSize));
  return new Api.InputFile({ id, parts, name, md5Checksum });
}

/** The media of the message a sendMedia result announced. */
function sentMedia(updates: Api.TypeUpdates): Api.TypeMessageMedia {
  const update = (updates as Api.Updates).updates.find(
    (u) => u instanceof Api.UpdateNewMessage || u instanceof Api.UpdateNewChannelMessage,
  ) as Api.UpdateNewMessage;
  return (update.message as Api.Message).media!;
}

beforeAll(async () => {
  emu = await startEmulator();
  control = new ControlClient(emu.controlUrl);
  defaults.limits = { ...emu.model.limits };
  owner = Number((await control.createUser({ firstName: "Olivia", username: "olivia_files" })).id);
  alice = Number((await control.createUser({ firstName: "Alice", username: "alice_files" })).id);
  team = Number(
    (await control.createChat({ type: "supergroup", title: "Team", creatorId: String(owner), members: [{ userId: String(alice), role: "member" }] })).id,
  );
});

afterEach(() => {
  Object.assign(emu.model.limits, defaults.limits);
  emu.model.now = () => Math.floor(defaults.now() / 1000);
});

afterAll(async () => {
  for (const client of clients) await client.destroy();
  await emu?.stop();
});

describe("documents and photos round-trip through GramJS", () => {
  it("sends a small document with a caption and downloads the same bytes, on both sides", async () => {
    const client = await signedIn(owner);
    const other = await signedIn(alice);
    await other.getDialogs({});
    const pushed = nextMessage(other, "Monthly report");
    const bytes = randomBytes(300_000);
    const sent = await client.sendFile("alice_files", {
      file: new CustomFile("report.pdf", bytes.length, "", bytes),
      caption: "Monthly **report**",
      parseMode: "md",
      forceDocument: true,
    });
    expect(sent.media).toBeInstanceOf(Api.MessageMediaDocument);
    expect(sent.message).toBe("Monthly report");
    const document = (sent.media as Api.MessageMediaDocument).document as Api.Document;
    expect(document.mimeType).toBe("application/pdf");
    expect(Number(document.size)).toBe(bytes.length);
    expect(document.attributes).toContainEqual(expect.objectContaining({ fileName: "report.pdf" }));
    expect(Buffer.from((await client.downloadMedia(sent, {})) as Buffer).equals(bytes)).toBe(true);

    expect((await pushed).message.media).toBeInstanceOf(Api.MessageMediaDocument);
    const [received] = await other.getMessages("olivia_files", { limit: 1 });
    expect(received.message).toBe("Monthly report");
    expect(received.entities?.[0]).toBeInstanceOf(Api.MessageEntityBold);
    expect(Buffer.from((await other.downloadMedia(received, {})) as Buffer).equals(bytes)).toBe(true);

    const [listed] = await control.messages("user", String(alice), { viewerId: String(owner), limit: 1 });
    expect(listed).toMatchObject({
      text: "Monthly report",
      media: { kind: "document", fileName: "report.pdf", mimeType: "application/pdf", size: bytes.length, sha256: sha256(bytes) },
    });
    expect(emu.model.uploads.heldBytes).toBe(0);
  });

  it("sends a PNG as a photo with its size and reads it back", async () => {
    const client = await signedIn(owner);
    const png = pngImage(640, 480);
    const sent = await client.sendFile("me", { file: new CustomFile("chart.png", png.length, "", png) });
    expect(sent.media).toBeInstanceOf(Api.MessageMediaPhoto);
    const photo = (sent.media as Api.MessageMediaPhoto).photo as Api.Photo;
    expect(photo.sizes).toEqual([expect.objectContaining({ className: "PhotoSize", type: "x", w: 640, h: 480, size: png.length })]);
    expect(Buffer.from((await client.downloadMedia(sent, {})) as Buffer).equals(png)).toBe(true);
    const [listed] = await control.messages("user", String(owner), { viewerId: String(owner), limit: 1 });
    expect(listed.media).toEqual({ kind: "photo", size: png.length, sha256: sha256(png), width: 640, height: 480 });
  });

  it("sends a 12 MB file through upload.saveBigFilePart", async () => {
    const client = await signedIn(owner);
    const before = emu.router.stats.get("upload.saveBigFilePart") ?? 0;
    const bytes = randomBytes(12 * 1024 * 1024 + 12_345);
    const sent = await client.sendFile("me", { file: new CustomFile("backup.tar", bytes.length, "", bytes), forceDocument: true, workers: 4 });
    expect((emu.router.stats.get("upload.saveBigFilePart") ?? 0) - before).toBe(Math.ceil(bytes.length / (128 * 1024)));
    const downloaded = Buffer.from((await client.downloadMedia(sent, {})) as Buffer);
    expect(downloaded.length).toBe(bytes.length);
    expect(sha256(downloaded)).toBe(sha256(bytes));
  });

  it("shows the media in history and in the difference of an account that was away", async () => {
    const client = await signedIn(owner);
    const away = await signedIn(alice);
    const state = await away.invoke(new Api.updates.GetState());
    await away.disconnect();
    const bytes = randomBytes(5000);
    await client.getDialogs({});
    await client.sendFile(`-100${team}`, { file: new CustomFile("notes.txt", bytes.length, "", bytes), caption: "for the team", forceDocument: true });
    await client.sendFile("alice_files", { file: new CustomFile("direct.txt", bytes.length, "", bytes), forceDocument: true });
    await away.connect();
    const difference = await away.invoke(new Api.updates.GetDifference({ pts: state.pts, date: state.date, qts: 0 }));
    const direct = (difference as Api.updates.Difference).newMessages.at(-1) as Api.Message;
    expect(direct.media).toBeInstanceOf(Api.MessageMediaDocument);
    expect(Buffer.from((await away.downloadMedia(direct, {})) as Buffer).equals(bytes)).toBe(true);
    await away.getDialogs({});
    const [post] = await away.getMessages(`-100${team}`, { limit: 1 });
    expect(post.message).toBe("for the team");
    expect(((post.media as Api.MessageMediaDocument).document as Api.Document).attributes).toContainEqual(expect.objectContaining({ fileName: "notes.txt" }));
  });

  it("sends stored media again by id (InputMediaDocument) without uploading", async () => {
    const client = await signedIn(owner);
    const bytes = randomBytes(2048);
    const sent = await client.sendFile("me", { file: new CustomFile("again.bin", bytes.length, "", bytes), forceDocument: true });
    const document = (sent.media as Api.MessageMediaDocument).document as Api.Document;
    const input = new Api.InputDocument({ id: document.id, accessHash: document.accessHash, fileReference: document.fileReference });
    const resent = await client.invoke(new Api.messages.SendMedia({ peer: "alice_files", media: new Api.InputMediaDocument({ id: input }), message: "again" }));
    expect(((sentMedia(resent) as Api.MessageMediaDocument).document as Api.Document).id.toString()).toBe(document.id.toString());
    const forged = new Api.InputDocument({ id: document.id, accessHash: document.accessHash, fileReference: Buffer.from("forged") });
    expect(await rpcError(client.invoke(new Api.messages.SendMedia({ peer: "me", media: new Api.InputMediaDocument({ id: forged }), message: "" })))).toBe(
      "FILE_REFERENCE_INVALID",
    );
  });
});

describe("documented errors", () => {
  it("upload.saveFilePart: empty, too big, bad number, bad or changed part size", async () => {
    const client = await signedIn(owner);
    expect(await rpcError(savePart(client, fileId(), 0, Buffer.alloc(0)))).toBe("FILE_PART_EMPTY");
    expect(await rpcError(savePart(client, fileId(), 0, Buffer.alloc(512 * 1024 + 1)))).toBe("FILE_PART_TOO_BIG");
    expect(await rpcError(savePart(client, fileId(), -1, Buffer.alloc(1024)))).toBe("FILE_PART_INVALID");
    expect(await rpcError(savePart(client, fileId(), 4000, Buffer.alloc(1024)))).toBe("FILE_PART_INVALID");
    const odd = fileId();
    await savePart(client, odd, 0, Buffer.alloc(1000)); // alone it may be the last part
    expect(await rpcError(savePart(client, odd, 1, Buffer.alloc(1000)))).toBe("FILE_PART_SIZE_INVALID");
    const threeKb = fileId();
    await savePart(client, threeKb, 0, Buffer.alloc(3072));
    expect(await rpcError(savePart(client, threeKb, 1, Buffer.alloc(1024)))).toBe("FILE_PART_SIZE_INVALID"); // 512 KB % 3 KB != 0
    const changing = fileId();
    await savePart(client, changing, 0, Buffer.alloc(2048));
    await savePart(client, changing, 1, Buffer.alloc(1024)); // may be the last part
    expect(await rpcError(savePart(client, changing, 2, Buffer.alloc(2048)))).toBe("FILE_PART_SIZE_CHANGED");
    expect(await rpcError(savePart(client, changing, 1, Buffer.alloc(4096)))).toBe("FILE_PART_SIZE_CHANGED");
  });

  it("upload.saveBigFilePart: bad total, part beyond it, total changed", async () => {
    const client = await signedIn(owner);
    const part = Buffer.alloc(512 * 1024);
    expect(await rpcError(saveBigPart(client, fileId(), 0, 0, part))).toBe("FILE_PARTS_INVALID");
    expect(await rpcError(saveBigPart(client, fileId(), 0, 4001, part))).toBe("FILE_PARTS_INVALID");
    expect(await rpcError(saveBigPart(client, fileId(), 3, 3, part))).toBe("FILE_PART_INVALID");
    const id = fileId();
    await saveBigPart(client, id, 0, 30, part);
    expect(await rpcError(saveBigPart(client, id, 1, 31, part))).toBe("FILE_PARTS_INVALID");
    expect(await rpcError(saveBigPart(client, id, 29, 30, Buffer.alloc(512 * 1024 + 1024)))).toBe("FILE_PART_TOO_BIG");
  });

  it("messages.sendMedia: FILE_PART_X_MISSING, FILE_PARTS_INVALID, MD5_CHECKSUM_INVALID, caption too long", async () => {
    const client = await signedIn(owner);
    const bytes = randomBytes(4 * 1024 * 4);
    const id = fileId();
    for (const part of [0, 1, 3]) await savePart(client, id, part, bytes.subarray(part * 4096, (part + 1) * 4096));
    expect(await rpcError(sendDocument(client, new Api.InputFile({ id, parts: 4, name: "x", md5Checksum: "" })))).toBe("FILE_PART_2_MISSING");
    expect(await rpcError(sendDocument(client, new Api.InputFile({ id: fileId(), parts: 1, name: "x", md5Checksum: "" })))).toBe("FILE_PART_0_MISSING");
    expect(await rpcError(sendDocument(client, new Api.InputFile({ id, parts: 0, name: "x", md5Checksum: "" })))).toBe("FILE_PARTS_INVALID");
    expect(await rpcError(sendDocument(client, new Api.InputFile({ id, parts: 2, name: "x", md5Checksum: "" })))).toBe("FILE_PARTS_INVALID"); // part 3 was saved too
    // Small-file parts named as a big file are not found: the two kinds are stored apart.
    expect(await rpcError(sendDocument(client, new Api.InputFileBig({ id, parts: 4, name: "x" })))).toBe("FILE_PART_0_MISSING");

    const whole = randomBytes(10_000);
    const checked = await uploadSmall(client, whole, 4096, "checked.bin", createHash("md5").update(whole).digest("hex"));
    const wrong = await uploadSmall(client, whole, 4096, "wrong.bin", createHash("md5").update("something else").digest("hex"));
    expect(await rpcError(sendDocument(client, wrong))).toBe("MD5_CHECKSUM_INVALID");
    expect(await rpcError(sendDocument(client, checked, "x".repeat(1025)))).toBe("MEDIA_CAPTION_TOO_LONG");
    expect(sentMedia(await sendDocument(client, checked, "x".repeat(1024)))).toBeInstanceOf(Api.MessageMediaDocument);
    expect(await rpcError(sendDocument(client, checked))).toBe("FILE_PART_0_MISSING"); // used parts are dropped
  });

  it("messages.sendMedia: a file over 10 MB saved with upload.saveFilePart is refused (FILE_PARTS_INVALID)", async () => {
    const client = await signedIn(owner);
    const file = await uploadSmall(client, randomBytes(10 * 1024 * 1024 + 512 * 1024), 512 * 1024);
    expect(file.parts).toBe(21);
    expect(await rpcError(sendDocument(client, file))).toBe("FILE_PARTS_INVALID");
  });

  it("messages.sendMedia with a photo: IMAGE_PROCESS_FAILED, PHOTO_INVALID_DIMENSIONS, PHOTO_SAVE_FILE_INVALID", async () => {
    const client = await signedIn(owner);
    expect(await rpcError(sendPhoto(client, await uploadSmall(client, Buffer.from("%PDF-1.7 this is no image"))))).toBe("IMAGE_PROCESS_FAILED");
    expect(await rpcError(sendPhoto(client, await uploadSmall(client, pngImage(2100, 100))))).toBe("PHOTO_INVALID_DIMENSIONS");
    const big = Buffer.concat([pngImage(100, 100), randomBytes(10 * 1024 * 1024)]);
    const bigId = fileId();
    const parts = Math.ceil(big.length / (512 * 1024));
    for (let part = 0; part < parts; part += 1) await saveBigPart(client, bigId, part, parts, big.subarray(part * 512 * 1024, (part + 1) * 512 * 1024));
    expect(await rpcError(sendPhoto(client, new Api.InputFileBig({ id: bigId, parts, name: "huge.png" })))).toBe("PHOTO_SAVE_FILE_INVALID");
  });

  it("messages.sendMedia: a restricted member's media rights (CHAT_SEND_DOCS_FORBIDDEN, CHAT_SEND_MEDIA_FORBIDDEN), parts kept for a retry", async () => {
    const client = await signedIn(alice);
    const participant = emu.model.chats.get(team)!.participants.get(alice)!;
    const saved = { role: participant.role, bannedRights: participant.bannedRights };
    const peer = `-100${team}`;
    await client.getDialogs({});
    const file = await uploadSmall(client, randomBytes(3000));
    const media = new Api.InputMediaUploadedDocument({ file, mimeType: "text/plain", attributes: [] });
    try {
      participant.role = "restricted";
      participant.bannedRights = new Api.ChatBannedRights({ untilDate: 0, sendDocs: true });
      expect(await rpcError(client.invoke(new Api.messages.SendMedia({ peer, media, message: "" })))).toBe("CHAT_SEND_DOCS_FORBIDDEN");
      participant.bannedRights = new Api.ChatBannedRights({ untilDate: 0, sendMedia: true });
      expect(await rpcError(client.invoke(new Api.messages.SendMedia({ peer, media, message: "" })))).toBe("CHAT_SEND_MEDIA_FORBIDDEN");
    } finally {
      Object.assign(participant, saved);
    }
    expect(sentMedia(await client.invoke(new Api.messages.SendMedia({ peer, media, message: "" })))).toBeInstanceOf(Api.MessageMediaDocument);
  });

  it("upload.getFile: offset and limit rules, locations, access hash, file references", async () => {
    const client = await signedIn(owner);
    const bytes = randomBytes(1024 * 1024 + 5000);
    const sent = await client.sendFile("me", { file: new CustomFile("range.bin", bytes.length, "", bytes), forceDocument: true });
    const document = (sent.media as Api.MessageMediaDocument).document as Api.Document;
    const location = (fields: Partial<Api.InputDocumentFileLocation> = {}) =>
      new Api.InputDocumentFileLocation({ id: document.id, accessHash: document.accessHash, fileReference: document.fileReference, thumbSize: "", ...fields });
    const getFile = (offset: number, limit: number, extra: { location?: Api.TypeInputFileLocation; precise?: boolean } = {}) =>
      client.invoke(new Api.upload.GetFile({ location: extra.location ?? location(), offset: bigInt(offset), limit, precise: extra.precise }));

    const first = (await getFile(0, 128 * 1024)) as Api.upload.File;
    expect(Buffer.from(first.bytes).equals(bytes.subarray(0, 128 * 1024))).toBe(true);
    expect(first.type).toBeInstanceOf(Api.storage.FilePartial);
    const tail = (await getFile(1024 * 1024, 1024 * 1024)) as Api.upload.File;
    expect(Buffer.from(tail.bytes).equals(bytes.subarray(1024 * 1024))).toBe(true);
    expect(((await getFile(2 * 1024 * 1024, 4096)) as Api.upload.File).bytes.length).toBe(0);
    expect(await rpcError(getFile(1000, 4096))).toBe("OFFSET_INVALID");
    expect(await rpcError(getFile(0, 1000))).toBe("LIMIT_INVALID");
    expect(await rpcError(getFile(0, 3 * 4096))).toBe("LIMIT_INVALID"); // 1 MB is not a multiple of 12 KB
    expect(await rpcError(getFile(0, 2 * 1024 * 1024))).toBe("LIMIT_INVALID");
    expect(await rpcError(getFile(1024 * 1024 - 4096, 8192))).toBe("LIMIT_INVALID"); // crosses a megabyte boundary
    const precise = (await getFile(1024, 3 * 1024, { precise: true })) as Api.upload.File;
    expect(Buffer.from(precise.bytes).equals(bytes.subarray(1024, 4096))).toBe(true);
    expect(await rpcError(getFile(1024 * 1024 - 1024, 2048, { precise: true }))).toBe("LIMIT_INVALID");
    expect(await rpcError(getFile(512, 1024, { precise: true }))).toBe("OFFSET_INVALID");

    expect(await rpcError(getFile(0, 4096, { location: location({ thumbSize: "m" }) }))).toBe("LOCATION_INVALID");
    expect(await rpcError(getFile(0, 4096, { location: location({ accessHash: bigInt(document.accessHash.toString()).add(1) }) }))).toBe("FILE_ID_INVALID");
    expect(await rpcError(getFile(0, 4096, { location: location({ fileReference: Buffer.alloc(0) }) }))).toBe("FILE_REFERENCE_EMPTY");
    const tampered = Buffer.from(document.fileReference);
    tampered[tampered.length - 1] ^= 1;
    expect(await rpcError(getFile(0, 4096, { location: location({ fileReference: tampered }) }))).toBe("FILE_REFERENCE_INVALID");
    expect(await rpcError(getFile(0, 4096, { location: new Api.InputPeerPhotoFileLocation({ peer: new Api.InputPeerSelf(), photoId: bigInt(1) }) }))).toBe(
      "LOCATION_INVALID",
    );

    const now = emu.model.now();
    emu.model.now = () => now + emu.model.limits.fileReferenceTtlSeconds + 1;
    expect(await rpcError(getFile(0, 4096))).toBe("FILE_REFERENCE_EXPIRED");
    const [fresh] = await client.getMessages("me", { ids: [sent.id] });
    expect(Buffer.from((await client.downloadMedia(fresh, {})) as Buffer).equals(bytes)).toBe(true);
  });

  it("a photo is read at its own size only", async () => {
    const client = await signedIn(owner);
    const png = pngImage(90, 60);
    const sent = await client.sendFile("me", { file: new CustomFile("icon.png", png.length, "", png) });
    const photo = (sent.media as Api.MessageMediaPhoto).photo as Api.Photo;
    const read = (thumbSize: string) =>
      client.invoke(
        new Api.upload.GetFile({
          location: new Api.InputPhotoFileLocation({ id: photo.id, accessHash: photo.accessHash, fileReference: photo.fileReference, thumbSize }),
          offset: bigInt(0),
          limit: 64 * 1024,
        }),
      );
    const file = (await read("s")) as Api.upload.File;
    expect(file.type).toBeInstanceOf(Api.storage.FilePng);
    expect(Buffer.from(file.bytes).equals(png)).toBe(true);
    expect(await rpcError(read("y"))).toBe("LOCATION_INVALID");
  });
});

describe("bounded memory", () => {
  it("drops the least recently used uploads past the buffer, and uploads left untouched too long", async () => {
    const client = await signedIn(owner);
    emu.model.limits.uploadBufferBytes = 256 * 1024;
    const older = await uploadSmall(client, randomBytes(200 * 1024), 64 * 1024, "older.bin");
    const newer = await uploadSmall(client, randomBytes(200 * 1024), 64 * 1024, "newer.bin");
    expect(emu.model.uploads.heldBytes).toBeLessThanOrEqual(256 * 1024);
    expect(await rpcError(sendDocument(client, older))).toBe("FILE_PART_0_MISSING");
    expect(sentMedia(await sendDocument(client, newer))).toBeInstanceOf(Api.MessageMediaDocument);

    const idle = await uploadSmall(client, randomBytes(1000));
    const now = emu.model.now();
    emu.model.now = () => now + emu.model.limits.uploadPartTtlSeconds + 1;
    expect(await rpcError(sendDocument(client, idle))).toBe("FILE_PART_0_MISSING");
    expect(emu.model.uploads.heldBytes).toBe(0);
  });

  it("keeps sent files' bytes within storedFileBytes, dropping the oldest first", async () => {
    const client = await signedIn(owner);
    emu.model.limits.storedFileBytes = 300 * 1024;
    const first = await client.sendFile("me", { file: new CustomFile("first.bin", 200 * 1024, "", randomBytes(200 * 1024)), forceDocument: true });
    const secondBytes = randomBytes(200 * 1024);
    const second = await client.sendFile("me", { file: new CustomFile("second.bin", secondBytes.length, "", secondBytes), forceDocument: true });
    expect(emu.model.files.heldBytes).toBeLessThanOrEqual(emu.model.limits.storedFileBytes);
    expect(Buffer.from((await client.downloadMedia(second, {})) as Buffer).equals(secondBytes)).toBe(true);
    const document = (first.media as Api.MessageMediaDocument).document as Api.Document;
    const location = new Api.InputDocumentFileLocation({
      id: document.id,
      accessHash: document.accessHash,
      fileReference: document.fileReference,
      thumbSize: "",
    });
    expect(await rpcError(client.invoke(new Api.upload.GetFile({ location, offset: bigInt(0), limit: 4096 })))).toBe("FILE_ID_INVALID");
  });
});
