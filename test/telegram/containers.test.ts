/**
 * GramJS 2.26 stops reading a msg_container at the first rpc_error in it, stranding the answers
 * after it. The product's clients are guarded: concurrent calls all settle when one of them fails.
 */

import { Api, type TelegramClient } from "telegram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { createTelegramClient } from "../../src/telegram/client.js";
import { preSharedSession, startWorld, type World } from "../kit/world.js";

let world: World;
let client: TelegramClient;

beforeAll(async () => {
  world = await startWorld();
  const me = await world.control.createUser({ firstName: "Olivia" });
  client = createTelegramClient(world.config(), await preSharedSession(world.emu, me.id), createLogger({ level: "silent" }));
  await client.connect();
});

afterAll(async () => {
  await client?.destroy();
  await world?.stop();
});

describe("answers packed in one container", () => {
  it("all settle when one of them is an rpc_error", async () => {
    // The same latency for every call makes their answers ready together, so the server packs them.
    await world.control.setLatency(30);
    await world.control.addFault({ method: "users.getUsers", error: "USER_ID_INVALID", count: 1 });
    const calls = Array.from({ length: 20 }, () => client.invoke(new Api.users.GetUsers({ id: [new Api.InputUserSelf()] })));
    let timer: NodeJS.Timeout | undefined;
    const stranded = new Promise<"stranded">((resolve) => (timer = setTimeout(() => resolve("stranded"), 10_000)));
    const settled = await Promise.race([Promise.allSettled(calls), stranded]);
    clearTimeout(timer);
    await world.control.setLatency(0);
    expect(settled).not.toBe("stranded");
    const outcomes = (settled as PromiseSettledResult<unknown>[]).map((r) => r.status);
    expect(outcomes.filter((s) => s === "rejected")).toHaveLength(1);
    expect(outcomes.filter((s) => s === "fulfilled")).toHaveLength(19);
  });
});
