/**
 * Several DCs with real GramJS clients over TCP: help.getConfig's dc_options, a test number of DC 4
 * answered PHONE_MIGRATE_4 on DC 2 (and GramJS following it), auth keys bound to their DC,
 * USER_MIGRATE_X after the control API moves an account, auth.exportAuthorization / importAuthorization,
 * FILE_MIGRATE_X for a file held on another DC, and QR login's loginTokenMigrateTo.
 */
import { createHash, randomBytes } from "node:crypto";
import bigInt from "big-integer";
import { Api, type TelegramClient } from "telegram";
import { CustomFile } from "telegram/client/uploads.js";
import type { StringSession } from "telegram/sessions/index.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EMULATOR_API_HASH, EMULATOR_API_ID, emulatorClient } from "../src/client.js";
import { ControlClient } from "../src/controlClient.js";
import { type Emulator, startEmulator } from "../src/index.js";
import { loginWithCode } from "../src/testing/gramjs.js";

let emu: Emulator;
let control: ControlClient;
const clients: TelegramClient[] = [];
let serial = 0;

/** A fresh test number of DC `dc`, and its code. */
function testNumber(dc: number): { phone: string; code: string } {
  serial += 1;
  return { phone: `99966${dc}${String(1000 + serial).padStart(4, "0")}`, code: String(dc).repeat(5) };
}

/** An account with a test number of DC `dc`, logged in through GramJS's own flow (handshake keys, PHONE_MIGRATE followed). */
async function loggedIn(dc: number, firstName: string): Promise<{ client: TelegramClient; id: string }> {
  const { phone, code } = testNumber(dc);
  const { id } = await control.createUser({ firstName, phone });
  const client = await emulatorClient(emu);
  clients.push(client);
  await loginWithCode(client, phone, async () => code);
  return { client, id };
}

/** Sends straight through the client's MTProto sender: no GramJS retry, switch or export on the way. */
function raw<R extends Api.AnyRequest>(client: TelegramClient, request: R): Promise<R["__response"]> {
  return (client as unknown as { _sender: { send(r: R): Promise<R["__response"]> } })._sender.send(request);
}

/** The Telegram error name a call fails with (GramJS turns X_MIGRATE_N into an XMigrateError with newDc N). */
async function rpcError(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    const { newDc, errorMessage } = error as { newDc?: number; errorMessage?: string };
    if (newDc !== undefined) return `${(error as Error).constructor.name.replace(/MigrateError$/, "").toUpperCase()}_MIGRATE_${newDc}`;
    return errorMessage ?? String(error);
  }
  throw new Error("the call succeeded");
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const dcPort = (id: number) => emu.dcs.find((dc) => dc.id === id)!.port;

beforeAll(async () => {
  emu = await startEmulator();
  control = new ControlClient(emu.controlUrl);
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.destroy()));
  emu.router.stats.clear();
});

afterAll(async () => {
  await emu?.stop();
});

describe("several DCs", () => {
  it("listens for DCs 1 to 5, each on its own port below 32768, listed in help.getConfig; the main DC keeps port and dcId", async () => {
    expect(emu.dcId).toBe(2);
    expect(emu.dcs.map((dc) => dc.id)).toEqual([1, 2, 3, 4, 5]);
    expect(dcPort(2)).toBe(emu.port);
    const ports = emu.dcs.map((dc) => dc.port);
    expect(new Set(ports).size).toBe(5);
    for (const port of ports) expect(port).toBeLessThan(32768);

    const { client } = await loggedIn(4, "Dora");
    const config = await client.invoke(new Api.help.GetConfig());
    expect(config.thisDc).toBe(4);
    expect(config.dcOptions.map((o) => [o.id, o.ipAddress, o.port])).toEqual(emu.dcs.map((dc) => [dc.id, dc.host, dc.port]));
  });

  it("answers a sign-in begun on another DC than the number's with PHONE_MIGRATE_X; GramJS follows it and the session stays on that DC", async () => {
    const { phone, code } = testNumber(4);
    await control.createUser({ firstName: "Fourth", phone });
    const probe = await emulatorClient(emu);
    clients.push(probe);
    await probe.connect();
    const sendCode = new Api.auth.SendCode({ phoneNumber: phone, apiId: EMULATOR_API_ID, apiHash: EMULATOR_API_HASH, settings: new Api.CodeSettings({}) });
    expect(await rpcError(raw(probe, sendCode))).toBe("PHONE_MIGRATE_4");

    const client = await emulatorClient(emu);
    clients.push(client);
    await loginWithCode(client, phone, async () => code);
    expect(client.session.dcId).toBe(4);
    const saved = (client.session as StringSession).save();
    await client.destroy();

    const resumed = await emulatorClient(emu, { session: saved });
    clients.push(resumed);
    await resumed.connect();
    expect(resumed.session.port).toBe(dcPort(4));
    const me = await resumed.getMe();
    expect((me as Api.User).phone).toBe(phone);
  });

  it("answers a new number's sign-up on the DC asked, and the account lives there", async () => {
    const client = await emulatorClient(emu);
    clients.push(client);
    await client.connect();
    const phone = "15550004321";
    const sent = (await raw(
      client,
      new Api.auth.SendCode({ phoneNumber: phone, apiId: EMULATOR_API_ID, apiHash: EMULATOR_API_HASH, settings: new Api.CodeSettings({}) }),
    )) as Api.auth.SentCode;
    const { code } = await control.loginCode(phone);
    await raw(client, new Api.auth.SignIn({ phoneNumber: phone, phoneCodeHash: sent.phoneCodeHash, phoneCode: code }));
    const signedUp = (await raw(
      client,
      new Api.auth.SignUp({ phoneNumber: phone, phoneCodeHash: sent.phoneCodeHash, firstName: "New", lastName: "" }),
    )) as Api.auth.Authorization;
    const id = signedUp.user.id.toString();
    const user = emu.model.users.get(Number(id))!;
    const { homeDcOf } = await import("../src/model/dcs.js");
    expect(homeDcOf(emu.model, user)).toBe(2);
  });

  it("moves an account through the control API: its calls on the old DC answer USER_MIGRATE_X", async () => {
    const { client, id } = await loggedIn(2, "Mover");
    await client.getMe();
    expect(emu.model.onlineUsers().has(Number(id))).toBe(true);
    expect(await control.moveToDc(id, 4)).toEqual({ id, dcId: 4, previousDcId: 2 });
    // Updates come from the DC the account lives on: its connection on the old DC takes none.
    expect(emu.model.onlineUsers().has(Number(id))).toBe(false);
    expect(await rpcError(raw(client, new Api.users.GetUsers({ id: [new Api.InputUserSelf()] })))).toBe("USER_MIGRATE_4");
    // help.* is open: a connection's init (help.getConfig) still works on the old DC.
    expect((await raw(client, new Api.help.GetConfig())).thisDc).toBe(2);
    // The authorization can still be exported from the old DC, which is how it reaches the new one.
    const exported = await raw(client, new Api.auth.ExportAuthorization({ dcId: 4 }));
    expect(exported.id.toString()).toBe(id);
  });

  it("carries an authorization to another DC with auth.exportAuthorization / importAuthorization (GramJS's exported senders)", async () => {
    const { client, id } = await loggedIn(2, "Traveller");
    const users = await client.invoke(new Api.users.GetUsers({ id: [new Api.InputUserSelf()] }), 4);
    expect(users[0].id.toString()).toBe(id);
    expect(emu.router.stats.get("auth.exportAuthorization")).toBe(1);
    expect(emu.router.stats.get("auth.importAuthorization")).toBe(1);
    expect(await rpcError(raw(client, new Api.auth.ExportAuthorization({ dcId: 2 })))).toBe("DC_ID_INVALID");
    expect(await rpcError(raw(client, new Api.auth.ExportAuthorization({ dcId: 7 })))).toBe("DC_ID_INVALID");
  });

  it("imports exported bytes once, on the DC they were exported for, as the account they name", async () => {
    const { client, id } = await loggedIn(2, "Exporter");
    const forDc3 = await raw(client, new Api.auth.ExportAuthorization({ dcId: 3 }));
    const forDc4 = await raw(client, new Api.auth.ExportAuthorization({ dcId: 4 }));

    const onDc4 = await emulatorClient(emu);
    clients.push(onDc4);
    onDc4.session.setDC(4, emu.host, dcPort(4));
    await onDc4.connect();
    expect(await rpcError(raw(onDc4, new Api.users.GetUsers({ id: [new Api.InputUserSelf()] })))).toBe("AUTH_KEY_UNREGISTERED");
    expect(await rpcError(raw(onDc4, new Api.auth.ImportAuthorization({ id: forDc3.id, bytes: forDc3.bytes })))).toBe("AUTH_BYTES_INVALID");
    expect(await rpcError(raw(onDc4, new Api.auth.ImportAuthorization({ id: forDc4.id.add(1), bytes: forDc4.bytes })))).toBe("USER_ID_INVALID");
    const imported = await raw(onDc4, new Api.auth.ImportAuthorization({ id: forDc4.id, bytes: forDc4.bytes }));
    expect(((imported as Api.auth.Authorization).user as Api.User).id.toString()).toBe(id);
    expect(await rpcError(raw(onDc4, new Api.auth.ImportAuthorization({ id: forDc4.id, bytes: forDc4.bytes })))).toBe("AUTH_BYTES_INVALID");
    // The imported key acts as the account on DC 4, though its home is DC 2.
    const users = await raw(onDc4, new Api.users.GetUsers({ id: [new Api.InputUserSelf()] }));
    expect(users[0].id.toString()).toBe(id);
  });

  it("serves a file from the DC that holds it: upload.getFile elsewhere answers FILE_MIGRATE_X, and GramJS's download follows it byte for byte", async () => {
    const alice = await loggedIn(4, "Alice");
    const bob = await loggedIn(2, "Bob");
    const bytes = randomBytes(300_000);
    // Alice reaches Bob through a chat they share: a basic group.
    const { id: groupId } = await control.createChat({
      type: "group",
      title: "DCs",
      creatorId: alice.id,
      members: [{ userId: bob.id, role: "member" }],
    });
    const dialogs = await alice.client.getDialogs({});
    const group = dialogs.find((d) => d.id?.toString() === `-${groupId}`)!.entity!;
    await alice.client.sendFile(group, { file: new CustomFile("dc4.bin", bytes.length, "", bytes), forceDocument: true });

    const [message] = await bob.client.getMessages(`-${groupId}`, { limit: 1 });
    const document = (message.media as Api.MessageMediaDocument).document as Api.Document;
    expect(document.dcId).toBe(4);
    const location = new Api.InputDocumentFileLocation({
      id: document.id,
      accessHash: document.accessHash,
      fileReference: document.fileReference,
      thumbSize: "",
    });
    expect(await rpcError(bob.client.invoke(new Api.upload.GetFile({ location, offset: bigInt(0), limit: 4096 })))).toBe("FILE_MIGRATE_4");

    const viaMigrate = (await bob.client.downloadFile(location, { dcId: 2, fileSize: document.size })) as Buffer;
    expect(sha256(viaMigrate)).toBe(sha256(bytes));
    const viaMedia = (await bob.client.downloadMedia(message)) as Buffer;
    expect(sha256(viaMedia)).toBe(sha256(bytes));
  });

  it("answers QR login with auth.loginTokenMigrateTo when the account that accepted lives on another DC", async () => {
    const dora = await loggedIn(4, "Qr");
    const client = await emulatorClient(emu);
    clients.push(client);
    await client.connect();
    const exportToken = () => raw(client, new Api.auth.ExportLoginToken({ apiId: EMULATOR_API_ID, apiHash: EMULATOR_API_HASH, exceptIds: [] }));
    const first = (await exportToken()) as Api.auth.LoginToken;
    await control.acceptQr(dora.id, Buffer.from(first.token));
    const migrate = await exportToken();
    expect(migrate).toBeInstanceOf(Api.auth.LoginTokenMigrateTo);
    expect((migrate as Api.auth.LoginTokenMigrateTo).dcId).toBe(4);
    await (client as unknown as { _switchDC(dc: number): Promise<void> })._switchDC(4);
    const success = await client.invoke(new Api.auth.ImportLoginToken({ token: (migrate as Api.auth.LoginTokenMigrateTo).token }));
    expect(success).toBeInstanceOf(Api.auth.LoginTokenSuccess);
    expect((await client.getMe()).id.toString()).toBe(dora.id);
  });
});
