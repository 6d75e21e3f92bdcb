/**
 * Small-RPC throughput of the standalone emulator (its own process) on loopback: one GramJS client,
 * then several client connections (issue: at least 5,000 RPCs per second on this 2-core machine).
 */

import { emulatorClient } from "@tg-toolkit/emulator/client";
import { Api, type TelegramClient } from "telegram";
import { startStandaloneWorld } from "../test/kit/world.js";
import type { Benchmark } from "./types.js";

const SECONDS = 5;
const IN_FLIGHT_PER_CLIENT = 64;

/** Calls per second that `clients` complete with IN_FLIGHT_PER_CLIENT calls outstanding each. */
async function callsPerSecond(clients: TelegramClient[]): Promise<number> {
  let done = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    clients.flatMap((client) =>
      Array.from({ length: IN_FLIGHT_PER_CLIENT }, async () => {
        while (performance.now() < deadline) {
          await client.invoke(new Api.help.GetNearestDc());
          done++;
        }
      }),
    ),
  );
  return done / ((performance.now() - started) / 1000);
}

export default {
  name: "emulator-throughput",
  description: `help.getNearestDc calls/s against the standalone emulator, ${SECONDS} s per run`,
  async run() {
    const world = await startStandaloneWorld();
    const clients: TelegramClient[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const client = await emulatorClient(world.emu);
        await client.connect();
        clients.push(client);
      }
      await callsPerSecond(clients.slice(0, 1)); // warm-up
      const one = await callsPerSecond(clients.slice(0, 1));
      const four = await callsPerSecond(clients);
      return [
        { name: "1 GramJS client", value: Math.round(one), unit: "rpc/s" },
        { name: "4 GramJS clients", value: Math.round(four), unit: "rpc/s", target: { op: ">=", value: 5000 } },
      ];
    } finally {
      await Promise.all(clients.map((c) => c.destroy()));
      await world.stop();
    }
  },
} satisfies Benchmark;
