import { StringSession } from "telegram/sessions/index.js";
import { describe, expect, it } from "vitest";
import { CUSTOM_SERVER_DC, customServerConnection, dcAddressBook, pointSessionAt } from "../../src/telegram/customServer.js";

describe("custom server DCs", () => {
  it("knows TELEGRAM_SERVER as DC 2, and the DC a saved session was moved to at the address saved with it", () => {
    const fresh = new StringSession("");
    expect([...dcAddressBook(fresh, "127.0.0.1", 20400)]).toEqual([[CUSTOM_SERVER_DC, { host: "127.0.0.1", port: 20400 }]]);
    const moved = new StringSession("");
    moved.setDC(4, "127.0.0.1", 20402);
    const book = dcAddressBook(moved, "127.0.0.1", 20400);
    expect(book.get(4)).toEqual({ host: "127.0.0.1", port: 20402 });
  });

  it("keeps a session saved on another DC of the server there, and points any other at DC 2", () => {
    const moved = new StringSession("");
    moved.setDC(4, "127.0.0.1", 20402);
    pointSessionAt(moved, "127.0.0.1", 20400, dcAddressBook(moved, "127.0.0.1", 20400));
    expect([moved.dcId, moved.port]).toEqual([4, 20402]);

    const elsewhere = new StringSession("");
    elsewhere.setDC(4, "149.154.167.91", 443);
    pointSessionAt(elsewhere, "127.0.0.1", 20400, dcAddressBook(elsewhere, "127.0.0.1", 20400));
    expect([elsewhere.dcId, elsewhere.serverAddress, elsewhere.port]).toEqual([2, "127.0.0.1", 20400]);
  });

  it("dials each DC at its own port, whatever port GramJS asks for", () => {
    const seen: { ip: string; port: number }[] = [];
    class Recorder {
      constructor(params: { ip: string; port: number }) {
        seen.push({ ip: params.ip, port: params.port });
      }
    }
    const book = new Map([
      [2, { host: "127.0.0.1", port: 20400 }],
      [4, { host: "127.0.0.1", port: 20402 }],
    ]);
    const Dial = customServerConnection("127.0.0.1", 20400, Recorder as never, book) as unknown as new (params: object) => unknown;
    new Dial({ ip: "127.0.0.1", port: 80, dcId: 2 });
    new Dial({ ip: "127.0.0.1", port: 443, dcId: 4 });
    new Dial({ ip: "127.0.0.1", port: 443, dcId: 5 });
    expect(seen).toEqual([
      { ip: "127.0.0.1", port: 20400 },
      { ip: "127.0.0.1", port: 20402 },
      { ip: "127.0.0.1", port: 20400 },
    ]);
  });
});
