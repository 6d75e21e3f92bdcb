import { Api } from "telegram";
import { describe, expect, it } from "vitest";
import { messageMethods } from "../../src/methods/messages.js";
import { createUser } from "../../src/model/users.js";
import { call, harness, inputPeer, randomId, rpcError } from "./accounts/harness.js";

describe("World.reset (POST /reset)", () => {
  it("forgets everything of the old world that a new account with an old id could inherit", async () => {
    const h = harness();
    const alice = createUser(h.world, { firstName: "Alice" });
    const bob = createUser(h.world, { firstName: "Bob" });
    const send = () => new Api.messages.SendMessage({ peer: inputPeer(h.world, alice, bob), message: "hi", randomId: randomId(7) });
    await call(messageMethods, send(), h.as(alice));
    expect(await rpcError(call(messageMethods, send(), h.as(alice)))).toBe("500 RANDOM_ID_DUPLICATE");

    h.world.reset();
    const again = createUser(h.world, { firstName: "Alice again" });
    const other = createUser(h.world, { firstName: "Bob again" });
    expect([again.id, other.id, again.phone]).toEqual([alice.id, bob.id, alice.phone]);
    expect(h.world.messageLedger.copies.size + h.world.messageLedger.reads.size + h.world.login.codes.size).toBe(0);
    const fresh = new Api.messages.SendMessage({ peer: inputPeer(h.world, again, other), message: "hi", randomId: randomId(7) });
    await expect(call(messageMethods, fresh, h.as(again))).resolves.toBeInstanceOf(Api.UpdateShortSentMessage);
  });
});
