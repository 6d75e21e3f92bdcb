/**
 * The demo's small Telegram: an in-process emulator seeded with the owner, a few people, a basic group,
 * a megagroup and a bot, and the config a user would write to reach it (TELEGRAM_SERVER and its key).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Emulator, startEmulator } from "@tg-toolkit/emulator";
import { EMULATOR_API_HASH, EMULATOR_API_ID } from "@tg-toolkit/emulator/client";
import { ControlClient, type PeerType } from "@tg-toolkit/emulator/control";
import { type Config, parseConfig } from "../app/config.js";

/** A chat the demo talks in, with the name the transcript shows. */
export interface DemoChat {
  readonly type: PeerType;
  readonly id: string;
  readonly title: string;
}

/** A person of the demo. */
export interface DemoPerson {
  readonly id: string;
  readonly name: string;
  readonly username: string;
}

/** The seeded world. */
export interface DemoWorld {
  readonly emu: Emulator;
  readonly control: ControlClient;
  /** Scratch folder: the server key, sessions and the session database (removed by stop). */
  readonly dir: string;
  readonly owner: DemoPerson & { readonly phone: string };
  readonly alice: DemoPerson;
  readonly bob: DemoPerson;
  readonly carol: DemoPerson;
  readonly bot: DemoPerson & { readonly token: string };
  readonly family: DemoChat;
  readonly club: DemoChat;
  /** The config for the emulator, as from a .env (optionally with TELEGRAM_BOT_TOKEN). */
  config(botToken?: string): Config;
  stop(): Promise<void>;
}

/** Starts the emulator and seeds the demo's people and chats. */
export async function startDemoWorld(): Promise<DemoWorld> {
  const emu = await startEmulator();
  const dir = mkdtempSync(join(tmpdir(), "userbot-demo-"));
  try {
    const keyPath = join(dir, "emulator.pem");
    writeFileSync(keyPath, emu.rsaPublicKey);
    const control = new ControlClient(emu.controlUrl);
    const person = async (firstName: string, username: string, phone?: string) => {
      const created = await control.createUser({ firstName, username, phone });
      return { id: created.id, name: firstName, username };
    };
    const owner = { ...(await person("Olivia", "olivia", "9996621000")), phone: "+999 66 2 1000" };
    const alice = await person("Alice", "alice");
    const bob = await person("Bob", "bob");
    const carol = await person("Carol", "carol");
    const botUser = await control.createUser({ firstName: "Toolkit", username: "toolkit_demo_bot", bot: true });
    const bot = { id: botUser.id, name: "Toolkit", username: "toolkit_demo_bot", token: botUser.botToken ?? "" };
    const member = (user: DemoPerson) => ({ userId: user.id, role: "member" as const });
    const family = await control.createChat({ type: "group", title: "Family", creatorId: owner.id, members: [member(alice), member(bob)] });
    const club = await control.createChat({
      type: "supergroup",
      title: "Book Club",
      username: "bookclub",
      creatorId: owner.id,
      members: [member(alice), member(bob), member(carol), member(bot)],
    });
    return {
      emu,
      control,
      dir,
      owner,
      alice,
      bob,
      carol,
      bot,
      family: { type: "chat", id: family.id, title: "Family" },
      club: { type: "channel", id: club.id, title: "Book Club" },
      config: (botToken) =>
        parseConfig({
          TELEGRAM_API_ID: String(EMULATOR_API_ID),
          TELEGRAM_API_HASH: EMULATOR_API_HASH,
          TELEGRAM_SERVER: `${emu.host}:${emu.port}`,
          TELEGRAM_SERVER_KEY: keyPath,
          TELEGRAM_BOT_TOKEN: botToken,
          LOG_LEVEL: "warn",
        }),
      async stop() {
        await emu.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
