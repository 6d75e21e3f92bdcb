/**
 * Malformed input from raw sockets while a GramJS client keeps working on another connection:
 * the server must close or answer the bad connections, never crash, never log an unexpected
 * error, and keep answering the good client. Deterministic: every byte comes from a seeded PRNG.
 */
import { createCipheriv } from "node:crypto";
import { connect } from "node:net";
import { crc32 } from "node:zlib";
import { Api } from "telegram";
import { tlobjects } from "telegram/tl/AllTLObjects.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { gramjsClient, type StubServer, startStubServer } from "./helpers.js";
import { IDS, RawClient, W } from "./raw-client.js";

/** mulberry32: a small seeded PRNG. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n: number) => Math.floor(next() * n),
    bytes(n: number): Buffer {
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = Math.floor(next() * 256);
      return b;
    },
    pick<T>(items: readonly T[]): T {
      return items[Math.floor(next() * items.length)];
    },
  };
}

const rnd = prng(0xc0ffee);
const le32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
};

let stub: StubServer;
beforeAll(async () => {
  stub = await startStubServer();
});
afterAll(async () => {
  await stub.stop();
});

/** Opens a socket, writes the chunks, half-closes, and resolves with what the server sent once it is closed. */
function exchange(chunks: Buffer[]): Promise<Buffer> {
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    const socket = connect(stub.port, "127.0.0.1", () => {
      for (const c of chunks) socket.write(c);
      socket.end();
    });
    socket.on("data", (d: Buffer) => received.push(d));
    socket.on("error", () => {});
    socket.on("close", () => resolve(Buffer.concat(received)));
  });
}

/** Framing for the transports the cases use. */
function frame(transport: "abridged" | "intermediate" | "full", payload: Buffer): Buffer {
  if (transport === "abridged") return Buffer.concat([Buffer.from([0xef, payload.length >> 2]), payload]);
  if (transport === "intermediate") return Buffer.concat([le32(0xeeeeeeee), le32(payload.length), payload]);
  const body = Buffer.concat([le32(payload.length + 12), le32(0), payload]);
  return Buffer.concat([body, le32(crc32(body))]);
}

/** An obfuscated init whose encrypted tag is `tag`. */
function obfuscatedInit(tag: number): Buffer {
  let init: Buffer;
  do init = rnd.bytes(64);
  while (init[0] === 0xef || init.readUInt32LE(4) === 0 || [0xeeeeeeee, 0xdddddddd].includes(init.readUInt32LE(0)));
  init.writeUInt32LE(tag, 56);
  const header = Buffer.from(init);
  createCipheriv("aes-256-ctr", init.subarray(8, 40), init.subarray(40, 56)).update(init).copy(header, 56, 56, 64);
  return header;
}

type Case = () => Buffer[];

function cases(registeredKeyId: Buffer, validPacket: Buffer): { name: string; make: Case; expect404?: boolean }[] {
  const transports = ["abridged", "intermediate", "full"] as const;
  return [
    { name: "random bytes", make: () => [rnd.bytes(1 + rnd.int(3000))] },
    { name: "random bytes after a transport tag", make: () => [rnd.pick([Buffer.from([0xef]), le32(0xeeeeeeee), le32(0xdddddddd)]), rnd.bytes(rnd.int(2000))] },
    { name: "random payload in a valid frame", make: () => [frame(rnd.pick(transports), rnd.bytes(4 * (1 + rnd.int(300))))] },
    {
      name: "truncated frame",
      make: () => {
        const f = frame(rnd.pick(transports), rnd.bytes(4 * (2 + rnd.int(300))));
        return [f.subarray(0, 1 + rnd.int(f.length - 1))];
      },
    },
    {
      name: "unknown auth key id",
      make: () => [frame(rnd.pick(transports), Buffer.concat([rnd.bytes(8), rnd.bytes(16 + 16 * (3 + rnd.int(10)))]))],
      expect404: true,
    },
    {
      name: "garbage after a registered key id",
      make: () => [frame(rnd.pick(transports), Buffer.concat([registeredKeyId, rnd.bytes(16 + 16 * (3 + rnd.int(10)))]))],
    },
    {
      name: "wrong msg_key",
      make: () => {
        const p = Buffer.from(validPacket);
        p[8 + rnd.int(16)] ^= 1 + rnd.int(255);
        return [frame(rnd.pick(transports), p)];
      },
    },
    {
      name: "flipped ciphertext byte",
      make: () => {
        const p = Buffer.from(validPacket);
        p[24 + rnd.int(p.length - 24)] ^= 1 + rnd.int(255);
        return [frame(rnd.pick(transports), p)];
      },
    },
    {
      name: "oversized length header",
      make: () =>
        rnd.pick([
          [le32(0xeeeeeeee), le32(0x7fffffff)],
          [Buffer.from([0xef, 0x7f, 0xff, 0xff, 0xff])],
          [le32(0x7ffffff0), le32(0)],
          [le32(0xdddddddd), le32(17 * 1024 * 1024)],
        ]),
    },
    {
      name: "plain message with a lying length",
      make: () => [frame("intermediate", Buffer.concat([Buffer.alloc(8), rnd.bytes(8), le32(0x7fffffff), rnd.bytes(20)]))],
    },
    { name: "plain message with a random body", make: () => [frame("intermediate", Buffer.concat([Buffer.alloc(8), rnd.bytes(8), le32(40), rnd.bytes(40)]))] },
    { name: "bad obfuscated tag", make: () => [obfuscatedInit(rnd.int(0xffffffff)), rnd.bytes(rnd.int(200))] },
    {
      name: "HTTP and TLS starts",
      make: () => [
        rnd.pick([Buffer.from("GET / HTTP/1.1\r\n\r\n"), Buffer.from("POST /api HTTP/1.1\r\n"), Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01])]),
      ],
    },
    {
      name: "full transport with a bad CRC",
      make: () => {
        const f = frame("full", rnd.bytes(64));
        f[f.length - 1] ^= 1;
        return [f];
      },
    },
  ];
}

describe("fuzzing the MTProto server", () => {
  it("survives hundreds of malformed inputs while a GramJS client keeps working", async () => {
    const errors = vi.spyOn(console, "error");
    const good = gramjsClient(stub.port);
    await good.connect();

    let goodCalls = 0;
    let stop = false;
    const goodLoop = (async () => {
      while (!stop) {
        const dc = await good.invoke(new Api.help.GetNearestDc());
        expect(dc.country).toBe("US");
        goodCalls++;
      }
    })();

    // A registered key and one valid packet for it, to mutate.
    const key = rnd.bytes(256);
    stub.server.addAuthKey(key);
    const sample = await RawClient.open(stub.port, "intermediate");
    sample.useKey(key);
    const validPacket = sample.encrypt(new W().uint(0x7abe77ec).long(1n).done(), sample.newMsgId(), 1, 0n, 1n);
    sample.close();

    const all = cases(Buffer.from(validPacket.subarray(0, 8)), validPacket);
    let runs = 0;
    for (let round = 0; round < 25; round++) {
      await Promise.all(
        all.map(async ({ make, expect404, name }) => {
          const reply = await exchange(make());
          runs++;
          if (expect404) expect(reply.includes(le32(-404)), name).toBe(true);
        }),
      );
    }
    expect(runs).toBeGreaterThanOrEqual(300);

    // Random bodies inside sound envelopes: every one is answered with rpc_result, the connection
    // stays up. Service requests answered otherwise (pong, future_salts, destroy_session_*) or
    // that schedule a disconnect are left out.
    const serviceIds = new Set([0x7abe77ec, 0xf3427b8c, 0xe7512126, 0xb921bd04]);
    const requestIds: number[] = Object.values(tlobjects as Record<string, { classType: string; CONSTRUCTOR_ID: number }>)
      .filter((c) => c.classType === "request" && !serviceIds.has(c.CONSTRUCTOR_ID))
      .map((c) => c.CONSTRUCTOR_ID);
    const session = await RawClient.open(stub.port, "abridged");
    session.useKey(key);
    await session.establishSession();
    const sent: bigint[] = [];
    for (let i = 0; i < 300; i++) {
      const id = i % 3 === 0 ? rnd.int(0xffffffff) : rnd.pick(requestIds);
      if (serviceIds.has(id)) continue;
      sent.push(session.send(Buffer.concat([le32(id), rnd.bytes(4 * rnd.int(40))])));
    }
    const answered = new Set<bigint>();
    while (answered.size < sent.length) {
      const m = await session.recvUntil((x) => x.id === IDS.rpcResult);
      answered.add(m.body.readBigInt64LE(4));
    }
    expect([...answered].sort()).toEqual([...sent].sort());
    session.close();

    stop = true;
    await goodLoop;
    expect(goodCalls).toBeGreaterThan(10);
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
    await good.destroy();
  }, 30_000);
});
