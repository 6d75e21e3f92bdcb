/** Chats of automations.yaml (me, @username, t.me link, id) as the marked ids the gateway sends to. */
import { type TelegramClient, utils } from "telegram";
import type { Me } from "../handlers/context.js";
import { parsePeerInput, resolvePeer } from "../telegram/peers.js";

/** The marked id of a chat reference; usernames are resolved through Telegram. */
export async function chatIdOf(client: TelegramClient, me: Me, ref: string): Promise<string> {
  const input = parsePeerInput(ref);
  if (input.kind === "me") return me.id;
  if (input.kind === "id") return input.id;
  return String(utils.getPeerId(await resolvePeer(client, input)));
}
