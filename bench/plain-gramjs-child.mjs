/**
 * The plain GramJS client the production benchmark compares `node dist/cli/start.js` with, in its own
 * process under plain node (no tsx): a TelegramClient on the same saved session with one NewMessage
 * handler, nothing else. It borrows from the build only what reaching the emulator needs (its RSA key and
 * port: dist/telegram/customServer.js). Prints "ready" on stdout once connected and signed in.
 * With --count (the memory soak benchmark) it also prints "handled N", the messages its handler has seen,
 * once a second.
 * Usage: node bench/plain-gramjs-child.mjs SESSION_FILE [--count] (TELEGRAM_API_ID, TELEGRAM_API_HASH, TELEGRAM_SERVER, TELEGRAM_SERVER_KEY set).
 */
import { readFileSync } from "node:fs";
import { TelegramClient } from "telegram";
import { NewMessage } from "telegram/events/index.js";
import { Logger, LogLevel } from "telegram/extensions/Logger.js";
import { StringSession } from "telegram/sessions/index.js";
import { customServerConnection, pointSessionAt, trustServerKey } from "../dist/telegram/customServer.js";

const session = new StringSession(readFileSync(process.argv[2], "utf8").trim());
const [host, port] = process.env.TELEGRAM_SERVER.split(":");
trustServerKey(readFileSync(process.env.TELEGRAM_SERVER_KEY, "utf8"));
pointSessionAt(session, host, Number(port));
const client = new TelegramClient(session, Number(process.env.TELEGRAM_API_ID), process.env.TELEGRAM_API_HASH, {
  baseLogger: new Logger(LogLevel.NONE),
  connection: customServerConnection(host, Number(port)),
});
let handled = 0;
client.addEventHandler((event) => {
  handled += 1;
  return event.message;
}, new NewMessage({}));
await client.connect();
await client.getMe();
process.stdout.write("ready\n");
if (process.argv.includes("--count")) setInterval(() => process.stdout.write(`handled ${handled}\n`), 1000);
process.on("SIGTERM", () => {
  void client.destroy().then(() => process.exit(0));
});
