/**
 * A TCP server on 127.0.0.1 that keeps track of its sockets (clients and the upstream connections made for
 * them), for the proxies tests start in front of the emulator: close() ends every one of them.
 */
import { once } from "node:events";
import { createServer, type Socket } from "node:net";

/** A listening loopback server. */
export interface LoopbackServer {
  readonly port: number;
  /** Counts a socket as this server's until it closes. */
  track(socket: Socket): void;
  close(): Promise<void>;
}

/** Listens on a free port of 127.0.0.1; each client is tracked, then handed to `onClient`. */
export async function listenOnLoopback(onClient: (client: Socket) => void): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    track(client);
    client.on("error", () => client.destroy());
    onClient(client);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  return {
    port: typeof address === "object" && address !== null ? address.port : 0,
    track,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
