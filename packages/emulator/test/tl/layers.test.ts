/**
 * One model, several layers: GramJS's objects written in the layout of the client's layer and read
 * back from it, requests of another layer parsed into GramJS's classes, and the choice of layer.
 */
import bigInt from "big-integer";
import { Api } from "telegram";
import { BinaryReader } from "telegram/extensions/index.js";
import { describe, expect, it } from "vitest";
import { RpcError } from "../../src/model/errors.js";
import { announcedLayer } from "../../src/mtproto/layers.js";
import { parseRequest, serializeResult } from "../../src/mtproto/rpc.js";
import { readObject } from "../../src/tl/read.js";
import { GRAMJS_SCHEMA, schemaForLayer, servedLayerFor } from "../../src/tl/schema.js";
import { serializeObject } from "../../src/tl/serialize.js";

const L227 = schemaForLayer(227);
const L144 = schemaForLayer(144);

function user(): Api.User {
  return new Api.User({
    id: bigInt(1000042),
    accessHash: bigInt("-1234567890123"),
    firstName: "Ada",
    lastName: "Lovelace",
    username: "ada",
    phone: "9996621234",
    self: true,
    premium: true,
    status: new Api.UserStatusOnline({ expires: 1_800_000_000 }),
  });
}

describe("layers served", () => {
  it("chooses the layer: GramJS's without invokeWithLayer, else the highest served not above it", () => {
    expect(servedLayerFor(0)).toBe(198);
    expect(servedLayerFor(144)).toBe(144);
    expect(servedLayerFor(100)).toBe(144);
    expect(servedLayerFor(170)).toBe(144);
    expect(servedLayerFor(198)).toBe(198);
    expect(servedLayerFor(210)).toBe(198);
    expect(servedLayerFor(227)).toBe(227);
    expect(servedLayerFor(230)).toBe(227);
    expect(schemaForLayer(198)).toBe(GRAMJS_SCHEMA);
  });

  it("writes GramJS's layer byte for byte as getBytes()", () => {
    const u = user();
    expect(serializeObject(u as never).equals(u.getBytes())).toBe(true);
  });

  it("writes a user in layer 227 under that layer's constructor id, and reads it back unchanged", () => {
    const bytes = serializeObject(user() as never, L227);
    expect(bytes.readUInt32LE(0)).toBe(0x31774388); // user#31774388 in layer 227
    expect(bytes.readUInt32LE(0)).not.toBe(user().CONSTRUCTOR_ID >>> 0);
    const back = readObject(new BinaryReader(bytes), L227) as Api.User;
    expect(back).toBeInstanceOf(Api.User);
    expect(back.id.toString()).toBe("1000042");
    expect(back.accessHash?.toString()).toBe("-1234567890123");
    expect([back.firstName, back.lastName, back.username, back.phone]).toEqual(["Ada", "Lovelace", "ada", "9996621234"]);
    expect([back.self, back.premium, back.bot]).toEqual([true, true, false]);
    expect((back.status as Api.UserStatusOnline).expires).toBe(1_800_000_000);
  });

  it("writes help.getConfig's answer in layer 144 as Telethon 1.25 reads it (config#330b4067)", () => {
    const config = new Api.Config({
      date: 1,
      expires: 2,
      testMode: false,
      thisDc: 2,
      dcOptions: [new Api.DcOption({ id: 2, ipAddress: "127.0.0.1", port: 20000 })],
      dcTxtDomainName: "",
      chatSizeMax: 200,
      megagroupSizeMax: 200000,
      forwardedCountMax: 100,
      onlineUpdatePeriodMs: 1,
      offlineBlurTimeoutMs: 1,
      offlineIdleTimeoutMs: 1,
      onlineCloudTimeoutMs: 1,
      notifyCloudDelayMs: 1,
      notifyDefaultDelayMs: 1,
      pushChatPeriodMs: 1,
      pushChatLimit: 1,
      editTimeLimit: 1,
      revokeTimeLimit: 1,
      revokePmTimeLimit: 1,
      ratingEDecay: 1,
      stickersRecentLimit: 1,
      channelsReadMediaPeriod: 1,
      callReceiveTimeoutMs: 1,
      callRingTimeoutMs: 1,
      callConnectTimeoutMs: 1,
      callPacketTimeoutMs: 1,
      meUrlPrefix: "https://t.me/",
      captionLengthMax: 1024,
      messageLengthMax: 4096,
      webfileDcId: 4,
    });
    const bytes = serializeResult(config, L144);
    expect(bytes.readUInt32LE(0)).toBe(0x330b4067);
    const back = readObject(new BinaryReader(bytes), L144) as Api.Config;
    expect(back.thisDc).toBe(2);
    expect(back.dcOptions[0].port).toBe(20000);
    expect(back.messageLengthMax).toBe(4096);
  });

  it("parses a layer-227 request into GramJS's class, wrappers included", () => {
    const send = new Api.messages.SendMessage({
      peer: new Api.InputPeerUser({ userId: bigInt(7), accessHash: bigInt(9) }),
      message: "hi",
      randomId: bigInt(12345),
      silent: true,
    });
    const wrapped = new Api.InvokeWithLayer({ layer: 227, query: send });
    const body = serializeObject(wrapped as never, L227);
    expect(announcedLayer(body)).toBe(227);
    const parsed = parseRequest(body, L227) as unknown as Api.InvokeWithLayer;
    expect(parsed).toBeInstanceOf(Api.InvokeWithLayer);
    const query = parsed.query as Api.messages.SendMessage;
    expect(query).toBeInstanceOf(Api.messages.SendMessage);
    expect([query.message, query.silent, String(query.randomId)]).toEqual(["hi", true, "12345"]);
    expect((query.peer as Api.InputPeerUser).accessHash.toString()).toBe("9");
    expect(body.readUInt32LE(8)).not.toBe(send.CONSTRUCTOR_ID >>> 0); // messages.sendMessage differs in 227
  });

  it("refuses a constructor the client's layer does not have, naming it", () => {
    const body = Buffer.alloc(8);
    body.writeUInt32LE(0xdeadbeef, 0);
    expect(() => parseRequest(body, L227)).toThrow(new RpcError(400, "INPUT_CONSTRUCTOR_INVALID_deadbeef"));
  });

  it("finds the layer a request announces under invokeAfterMsg and invokeWithoutUpdates", () => {
    const inner = new Api.InvokeWithLayer({ layer: 227, query: new Api.help.GetConfig() });
    const after = new Api.InvokeAfterMsg({ msgId: bigInt(5), query: new Api.InvokeWithoutUpdates({ query: inner }) });
    expect(announcedLayer(serializeObject(after as never))).toBe(227);
    expect(announcedLayer(serializeObject(new Api.help.GetConfig() as never))).toBeUndefined();
  });
});
