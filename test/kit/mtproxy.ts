/**
 * An MTProxy front for tests, on 127.0.0.1 before the emulator: it reads the client's obfuscated init
 * keyed with the secret (https://core.telegram.org/mtproto/mtproto-transports#transport-obfuscation; an
 * MTProxy adds the secret to both keys' hashes), checks the inner transport tag, and relays the stream to
 * the emulator over a fresh obfuscated connection of its own, recording the data center each client asked
 * for. A client with the wrong secret reads as a bad tag: its connection is closed.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { listenOnLoopback } from "./loopback.js";

const ABRIDGED = 0xefefefef;

/** A running MTProxy front. */
export interface MtProxy {
  readonly port: number;
  /** The data center of each connection relayed. */
  readonly relayed: readonly number[];
  /** Connections closed for a bad init (the wrong secret). */
  readonly rejected: number;
  close(): Promise<void>;
}

/** Keys of one obfuscated direction pair from a 64-byte init, optionally mixed with an MTProxy secret. */
function keys(init: Buffer, secret?: Buffer) {
  const key = (part: Buffer) =>
    secret === undefined
      ? part
      : createHash("sha256")
          .update(Buffer.concat([part, secret]))
          .digest();
  const reversed = Buffer.from(init.subarray(8, 56)).reverse();
  return {
    forward: { key: key(init.subarray(8, 40)), iv: init.subarray(40, 56) },
    backward: { key: key(reversed.subarray(0, 32)), iv: reversed.subarray(32, 48) },
  };
}

/** Starts the front: clients must use `secretHex` (16 bytes, optionally dd-prefixed); connections go to 127.0.0.1:`upstreamPort`. */
export async function startMtProxy(secretHex: string, upstreamPort: number): Promise<MtProxy> {
  const secret = Buffer.from(secretHex.replace(/^dd/, ""), "hex");
  const relayed: number[] = [];
  let rejected = 0;
  const server = await listenOnLoopback((client) => {
    let pending = Buffer.alloc(0);
    const onInit = (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (pending.length < 64) return;
      client.off("data", onInit);
      relay(client, pending);
    };
    client.on("data", onInit);
  });

  function relay(client: Socket, received: Buffer): void {
    const init = received.subarray(0, 64);
    const fromClient = keys(init, secret);
    const clientIn = createDecipheriv("aes-256-ctr", fromClient.forward.key, fromClient.forward.iv);
    const clientOut = createCipheriv("aes-256-ctr", fromClient.backward.key, fromClient.backward.iv);
    const plain = clientIn.update(init);
    if (plain.readUInt32LE(56) !== ABRIDGED) {
      rejected += 1;
      return void client.destroy();
    }
    relayed.push(plain.readInt16LE(60));
    let ours = randomBytes(64);
    while (ours[0] === 0xef || ours.readUInt32LE(4) === 0) ours = randomBytes(64);
    ours.writeUInt32LE(ABRIDGED, 56);
    const toServer = keys(ours);
    const serverOut = createCipheriv("aes-256-ctr", toServer.forward.key, toServer.forward.iv);
    const serverIn = createDecipheriv("aes-256-ctr", toServer.backward.key, toServer.backward.iv);
    const header = Buffer.concat([ours.subarray(0, 56), serverOut.update(ours).subarray(56, 64)]);
    const upstream = connect(upstreamPort, "127.0.0.1");
    server.track(upstream);
    upstream.on("close", () => client.destroy());
    upstream.on("error", () => upstream.destroy());
    client.on("close", () => upstream.destroy());
    upstream.write(header);
    const rest = received.subarray(64);
    if (rest.length > 0) upstream.write(serverOut.update(clientIn.update(rest)));
    client.on("data", (chunk: Buffer) => upstream.write(serverOut.update(clientIn.update(chunk))));
    upstream.on("data", (chunk: Buffer) => client.write(clientOut.update(serverIn.update(chunk))));
  }

  return {
    port: server.port,
    relayed,
    get rejected() {
      return rejected;
    },
    close: () => server.close(),
  };
}
