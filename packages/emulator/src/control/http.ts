/**
 * The emulator's control API: JSON over HTTP on 127.0.0.1, for tests, benchmarks and the demo to
 * seed the world, act as simulated people and inject faults. Ids travel as decimal strings.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ControlActions } from "./actions.js";
import { ControlError } from "./errors.js";

type Route = (body: Record<string, unknown>, query: URLSearchParams, params: string[]) => unknown;

/** Start the control API on 127.0.0.1; resolves to its base URL and a close function. */
export async function startControlServer(actions: ControlActions, port = 0): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const routes: [string, RegExp, Route][] = [
    ["POST", /^\/users$/, (b) => actions.createUser(b)],
    ["POST", /^\/bots\/(\d+)\/privacy$/, (b, _q, p) => actions.setBotPrivacy(p[0], b)],
    ["POST", /^\/chats$/, (b) => actions.createChat(b)],
    ["POST", /^\/users\/(\d+)\/pts$/, (b, _q, p) => actions.setPts(p[0], b)],
    ["POST", /^\/chats\/(\d+)\/members$/, (b, _q, p) => actions.setMember(p[0], b)],
    ["POST", /^\/chats\/(\d+)\/seed$/, (b, _q, p) => actions.seedMembers(p[0], b)],
    ["POST", /^\/messages$/, (b) => actions.sendMessage(b)],
    ["POST", /^\/messages\/bulk$/, (b) => actions.sendMessages(b)],
    ["GET", /^\/messages$/, (_b, q) => actions.listMessages(q)],
    ["POST", /^\/buttons\/press$/, (b) => actions.pressButton(b)],
    ["GET", /^\/login-code$/, (_b, q) => actions.loginCode(q)],
    ["POST", /^\/qr\/accept$/, (b) => actions.acceptQr(b)],
    ["POST", /^\/sessions\/revoke$/, (b) => actions.revoke(b)],
    ["POST", /^\/users\/(\d+)\/dc$/, (b, _q, p) => actions.moveToDc(p[0], b)],
    ["POST", /^\/disconnect$/, () => actions.disconnect()],
    ["POST", /^\/faults$/, (b) => actions.addFault(b)],
    ["POST", /^\/flood-limits$/, (b) => actions.setFloodLimit(b)],
    ["POST", /^\/latency$/, (b) => actions.setLatency(b)],
    ["POST", /^\/limits$/, (b) => actions.setLimits(b)],
    ["GET", /^\/stats$/, () => actions.stats()],
    ["POST", /^\/reset$/, () => actions.reset()],
  ];

  const server = createServer((req, res) => {
    void serve(req, res, routes);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, routes: [string, RegExp, Route][]): Promise<void> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  try {
    const match = routes.find(([method, re]) => method === req.method && re.test(url.pathname));
    if (!match) throw new ControlError(`no such endpoint: ${req.method} ${url.pathname}`, 404);
    const params = match[1].exec(url.pathname)!.slice(1);
    const body = req.method === "POST" ? await readJson(req) : {};
    const result = await match[2](body, url.searchParams, params);
    send(res, 200, result ?? { ok: true });
  } catch (err) {
    const status = err instanceof ControlError ? err.status : 400;
    const message = err instanceof Error ? err.message : String(err);
    send(res, status, { error: message });
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16 * 1024 * 1024) throw new ControlError("request body over 16 MB", 413);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ControlError("body is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ControlError("body must be a JSON object");
  }
  return parsed as Record<string, unknown>;
}

function send(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}
