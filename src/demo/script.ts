/**
 * `npm run demo`'s story: seed a small world on an in-process emulator, log the owner in through the real
 * login flow, run `npm start`'s runtime (user mode, then bot mode) with the built-in plugins, have simulated
 * people send commands, and narrate what happened.
 */

import { startUserbot } from "../app/userbot.js";
import type { Message } from "../handlers/message.js";
import { createLogger } from "../log.js";
import type { Runtime } from "../runtime/index.js";
import { createTelegramClient, sessionString } from "../telegram/client.js";
import { loginWithCode } from "../telegram/login/code.js";
import type { Prompter } from "../telegram/prompter.js";
import { SessionStore } from "../telegram/sessionStore.js";
import { heading, note, type Outcome, outcome, said } from "./transcript.js";
import { type DemoChat, type DemoPerson, type DemoWorld, startDemoWorld } from "./world.js";

/** Writes transcript lines. */
export type Print = (...lines: string[]) => void;

/** What the demo did. */
export interface DemoSummary {
  /** Messages the runtimes handled. */
  readonly handled: number;
  /** Commands that got an answer. */
  readonly answered: number;
}

/** How long one step may take before the demo gives up. */
const STEP_TIMEOUT_MS = 15_000;

/** Runs the demo, printing the transcript line by line. */
export async function runDemo(print: Print): Promise<DemoSummary> {
  const world = await startDemoWorld();
  const runtimes: Runtime[] = [];
  try {
    print(`Telegram emulator on ${world.emu.host}:${world.emu.port}, inside this process: nothing leaves the machine.`);
    print(`World: Olivia (the owner, @olivia), Alice, Bob and Carol; basic group "Family"; supergroup "Book Club"; bot @${world.bot.username}.`);
    const store = new SessionStore(`${world.dir}/sessions`);
    await login(world, store, print);

    print(...heading("User mode: npm start on Olivia's session"));
    const user = await startUserbot({ config: world.config(), store, sessionName: "default" });
    runtimes.push(user);
    print(note(`Ready in ${user.startupMs} ms as @${user.me.username}. In user mode the commands are Olivia's own messages starting with "."`));
    print(note("(she types them on her phone; the userbot answers by editing them)."));
    const story = new Story(world, print);
    await story.step(user, world.club, world.owner, ".ping");
    await story.step(user, world.family, world.owner, ".id");
    await story.step(user, world.club, world.owner, ".whois @alice");
    await story.step(user, world.club, world.alice, ".ping", "in user mode only Olivia's own commands run");
    await story.step(user, world.family, world.owner, ".help");
    await story.step(user, world.family, world.owner, ".whois nobody!");
    await story.step(user, world.family, world.owner, ".frobnicate");
    await user.stop();

    print(...heading("Bot mode: npm start with TELEGRAM_BOT_TOKEN set"));
    const bot = await startUserbot({ config: world.config(world.bot.token), store, sessionName: `bot-${world.bot.id}` });
    runtimes.push(bot);
    print(
      note(`Ready in ${bot.startupMs} ms as @${bot.me.username}: the token was imported once and its session saved. Same plugins, "/" commands from anyone.`),
    );
    const dm = { type: "user" as const, id: world.bot.id, title: `Alice ↔ @${world.bot.username}` };
    await story.step(bot, dm, world.alice, "/help");
    await story.step(bot, world.club, world.bob, "/whois @olivia");
    await story.step(bot, world.club, world.carol, `/ping@${world.bot.username}`);
    await story.step(bot, dm, world.alice, "/id");
    await story.notSent(world.club, world.bob, "/ping@some_other_bot", "addressed to another bot, Telegram does not even send it to this one (privacy mode)");
    await story.step(bot, dm, world.alice, "/frobnicate");
    await bot.stop();

    const handled = runtimes.reduce((sum, runtime) => sum + runtime.stats().handled, 0);
    print(...heading("Done"));
    print(note(`${handled} messages handled, ${story.answered} answered. Both runtimes stopped gracefully.`));
    print(note("With your own account: put TELEGRAM_API_ID and TELEGRAM_API_HASH in .env, then `npm run login` and `npm start`."));
    return { handled, answered: story.answered };
  } finally {
    await Promise.all(runtimes.map((runtime) => runtime.stop()));
    await world.stop();
  }
}

/** Logs the owner in through the real code flow, answering the prompts as she would. */
async function login(world: DemoWorld, store: SessionStore, print: Print): Promise<void> {
  print(...heading("Login: npm run login"));
  const config = world.config();
  const client = createTelegramClient(config, "", createLogger({ level: "warn" }));
  const answers: Record<string, string> = { "Login code:": "22222" };
  const prompter: Prompter = {
    text: async (question) => {
      const answer = answers[question] ?? world.owner.phone;
      print(note(`${question} ${question === "Login code:" ? "•••••" : answer}`));
      return answer;
    },
    password: async () => {
      throw new Error("the demo account has no 2FA password");
    },
    close: () => {},
  };
  try {
    await client.connect();
    const user = await loginWithCode(client, config, { prompter, say: (line) => print(note(line)) });
    store.save("default", sessionString(client));
    print(note(`Logged in as ${"firstName" in user ? user.firstName : "the owner"}; session saved to sessions/default.session (0600).`));
  } finally {
    await client.destroy();
  }
}

/** Sends messages as simulated people and narrates what came back. */
class Story {
  answered = 0;

  constructor(
    private readonly world: DemoWorld,
    private readonly print: Print,
  ) {}

  /** `from` sends `text` to `chat`; once the runtime handled it, prints the message and its answer. */
  async step(runtime: Runtime, chat: DemoChat, from: DemoPerson, text: string, silentBecause = ""): Promise<void> {
    const handled = handledOnce(runtime, (message) => message.text === text && message.senderId === from.id);
    const { id } = await this.world.control.sendMessage(from.id, chat, text);
    await handled;
    this.print(said(chat.title, from.name, text));
    const result = await this.outcome(runtime, chat, from, id, text, silentBecause);
    if (result.kind !== "nothing") this.answered += 1;
    this.print(outcome(result));
  }

  /** `from` sends `text` to `chat`, a message Telegram does not send the bot at all: printed with the reason. */
  async notSent(chat: DemoChat, from: DemoPerson, text: string, because: string): Promise<void> {
    await this.world.control.sendMessage(from.id, chat, text);
    this.print(said(chat.title, from.name, text));
    this.print(outcome({ kind: "nothing", why: because }));
  }

  private async outcome(runtime: Runtime, chat: DemoChat, from: DemoPerson, id: string, text: string, silentBecause: string): Promise<Outcome> {
    const recent = await this.world.control.messages(chat.type, chat.id, { viewerId: from.id, limit: 5 });
    const own = recent.find((message) => message.id === id);
    if (own !== undefined && own.text !== text) return { kind: "edited", text: own.text };
    const reply = recent.find((message) => message.fromId === runtime.me.id && message.replyToId === id);
    if (reply !== undefined) return { kind: "replied", text: reply.text, by: `@${runtime.me.username}` };
    return { kind: "nothing", why: silentBecause || "nobody answered" };
  }
}

/** Resolves once the runtime handled a matching message. */
function handledOnce(runtime: Runtime, match: (message: Message) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`the demo runtime did not handle a message within ${STEP_TIMEOUT_MS} ms`));
    }, STEP_TIMEOUT_MS);
    const off = runtime.onHandled((message) => {
      if (!match(message)) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}
