/**
 * Child process of the audit benchmark, so each side's memory is measured on its own. Modes:
 *   ours    audit @bench_audit with the toolkit (enumeration, snapshot in SQLite, report)
 *   gramjs  plain GramJS: client.getParticipants(chat, { limit: Infinity })
 *   diff    two synthetic 100,000-member snapshots in SQLite, then their full diff
 * Over IPC: sends {ready} once connected, waits for {go}, then sends the figures and exits.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { emulatorClient } from "@tg-toolkit/emulator/client";
import type { TelegramClient } from "telegram";
import { auditChat } from "../src/audit/audit.js";
import { countChanges } from "../src/audit/diff.js";
import { TextOutput } from "../src/audit/output.js";
import { SqliteSnapshotStore } from "../src/audit/sqliteSnapshots.js";
import type { AuditTarget, MemberRow } from "../src/audit/types.js";
import { tableWriter } from "../src/audit/writers/table.js";
import { openDatabase } from "../src/store/database.js";
import { parsePeerInput } from "../src/telegram/peers.js";

/** What the parent passes in BENCH_AUDIT. */
export interface ChildConfig {
  host: string;
  port: number;
  rsaPublicKey: string;
  session: string;
  chat: string;
}

/** What the child reports. */
export interface ChildResult {
  ms: number;
  rows: number;
  peakRssMb: number;
  detail?: Record<string, number>;
}

const send = (message: unknown) => new Promise<void>((resolve) => process.send!(message, () => resolve()));
const go = () => new Promise<void>((resolve) => process.once("message", () => resolve()));
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function connect(config: ChildConfig): Promise<TelegramClient> {
  const client = await emulatorClient(config, { session: config.session });
  await client.connect();
  return client;
}

async function ours(config: ChildConfig): Promise<ChildResult> {
  const client = await connect(config);
  const dir = mkdtempSync(join(tmpdir(), "bench-audit-"));
  const db = openDatabase(join(dir, "audit.db"));
  await send({ ready: true });
  await go();
  const started = performance.now();
  const result = await auditChat(client, new SqliteSnapshotStore(db), parsePeerInput(config.chat));
  const writer = tableWriter(new TextOutput(new Writable({ write: (_chunk, _encoding, done) => done() })));
  await writer.chat(result);
  await writer.end(false);
  const ms = performance.now() - started;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  await client.destroy();
  return { ms, rows: result.report.enumeration.membersFound, peakRssMb: peakRssMb(), detail: { kicked: result.report.enumeration.kickedFound } };
}

async function gramjs(config: ChildConfig): Promise<ChildResult> {
  const client = await connect(config);
  await send({ ready: true });
  await go();
  const started = performance.now();
  const participants = await client.getParticipants(config.chat, { limit: Infinity });
  const ms = performance.now() - started;
  const rows = participants.length;
  await client.destroy();
  return { ms, rows, peakRssMb: peakRssMb() };
}

/** A synthetic member row. */
function row(id: number, patch: Partial<MemberRow> = {}): MemberRow {
  return {
    userId: String(1_000_000 + id),
    role: id % 5000 === 0 ? "admin" : id % 97 === 0 ? "restricted" : "member",
    firstName: `Person${id}`,
    lastName: id % 3 === 0 ? null : "Family",
    username: id % 2 === 0 ? `person_${id}` : null,
    bot: id % 200 === 0,
    deleted: false,
    scam: false,
    fake: false,
    premium: id % 20 === 0,
    verified: false,
    lastSeen: "recently",
    lastOnlineAt: null,
    joinedAt: 1_700_000_000 + id,
    inviterId: null,
    actorId: null,
    rank: null,
    adminRights: id % 5000 === 0 ? ["delete_messages", "ban_users"] : [],
    bannedRights: [],
    bannedUntil: null,
    ...patch,
  };
}

async function diff(members: number): Promise<ChildResult> {
  const dir = mkdtempSync(join(tmpdir(), "bench-diff-"));
  const db = openDatabase(join(dir, "audit.db"));
  const store = new SqliteSnapshotStore(db);
  const target: AuditTarget = { id: "-1009", kind: "megagroup", title: "Bench", username: null, memberCount: members, isAdmin: true };
  const write = (rows: (i: number) => MemberRow | undefined, extra: MemberRow[]) => {
    const writer = store.begin(target);
    for (let start = 0; start < members; start += 200) {
      const page: MemberRow[] = [];
      for (let i = start; i < Math.min(members, start + 200); i++) {
        const r = rows(i);
        if (r) page.push(r);
      }
      writer.add(page);
    }
    writer.add(extra);
    return writer.finish({ memberCount: members, kickedCount: 0, complete: true, requests: 0, floodWaits: 0, notes: [] });
  };
  const writeStarted = performance.now();
  const before = write((i) => row(i), []);
  const writeMs = performance.now() - writeStarted;
  // 1% leave, 1% join, 0.1% promoted, 0.1% renamed.
  const after = write(
    (i) =>
      i % 100 === 1
        ? undefined
        : i % 1000 === 2
          ? row(i, { role: "admin", adminRights: ["ban_users"] })
          : i % 1000 === 3
            ? row(i, { firstName: "Renamed" })
            : row(i),
    Array.from({ length: members / 100 }, (_, j) => row(members + j)),
  );
  await send({ ready: true });
  await go();
  const started = performance.now();
  const counts = countChanges(store.changes(before, after));
  let changes = 0;
  for (const _change of store.changes(before, after)) changes++;
  const ms = performance.now() - started;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return { ms, rows: changes, peakRssMb: peakRssMb(), detail: { ...counts, snapshotWriteMs: Math.round(writeMs) } };
}

const mode = process.argv[2];
const config = JSON.parse(process.env.BENCH_AUDIT ?? "{}") as ChildConfig;
const run = mode === "ours" ? ours(config) : mode === "gramjs" ? gramjs(config) : diff(Number(process.argv[3] ?? 100_000));
run.then(
  async (result) => {
    await send({ result });
    process.exit(0);
  },
  async (error: unknown) => {
    await send({ error: error instanceof Error ? error.stack : String(error) });
    process.exit(1);
  },
);
