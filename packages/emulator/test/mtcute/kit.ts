/**
 * mtcute (`@mtcute/node`, layer 227) as a third client of the emulator, written by nobody here: a
 * client pointed at the emulator's host and port, trusting its RSA key, with its log captured so
 * tests can assert on what its updates manager saw.
 *
 * mtcute takes a custom DC through `defaultDcs` (its MtClientOptions) and a server key through
 * `addPublicKey` (`@mtcute/core/utils.js`, a process-wide key index looked up by fingerprint).
 */
import { createHash } from "node:crypto";
import { appendFileSync } from "node:fs";
import { addPublicKey, LogManager } from "@mtcute/core/utils.js";
import { type ITelegramStorageProvider, MemoryStorage, TelegramClient } from "@mtcute/node";

/** Where a client finds the emulator. */
export interface EmulatorAddress {
  host: string;
  port: number;
  dcId: number;
  rsaPublicKey: string;
}

/** A running mtcute client and the lines it has logged. */
export interface MtcuteHandle {
  tg: TelegramClient;
  log: string[];
  /**
   * Resolves when its updates loop runs with its state loaded. Until then mtcute dispatches
   * nothing: without `catchUp`, what arrives during start-up is only counted into its state.
   */
  updatesRunning: Promise<void>;
}

/** Updates-manager lines that mean updates went missing or came out of order. */
export const PTS_GAP = /gap detected|gap is too big|wasn't filled|pts drop detected|can't keep up/;

/** The log lines that show a pts gap: none is expected where nothing was lost on purpose. */
export function ptsGaps(log: readonly string[]): string[] {
  return log.filter((line) => PTS_GAP.test(line));
}

/** mtcute's printf-like formats: %s %d %j %l %b %h %e %n. */
function format(fmt: string, args: unknown[]): string {
  let i = 0;
  return fmt.replace(/%[a-z]/g, (spec) => {
    const value = args[i++];
    if (spec === "%j") {
      try {
        return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? String(v) : v));
      } catch {
        return String(value);
      }
    }
    return String(value);
  });
}

/**
 * A TelegramClient for the emulator, debug log captured into `log` (never printed; also appended to
 * the file $MTCUTE_LOG names, to read when a test fails).
 */
export function mtcuteClient(emu: EmulatorAddress, storage: ITelegramStorageProvider = new MemoryStorage(), updates: { catchUp?: boolean } = {}): MtcuteHandle {
  addPublicKey({ sha1: (data: Uint8Array) => createHash("sha1").update(data).digest() } as never, emu.rsaPublicKey);
  const dc = { id: emu.dcId, ipAddress: emu.host, port: emu.port };
  const log: string[] = [];
  const tg = new TelegramClient({
    apiId: 1,
    apiHash: "0123456789abcdef0123456789abcdef",
    storage,
    defaultDcs: { main: dc, media: dc },
    logLevel: LogManager.DEBUG,
    updates,
  });
  const file = process.env.MTCUTE_LOG;
  let running!: () => void;
  let loopStarted = false;
  const updatesRunning = new Promise<void>((resolve) => (running = resolve));
  tg.log.mgr.handler = (_color, level, tag, fmt, args) => {
    const line = `${new Date().toISOString()} ${level} [${tag}] ${format(fmt, args)}`;
    log.push(line);
    if (file) appendFileSync(file, `${line}\n`);
    // "updates loop started, state available? true|false" (mtcute formats %b itself): ready at
    // once if true, else once the state is loaded.
    if (fmt.includes("updates loop started")) {
      loopStarted = true;
      if (fmt.includes("state available? true")) running();
    } else if (loopStarted && /loaded (initial|stored) state/.test(fmt)) running();
  };
  return { tg, log, updatesRunning };
}
