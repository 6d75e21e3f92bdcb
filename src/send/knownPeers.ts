/**
 * People and chats the account has met, with their access hashes. Telegram wants the access hash with
 * every id, and a fresh process (npm run send) knows none: a user account can read its dialogs to find
 * them, a bot cannot, so the runtime notes everyone it sees here and send and confirm look ids up here
 * first. KnownPeers is what they need; SqliteKnownPeers keeps them in the session database.
 */

import type { Statement } from "better-sqlite3";
import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { type Db, migrate } from "../store/database.js";

interface Row {
  kind: "user" | "chat" | "channel";
  access_hash: string | null;
}

/** Creates the known_peers table. */
export function migrateKnownPeers(db: Db): void {
  migrate(db, "known_peers", [
    {
      version: 1,
      up: `CREATE TABLE known_peers (
        peer_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        access_hash TEXT,
        updated_at INTEGER NOT NULL
      )`,
    },
  ]);
}

/** The peers the account has met, shared by every process of the session. */
export interface KnownPeers {
  /** Notes users, groups and channels (min and forbidden ones, whose hashes are not usable, are skipped). */
  remember(entities: Iterable<Api.TypeUser | Api.TypeChat>): void;
  /** Notes an input peer resolved some other way. */
  rememberInput(peer: Api.TypeInputPeer): void;
  /** The input peer of a marked id, when known. */
  inputPeer(markedId: string): Api.TypeInputPeer | undefined;
}

/** The known_peers table, with an in-memory note of what is stored so repeated sightings cost nothing. */
export class SqliteKnownPeers implements KnownPeers {
  private readonly stored = new Map<string, string>();
  private readonly upsert: Statement<unknown[]>;
  private readonly find: Statement<unknown[]>;

  /** Migrates the table and prepares its statements. */
  constructor(db: Db) {
    migrateKnownPeers(db);
    this.upsert = db.prepare(
      `INSERT INTO known_peers (peer_id, kind, access_hash, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (peer_id) DO UPDATE SET kind = excluded.kind, access_hash = excluded.access_hash, updated_at = excluded.updated_at`,
    );
    this.find = db.prepare("SELECT kind, access_hash FROM known_peers WHERE peer_id = ?");
  }

  /** Notes users, groups and channels (min and forbidden ones, whose hashes are not usable, are skipped). */
  remember(entities: Iterable<Api.TypeUser | Api.TypeChat>): void {
    for (const entity of entities) {
      if (entity instanceof Api.User && entity.min !== true && entity.accessHash != null) this.put(entity.id.toString(), "user", entity.accessHash.toString());
      else if (entity instanceof Api.Chat) this.put(`-${entity.id.toString()}`, "chat", "");
      else if (entity instanceof Api.Channel && entity.min !== true && entity.accessHash != null)
        this.put(`-100${entity.id.toString()}`, "channel", entity.accessHash.toString());
    }
  }

  /** Notes an input peer resolved some other way. */
  rememberInput(peer: Api.TypeInputPeer): void {
    if (peer instanceof Api.InputPeerUser) this.put(peer.userId.toString(), "user", peer.accessHash.toString());
    else if (peer instanceof Api.InputPeerChat) this.put(`-${peer.chatId.toString()}`, "chat", "");
    else if (peer instanceof Api.InputPeerChannel) this.put(`-100${peer.channelId.toString()}`, "channel", peer.accessHash.toString());
  }

  /** The input peer of a marked id, when known. */
  inputPeer(markedId: string): Api.TypeInputPeer | undefined {
    const row = this.find.get(markedId) as Row | undefined;
    if (row === undefined) return undefined;
    if (row.kind === "chat") return new Api.InputPeerChat({ chatId: returnBigInt(markedId.slice(1)) });
    const accessHash = returnBigInt(row.access_hash ?? "0");
    if (row.kind === "channel") return new Api.InputPeerChannel({ channelId: returnBigInt(markedId.slice(4)), accessHash });
    return new Api.InputPeerUser({ userId: returnBigInt(markedId), accessHash });
  }

  private put(peerId: string, kind: Row["kind"], accessHash: string): void {
    const note = `${kind}:${accessHash}`;
    if (this.stored.get(peerId) === note) return;
    this.upsert.run(peerId, kind, kind === "chat" ? null : accessHash, Date.now());
    this.stored.set(peerId, note);
  }
}
