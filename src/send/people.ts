/** People named on a command line (--from @alice, 12345, me), resolved to user ids; groups and channels are refused. */
import { Api, type TelegramClient } from "telegram";
import { rpcErrorName } from "../errors.js";
import { describePeerInput, PeerError, type PeerInput } from "../telegram/peers.js";

/** The user ids of the people named; `selfId` stands for "me". */
export async function resolveUserIds(client: TelegramClient, people: readonly PeerInput[], selfId: string): Promise<string[]> {
  const ids: string[] = [];
  for (const person of people) {
    if (person.kind === "me") ids.push(selfId);
    else if (person.kind === "id") {
      if (person.id.startsWith("-")) throw new PeerError(`${person.id} is a group or channel id, not a person`);
      ids.push(person.id);
    } else ids.push(await userIdOf(client, person.username));
  }
  return ids;
}

async function userIdOf(client: TelegramClient, username: string): Promise<string> {
  let resolved: Api.contacts.ResolvedPeer;
  try {
    resolved = await client.invoke(new Api.contacts.ResolveUsername({ username }));
  } catch (error) {
    if (["USERNAME_NOT_OCCUPIED", "USERNAME_INVALID"].includes(rpcErrorName(error) ?? ""))
      throw new PeerError(`no Telegram person is called @${username}: check the spelling`);
    throw error;
  }
  if (!(resolved.peer instanceof Api.PeerUser)) throw new PeerError(`${describePeerInput({ kind: "username", username })} is a group or channel, not a person`);
  return resolved.peer.userId.toString();
}
