/**
 * Redaction over a whole end-to-end run, logging at trace level: a login with code and 2FA password, the
 * user-mode runtime, a bot runtime importing its token, commands, a plugin that logs secrets on purpose and
 * a handler that fails with one in its message. No line may hold api_hash, a session string, an auth key,
 * the bot token, the login code or the password.
 */

import { StringSession } from "telegram/sessions/index.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { command, definePlugin } from "../../../src/handlers/plugin.js";
import { REDACTED } from "../../../src/log.js";
import ping from "../../../src/plugins/ping.js";
import whois from "../../../src/plugins/whois.js";
import { startRuntime } from "../../../src/runtime/index.js";
import { createTelegramClient, sessionString } from "../../../src/telegram/client.js";
import { loginWithCode } from "../../../src/telegram/login/code.js";
import { ScriptedPrompter } from "../../../src/telegram/prompter.js";
import { captureLog } from "../../kit/log.js";
import { API_HASH, say, startWorld, type World } from "../../kit/world.js";

let world: World;

beforeAll(async () => {
  world = await startWorld();
});

afterAll(async () => {
  await world?.stop();
});

/** The auth key of a session string, as hex and base64. */
async function authKeyForms(session: string): Promise<string[]> {
  const stringSession = new StringSession(session);
  await stringSession.load();
  const key = stringSession.getAuthKey()?.getKey();
  if (key === undefined) throw new Error("the session has no auth key");
  return [key.toString("hex"), key.toString("base64")];
}

it("keeps every secret out of the log of a whole run", async () => {
  const { control } = world;
  const password = "hunter2-correct-horse";
  const owner = await control.createUser({ firstName: "Olivia", username: "olivia_red", phone: "15550002222", password, passwordHint: "the usual" });
  const alice = await control.createUser({ firstName: "Alice", username: "alice_red" });
  const bot = await control.createUser({ firstName: "Redbot", username: "red_e2e_bot", bot: true });
  const token = bot.botToken!;
  const capture = captureLog({ level: "trace" });
  const config = world.config({ LOG_LEVEL: "trace" });

  const loginClient = createTelegramClient(config, "", capture.log);
  await loginClient.connect();
  let code = "";
  const prompter = new ScriptedPrompter(["15550002222"]);
  const user = await loginWithCode(loginClient, config, {
    prompter: {
      text: async (question) => {
        if (question !== "Login code:") return prompter.text(question);
        code = (await control.loginCode("15550002222")).code;
        return code;
      },
      password: async () => password,
      close: () => {},
    },
    say: (line) => capture.log.info(line),
  });
  expect(user.id.toString()).toBe(owner.id);
  const userSession = sessionString(loginClient);
  await loginClient.destroy();
  const store = world.store();
  store.save("default", userSession);

  /** A plugin logging, on purpose, secrets the runtime knows: in fields, in the message, in a thrown error. */
  const leak = (secret: string) =>
    definePlugin({
      name: "leak",
      handlers: [
        command("leak", async (ctx) => {
          ctx.log.info({ apiHash: API_HASH, sessionString: secret, note: `holding ${secret}` }, `dumping ${API_HASH}`);
          await ctx.answer("leaked nothing");
        }),
        command("fail", () => {
          throw new Error(`failed while holding ${secret}`);
        }),
      ],
    });
  const runtime = await startRuntime({ config, store, plugins: [ping, whois, leak(userSession)], log: capture.log });
  const dm = { type: "user" as const, id: alice.id };
  await say(world, runtime, owner.id, dm, ".ping");
  await say(world, runtime, owner.id, dm, ".whois @alice_red");
  await say(world, runtime, owner.id, dm, ".leak");
  await say(world, runtime, owner.id, dm, ".fail");

  const botRuntime = await startRuntime({
    config: world.config({ LOG_LEVEL: "trace", TELEGRAM_BOT_TOKEN: token }),
    store,
    plugins: [ping, leak(token)],
    log: capture.log,
  });
  await say(world, botRuntime, alice.id, { type: "user", id: bot.id }, "/ping");
  await say(world, botRuntime, alice.id, { type: "user", id: bot.id }, "/leak");
  await say(world, botRuntime, alice.id, { type: "user", id: bot.id }, "/fail");
  await Promise.all([runtime.stop(), botRuntime.stop()]);

  const botSession = store.load(`bot-${bot.id}`);
  const secrets = [
    API_HASH,
    userSession,
    botSession,
    token,
    token.slice(token.indexOf(":") + 1),
    password,
    ...(await authKeyForms(userSession)),
    ...(await authKeyForms(botSession)),
  ];
  const log = capture.lines.join("");
  expect(capture.lines.length).toBeGreaterThan(10);
  expect(log).toContain(REDACTED);
  expect(log).toContain('"msg":"handler failed"');
  for (const secret of secrets) expect(log.includes(secret), `a secret of ${secret.length} characters is in the log`).toBe(false);
  expect(code).toMatch(/^\d{5}$/);
  expect(new RegExp(`\\b${code}\\b`).test(log)).toBe(false);
});
