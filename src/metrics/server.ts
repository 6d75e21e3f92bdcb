/** The HTTP server of METRICS_PORT: GET /healthz (JSON, 200 or 503) and GET /metrics (Prometheus text). */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the server answers with. */
export interface MetricsEndpoints {
  health(): { status: number; body: unknown };
  metrics(): Promise<{ contentType: string; text: string }>;
}

/** A listening server. */
export interface MetricsServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on host:port (0: any free port); rejects when the address cannot be taken (e.g. in use). */
export async function startMetricsServer(host: string, port: number, endpoints: MetricsEndpoints): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    const send = (status: number, contentType: string, text: string) => {
      response.writeHead(status, { "content-type": contentType, "cache-control": "no-store" });
      response.end(request.method === "HEAD" ? undefined : text);
    };
    if (request.method !== "GET" && request.method !== "HEAD") return send(405, "text/plain", "only GET\n");
    if (path === "/healthz") {
      const { status, body } = endpoints.health();
      return send(status, "application/json", `${JSON.stringify(body)}\n`);
    }
    if (path === "/metrics") {
      endpoints.metrics().then(
        ({ contentType, text }) => send(200, contentType, text),
        () => send(500, "text/plain", "metrics could not be collected\n"),
      );
      return;
    }
    send(404, "text/plain", "not found: try /healthz or /metrics\n");
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    host,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
