/** PeerRef, the model's name for a chat, to and from the TL Peer constructors, and as a map key. */
import { Api } from "telegram";
import { fromLong, toLong } from "./longs.js";
import type { PeerRef } from "./records.js";

/** The Peer constructor for a chat reference. */
export function peerOf(ref: PeerRef): Api.TypePeer {
  switch (ref.type) {
    case "user":
      return new Api.PeerUser({ userId: toLong(ref.id) });
    case "chat":
      return new Api.PeerChat({ chatId: toLong(ref.id) });
    case "channel":
      return new Api.PeerChannel({ channelId: toLong(ref.id) });
  }
}

/** The chat reference a Peer constructor names. */
export function refOf(peer: Api.TypePeer): PeerRef {
  if (peer instanceof Api.PeerUser) return { type: "user", id: fromLong(peer.userId) };
  if (peer instanceof Api.PeerChat) return { type: "chat", id: fromLong(peer.chatId) };
  return { type: "channel", id: fromLong(peer.channelId) };
}

/** A map key for a chat reference ("user:5", "chat:7", "channel:9"). */
export function peerKey(ref: PeerRef): string {
  return `${ref.type}:${ref.id}`;
}
