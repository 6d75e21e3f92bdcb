/**
 * A SOCKS5 proxy on 127.0.0.1 for tests (RFC 1928, with RFC 1929 user name / password authentication):
 * CONNECT only, to loopback destinations only, recording every connection it relays and every refused
 * authentication, so a test can assert its traffic went through the proxy.
 */
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { listenOnLoopback } from "./loopback.js";

/** A connection the proxy relayed. */
export interface Relayed {
  readonly user: string | undefined;
  readonly host: string;
  readonly port: number;
}

/** A running proxy. */
export interface Socks5Proxy {
  readonly port: number;
  /** The connections relayed so far. */
  readonly relayed: readonly Relayed[];
  /** How many authentications were refused. */
  readonly refused: number;
  close(): Promise<void>;
}

/** Starts the proxy; with `auth`, only that user name and password are accepted (no-auth otherwise). */
export async function startSocks5Proxy(auth?: { user: string; password: string }): Promise<Socks5Proxy> {
  const relayed: Relayed[] = [];
  let refused = 0;
  const server = await listenOnLoopback((client) => {
    serve(client).catch(() => client.destroy());
  });

  async function serve(client: Socket): Promise<void> {
    const read = reader(client);
    const [version, count] = await read(2);
    const methods = await read(count);
    if (version !== 5) return void client.destroy();
    const wanted = auth === undefined ? 0x00 : 0x02;
    if (!methods.includes(wanted)) return void client.end(Buffer.from([5, 0xff]));
    client.write(Buffer.from([5, wanted]));
    let user: string | undefined;
    if (auth !== undefined) {
      const [, userLength] = await read(2);
      user = (await read(userLength)).toString();
      const password = (await read((await read(1))[0])).toString();
      const ok = user === auth.user && password === auth.password;
      if (!ok) refused += 1;
      client.write(Buffer.from([1, ok ? 0 : 1]));
      if (!ok) return void client.end();
    }
    const [, command, , type] = await read(4);
    const host = type === 1 ? [...(await read(4))].join(".") : type === 3 ? (await read((await read(1))[0])).toString() : "(ipv6)";
    const port = (await read(2)).readUInt16BE(0);
    const reply = (code: number) => Buffer.from([5, code, 0, 1, 0, 0, 0, 0, 0, 0]);
    if (command !== 1) return void client.end(reply(7));
    if (host !== "127.0.0.1" && host !== "localhost") return void client.end(reply(2));
    const upstream = connect(port, host);
    server.track(upstream);
    upstream.on("error", () => client.end(reply(5)));
    await once(upstream, "connect");
    relayed.push({ user, host, port });
    client.write(reply(0));
    for (const chunk of read.rest()) upstream.write(chunk);
    client.pipe(upstream).on("close", () => client.destroy());
    upstream.pipe(client);
    upstream.on("close", () => client.destroy());
    client.on("close", () => upstream.destroy());
  }

  return {
    port: server.port,
    relayed,
    get refused() {
      return refused;
    },
    close: () => server.close(),
  };
}

/** Reads exact byte counts from a socket until `rest()` hands back what is buffered and stops reading. */
function reader(socket: Socket): ((n: number) => Promise<Buffer>) & { rest(): Buffer[] } {
  let buffered = Buffer.alloc(0);
  let waiting: (() => void) | undefined;
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    waiting?.();
  };
  socket.on("data", onData);
  const read = async (n: number): Promise<Buffer> => {
    while (buffered.length < n) {
      if (socket.destroyed || socket.readableEnded) throw new Error("closed");
      await new Promise<void>((resolve) => {
        waiting = resolve;
        socket.once("close", resolve);
      });
      waiting = undefined;
    }
    const out = buffered.subarray(0, n);
    buffered = buffered.subarray(n);
    return out;
  };
  return Object.assign(read, {
    rest() {
      socket.off("data", onData);
      return buffered.length > 0 ? [buffered] : [];
    },
  });
}
