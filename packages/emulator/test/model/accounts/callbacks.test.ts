import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { messageMethods } from "../../../src/methods/messages.js";
import { pressButton } from "../../../src/model/callbacks.js";
import { postMessage } from "../../../src/model/sending.js";
import { createUser } from "../../../src/model/users.js";
import { call, harness, inputPeer, rpcError } from "./harness.js";

function setup() {
  const h = harness();
  const person = createUser(h.world, { firstName: "Person" });
  const bot = createUser(h.world, { firstName: "Bot", bot: true, username: "quiz_bot" });
  const personCtx = h.as(person);
  const botCtx = h.as(bot);
  postMessage(h.world, person.id, { type: "user", id: person.id }, { text: "shifts the person's ids" });
  postMessage(h.world, person.id, { type: "user", id: bot.id }, { text: "/start" });
  const markup = new Api.ReplyInlineMarkup({
    rows: [new Api.KeyboardButtonRow({ buttons: [new Api.KeyboardButtonCallback({ text: "A", data: Buffer.from("answer:a") })] })],
  });
  const question = postMessage(h.world, bot.id, { type: "user", id: person.id }, { text: "Pick one", replyMarkup: markup });
  const personCopyId = 3;
  h.pushes.length = 0;
  return { h, person, bot, personCtx, botCtx, question, personCopyId };
}

const getAnswer = (peer: Api.TypeInputPeer, msgId: number, data: string) => new Api.messages.GetBotCallbackAnswer({ peer, msgId, data: Buffer.from(data) });

describe("inline button callbacks", () => {
  it("sends updateBotCallbackQuery to the bot and returns its answer", async () => {
    const { h, person, bot, personCtx, botCtx, question, personCopyId } = setup();
    const pending = call<Api.messages.BotCallbackAnswer>(messageMethods, getAnswer(inputPeer(h.world, person, bot), personCopyId, "answer:a"), personCtx);
    const [push] = h.pushesTo(bot.id);
    const query = (push.updates as Api.Updates).updates[0] as Api.UpdateBotCallbackQuery;
    expect(query).toBeInstanceOf(Api.UpdateBotCallbackQuery);
    expect(query.msgId).toBe(question.id);
    expect(query.userId.toJSNumber()).toBe(person.id);
    expect((query.peer as Api.PeerUser).userId.toJSNumber()).toBe(person.id);
    expect(Buffer.from(query.data!).toString()).toBe("answer:a");
    const ok = await call(
      messageMethods,
      new Api.messages.SetBotCallbackAnswer({ queryId: query.queryId, message: "Right!", alert: true, cacheTime: 0 }),
      botCtx,
    );
    expect(ok).toBe(true);
    const answer = await pending;
    expect(answer).toMatchObject({ message: "Right!", alert: true, cacheTime: 0 });
    expect(await rpcError(call(messageMethods, new Api.messages.SetBotCallbackAnswer({ queryId: query.queryId, cacheTime: 0 }), botCtx))).toBe(
      "400 QUERY_ID_INVALID",
    );
  });

  it("refuses unknown buttons and messages, and times out when the bot is silent or offline", async () => {
    const { h, person, bot, personCopyId } = setup();
    const peer = { type: "user" as const, id: bot.id };
    expect(await rpcError(pressButton(h.world, person.id, peer, personCopyId, Buffer.from("answer:z")))).toBe("400 DATA_INVALID");
    expect(await rpcError(pressButton(h.world, person.id, peer, 99, Buffer.from("answer:a")))).toBe("400 MESSAGE_ID_INVALID");
    h.world.limits.botCallbackTimeoutMs = 20;
    expect(await rpcError(pressButton(h.world, person.id, peer, personCopyId, Buffer.from("answer:a")))).toBe("400 BOT_RESPONSE_TIMEOUT");
    h.online.delete(bot.id);
    expect(await rpcError(pressButton(h.world, person.id, peer, personCopyId, Buffer.from("answer:a")))).toBe("400 BOT_RESPONSE_TIMEOUT");
  });

  it("lets only the addressed bot answer", async () => {
    const { h, person, personCtx, personCopyId } = setup();
    const bot = [...h.world.users.values()].find((u) => u.bot)!;
    const otherBot = createUser(h.world, { firstName: "Other", bot: true });
    const pending = pressButton(h.world, person.id, { type: "user", id: bot.id }, personCopyId, Buffer.from("answer:a"));
    const query = (h.pushesTo(bot.id)[0].updates as Api.Updates).updates[0] as Api.UpdateBotCallbackQuery;
    expect(await rpcError(call(messageMethods, new Api.messages.SetBotCallbackAnswer({ queryId: query.queryId, cacheTime: 0 }), h.as(otherBot)))).toBe(
      "400 QUERY_ID_INVALID",
    );
    expect(await rpcError(call(messageMethods, new Api.messages.SetBotCallbackAnswer({ queryId: query.queryId, cacheTime: 0 }), personCtx))).toBe(
      "400 USER_BOT_REQUIRED",
    );
    await call(messageMethods, new Api.messages.SetBotCallbackAnswer({ queryId: query.queryId, message: "ok", cacheTime: 5 }), h.as(bot));
    expect((await pending).message).toBe("ok");
  });
});
