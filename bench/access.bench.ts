/**
 * Gated commands, side by side in one run: 10,000 commands from 1,000 distinct people to a bot (admin of a
 * gated supergroup) on the in-process emulator over TCP. A plain GramJS handler calls
 * channels.getParticipant for every message; the access layer asks once per person per cache lifetime
 * (cold cache), or not at all after a warm-up of the group's member list. Figures: RPCs spent and the
 * decision time (median; the layer's cached decisions separately).
 */
import { join } from "node:path";
import type { ControlClient } from "@tg-toolkit/emulator/control";
import { Api, type TelegramClient } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { defineGate } from "../src/access/admin.js";
import { parseAccessConfig } from "../src/access/config.js";
import { createAccessLayer } from "../src/access/layer.js";
import { passingStatuses } from "../src/access/rules.js";
import { sqliteAccessStores } from "../src/access/schema.js";
import { statusOfChannelParticipant } from "../src/access/status.js";
import type { Message } from "../src/handlers/message.js";
import { command } from "../src/handlers/plugin.js";
import { createLogger } from "../src/log.js";
import { openDatabase } from "../src/store/database.js";
import { customServerConnection } from "../src/telegram/customServer.js";
import { signedInClient, startWorld } from "../test/kit/world.js";
import type { Benchmark, Metric } from "./types.js";

const COMMANDS = 10_000;
const PEOPLE = 1_000;
const GATED = command({ name: "secret", needs: { gate: "vip" } }, () => {});

/** mulberry32: deterministic sender order. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

/** Ids of the group's members and banned people, paging channels.getParticipants (GramJS caches their users). */
async function listPeople(client: TelegramClient, channel: Api.InputPeerChannel): Promise<string[]> {
  const ids: string[] = [];
  for (const filter of [new Api.ChannelParticipantsRecent(), new Api.ChannelParticipantsKicked({ q: "" })]) {
    for (let offset = 0; ; offset += 200) {
      const page = await client.invoke(new Api.channels.GetParticipants({ channel, filter, offset, limit: 200, hash: returnBigInt(0) }));
      if (!(page instanceof Api.channels.ChannelParticipants) || page.participants.length === 0) break;
      for (const p of page.participants) if ("userId" in p) ids.push(p.userId.toString());
    }
  }
  return ids;
}

/** Decisions of one side: allowed count, decision times, RPCs by method. */
interface Run {
  allowed: boolean[];
  ms: number[];
  cachedMs: number[];
  rpc: Record<string, number>;
  wallMs: number;
}

async function rpcDelta<T>(control: ControlClient, work: () => Promise<T>): Promise<{ result: T; rpc: Record<string, number> }> {
  const before = (await control.stats()).rpc;
  const result = await work();
  const after = (await control.stats()).rpc;
  const rpc: Record<string, number> = {};
  for (const [method, count] of Object.entries(after)) if (count !== (before[method] ?? 0)) rpc[method] = count - (before[method] ?? 0);
  return { result, rpc };
}

export default {
  name: "access",
  description: `${COMMANDS.toLocaleString("en-US")} gated commands from ${PEOPLE.toLocaleString("en-US")} people: access layer vs a GramJS handler calling channels.getParticipant per message`,
  async run(): Promise<Metric[]> {
    const world = await startWorld();
    const { emu, control, dir } = world;
    let client: TelegramClient | undefined;
    try {
      const gus = (await control.createUser({ firstName: "Gus", username: "bench_gus" })).id;
      const bot = (await control.createUser({ firstName: "Bench", username: "bench_gate_bot", bot: true })).id;
      const group = (
        await control.createChat({ type: "supergroup", title: "Bench club", username: "benchclub", creatorId: gus, members: [{ userId: bot, role: "admin" }] })
      ).id;
      await control.seedMembers(group, Math.round(PEOPLE * 1.1));
      client = await signedInClient(emu, bot, { connection: customServerConnection(emu.host, emu.port) });
      const channel = await client.getInputEntity("benchclub");
      if (!(channel instanceof Api.InputPeerChannel)) throw new Error("the bench group is not a channel");
      const people = (await listPeople(client, channel)).filter((id) => id !== bot && id !== gus).slice(0, PEOPLE);
      const random = prng(42);
      const senders = Array.from({ length: COMMANDS }, () => people[Math.floor(random() * people.length)]);
      const chatId = `-100${group}`;
      const message = (i: number): Message => ({
        mode: "bot",
        selfId: bot,
        chatId,
        chatType: "supergroup",
        messageId: i + 1,
        senderId: senders[i],
        out: false,
        text: "/secret",
        date: 0,
        isCatchUp: false,
      });
      const c = client;

      const baseline = await rpcDelta(control, async (): Promise<Run> => {
        const run: Run = { allowed: [], ms: [], cachedMs: [], rpc: {}, wallMs: 0 };
        const started = performance.now();
        for (let i = 0; i < COMMANDS; i++) {
          const t0 = performance.now();
          let allowed = false;
          try {
            const participant = await c.getInputEntity(returnBigInt(senders[i]));
            const answer = await c.invoke(
              new Api.channels.GetParticipant({ channel: new Api.InputChannel({ channelId: channel.channelId, accessHash: channel.accessHash }), participant }),
            );
            allowed = ["creator", "admin", "member"].includes(statusOfChannelParticipant(answer.participant));
          } catch {
            allowed = false;
          }
          run.ms.push(performance.now() - t0);
          run.allowed.push(allowed);
        }
        run.wallMs = performance.now() - started;
        return run;
      });

      const layerRun = async (name: string, warm: boolean) => {
        const db = openDatabase(join(dir, `${name}.db`));
        const config = parseAccessConfig({}, []);
        const layer = createAccessLayer({
          stores: sqliteAccessStores(db, config),
          client: c,
          mode: "bot",
          config,
          log: createLogger({ level: "silent" }),
          telegram: { sendMessage: async (id) => ({ chatId: id, messageId: 0 }) },
        });
        await defineGate(c, layer.rules, layer.source, "vip", "@benchclub", passingStatuses(false));
        const group = { id: chatId, input: channel, label: "@benchclub" };
        const warmUp = warm ? await rpcDelta(control, () => layer.membership.warmUp(group)) : undefined;
        const decisions = await rpcDelta(control, async (): Promise<Run> => {
          const run: Run = { allowed: [], ms: [], cachedMs: [], rpc: {}, wallMs: 0 };
          const started = performance.now();
          for (let i = 0; i < COMMANDS; i++) {
            const t0 = performance.now();
            const outcome = layer.policy({ plugin: "bench", handler: GATED, message: message(i) });
            const decision = outcome instanceof Promise ? await outcome : outcome;
            const ms = performance.now() - t0;
            run.ms.push(ms);
            if (!(outcome instanceof Promise)) run.cachedMs.push(ms);
            run.allowed.push(decision.allow);
          }
          run.wallMs = performance.now() - started;
          return run;
        });
        const logged = layer.accessLog.query({ limit: COMMANDS + 1 }).length;
        layer.close();
        db.close();
        return { warmUp, decisions, logged };
      };
      const cold = await layerRun("cold", false);
      const warmed = await layerRun("warm", true);

      const disagreements = (run: Run) => run.allowed.filter((allowed, i) => allowed !== baseline.result.allowed[i]).length;
      const distinct = new Set(senders).size;
      const coldCalls = cold.decisions.rpc["channels.getParticipant"] ?? 0;
      const warmRpc = Object.values(warmed.decisions.rpc).reduce((a, b) => a + b, 0) + Object.values(warmed.warmUp?.rpc ?? {}).reduce((a, b) => a + b, 0);
      const round = (n: number) => Math.round(n * 10_000) / 10_000;
      return [
        {
          name: "distinct people / commands",
          value: distinct,
          unit: `people / ${COMMANDS} commands`,
          note: `${baseline.result.allowed.filter(Boolean).length} allowed`,
        },
        { name: "plain GramJS: channels.getParticipant calls", value: baseline.rpc["channels.getParticipant"] ?? 0, unit: "rpc" },
        { name: "plain GramJS: median decision", value: round(percentile(baseline.result.ms, 50)), unit: "ms" },
        { name: "plain GramJS: p99 decision", value: round(percentile(baseline.result.ms, 99)), unit: "ms" },
        { name: "plain GramJS: whole run", value: Math.round(baseline.result.wallMs), unit: "ms" },
        { name: "access layer (cold cache): channels.getParticipant calls", value: coldCalls, unit: "rpc", note: JSON.stringify(cold.decisions.rpc) },
        { name: "access layer (cold cache): RPCs per person", value: round(coldCalls / distinct), unit: "rpc/person", target: { op: "<=", value: 1 } },
        { name: "access layer (cold cache): median decision", value: round(percentile(cold.decisions.result.ms, 50)), unit: "ms" },
        {
          name: "access layer (cold cache): median cached decision",
          value: round(percentile(cold.decisions.result.cachedMs, 50)),
          unit: "ms",
          target: { op: "<=", value: 0.1 },
        },
        { name: "access layer (cold cache): p99 decision", value: round(percentile(cold.decisions.result.ms, 99)), unit: "ms" },
        { name: "access layer (cold cache): whole run", value: Math.round(cold.decisions.result.wallMs), unit: "ms" },
        {
          name: "access layer (warmed up): RPCs, warm-up included",
          value: warmRpc,
          unit: "rpc",
          note: JSON.stringify({ warmUp: warmed.warmUp?.rpc, decisions: warmed.decisions.rpc }),
        },
        {
          name: "access layer (warmed up): median decision",
          value: round(percentile(warmed.decisions.result.ms, 50)),
          unit: "ms",
          target: { op: "<=", value: 0.1 },
        },
        { name: "access layer (warmed up): p99 decision", value: round(percentile(warmed.decisions.result.ms, 99)), unit: "ms" },
        {
          name: "decisions differing from plain GramJS",
          value: disagreements(cold.decisions.result) + disagreements(warmed.decisions.result),
          unit: "decisions",
          target: { op: "<=", value: 0 },
        },
        { name: "access log rows written (cold run)", value: cold.logged, unit: "rows" },
      ];
    } finally {
      await client?.destroy();
      await world.stop();
    }
  },
} satisfies Benchmark;
