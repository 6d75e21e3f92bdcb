import { describe, expect, it } from "vitest";
import type { CommandHelp } from "../../src/handlers/context.js";
import type { Message } from "../../src/handlers/message.js";
import type { Plugin } from "../../src/handlers/plugin.js";
import help from "../../src/plugins/help.js";
import id from "../../src/plugins/id.js";
import ping from "../../src/plugins/ping.js";
import whois from "../../src/plugins/whois.js";
import { FakeGateway, makeContext, makeMessage } from "../kit/fakes.js";

/** Runs the plugin's only handler on a context built for the message. */
async function run(plugin: Plugin, message: Message, options: Parameters<typeof makeContext>[1] = {}): Promise<FakeGateway> {
  const { ctx, gateway } = makeContext(message, options);
  await plugin.handlers[0].run(ctx);
  return gateway;
}

const own = (overrides: Partial<Message> = {}) => makeMessage({ out: true, senderId: "1000", ...overrides });
const botIncoming = (overrides: Partial<Message> = {}) => makeMessage({ mode: "bot", selfId: "9000", senderId: "2000", ...overrides });

const COMMANDS: CommandHelp[] = [
  { name: "whois", aliases: ["who"], description: "describe a user", usage: "[@username | id]", plugin: "whois" },
  { name: "help", aliases: [], description: "list commands", usage: "[command]", plugin: "help" },
  { name: "ping", aliases: [], description: "", plugin: "ping" },
];

describe("help", () => {
  it("lists every command sorted, with the mode's prefix, by editing the command in user mode", async () => {
    const gateway = await run(help, own({ messageId: 5 }), { commands: COMMANDS });
    expect(gateway.calls).toEqual([
      {
        op: "edit",
        chatId: "2000",
        messageId: 5,
        options: undefined,
        text: "Commands:\n.help [command] — list commands\n.ping\n.whois [@username | id] — describe a user",
      },
    ]);
  });

  it("describes one command, found by alias, with / and a reply in bot mode", async () => {
    const gateway = await run(help, botIncoming({ messageId: 8 }), { commands: COMMANDS, args: ["/who"] });
    expect(gateway.calls).toEqual([
      { op: "send", chatId: "2000", options: { replyTo: 8 }, text: "/whois [@username | id] — describe a user\nAliases: /who\nPlugin: whois" },
    ]);
  });

  it("says so for an unknown command", async () => {
    const gateway = await run(help, own(), { commands: COMMANDS, args: ["nope"] });
    expect(gateway.texts()).toEqual(['Unknown command "nope". Send .help for the list.']);
  });
});

describe("ping", () => {
  it("answers Pong, then edits that answer to show the round trip in ms", async () => {
    const gateway = await run(ping, botIncoming({ messageId: 4 }));
    expect(gateway.calls[0]).toEqual({ op: "send", chatId: "2000", text: "Pong!", options: { replyTo: 4 } });
    expect(gateway.calls[1]).toMatchObject({ op: "edit", chatId: "2000", messageId: 500 });
    expect(gateway.calls[1].text).toMatch(/^Pong! \d+ ms$/);
  });

  it("edits the account's own command in user mode", async () => {
    const gateway = await run(ping, own({ messageId: 4 }));
    expect(gateway.calls.map((c) => [c.op, c.op === "edit" ? c.messageId : 0])).toEqual([
      ["edit", 4],
      ["edit", 4],
    ]);
  });
});

describe("id", () => {
  it("shows the chat, sender and message ids", async () => {
    const gateway = await run(id, own({ chatId: "-100123", chatType: "supergroup", messageId: 77 }));
    expect(gateway.texts()).toEqual(["Chat: -100123 (supergroup)\nSender: 1000\nMessage: 77"]);
  });

  it("adds the replied message and its sender", async () => {
    const gateway = new FakeGateway();
    gateway.messages.push(makeMessage({ chatId: "-100123", messageId: 70, senderId: "555" }));
    await run(id, own({ chatId: "-100123", chatType: "supergroup", messageId: 77, replyToMessageId: 70 }), { gateway });
    expect(gateway.texts()[0]).toBe("Chat: -100123 (supergroup)\nSender: 1000\nMessage: 77\nReplied message: 70, from 555");
  });

  it("shows a replied message it cannot fetch by id only, and no sender for channel posts", async () => {
    const gateway = await run(id, botIncoming({ chatId: "-1009", chatType: "channel", senderId: undefined, messageId: 3, replyToMessageId: 2 }));
    expect(gateway.texts()[0]).toBe("Chat: -1009 (channel)\nMessage: 3\nReplied message: 2");
  });
});

describe("whois", () => {
  const alice = { id: "555", firstName: "Alice", lastName: "Liddell", username: "alice" };
  const robot = { id: "777", firstName: "Robo", isBot: true, username: "robo_bot" };

  /** A gateway knowing Alice, a bot and a message from Alice. */
  function world(): FakeGateway {
    const gateway = new FakeGateway();
    gateway.users.push(alice, robot);
    gateway.messages.push(makeMessage({ chatId: "-100123", messageId: 70, senderId: "555" }));
    return gateway;
  }

  it("describes a user given by @username", async () => {
    const gateway = await run(whois, own(), { gateway: world(), args: ["@Alice"] });
    expect(gateway.texts()).toEqual(["Name: Alice Liddell\nID: 555\nUsername: @alice\nBot: no"]);
  });

  it("describes a user given by id, and bots as bots", async () => {
    const gateway = await run(whois, botIncoming(), { gateway: world(), args: ["777"] });
    expect(gateway.texts()).toEqual(["Name: Robo\nID: 777\nUsername: @robo_bot\nBot: yes"]);
  });

  it("describes the sender of the replied message", async () => {
    const gateway = await run(whois, own({ chatId: "-100123", chatType: "supergroup", replyToMessageId: 70 }), { gateway: world() });
    expect(gateway.texts()[0]).toMatch(/^Name: Alice Liddell\nID: 555/);
  });

  it("without argument or reply: the other person in a private chat (user mode), the sender in bot mode", async () => {
    const gateway = world();
    gateway.users.push({ id: "2000", firstName: "Bob" });
    await run(whois, own({ chatId: "555" }), { gateway });
    await run(whois, botIncoming({ senderId: "2000" }), { gateway });
    expect(gateway.texts().map((t) => t.split("\n")[1])).toEqual(["ID: 555", "ID: 2000"]);
  });

  it("explains bad arguments, unknown users and unavailable replies", async () => {
    const gateway = world();
    await run(whois, own(), { gateway, args: ["no-such!"] });
    await run(whois, own(), { gateway, args: ["@nobody_here"] });
    await run(whois, own({ replyToMessageId: 999 }), { gateway });
    expect(gateway.texts()).toEqual([
      '"no-such!" is neither a @username nor a numeric id. Usage: .whois [@username | id], or reply to a message.',
      "No user found for @nobody_here.",
      "The replied message is not available. Usage: .whois [@username | id], or reply to a message.",
    ]);
  });
});
