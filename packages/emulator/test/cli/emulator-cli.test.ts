/** `npm run emulator`'s entry point as users run it: seed files, bad arguments, clean stop. */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { EMULATOR_CLI, spawnEmulator } from "../../src/testing/standalone.js";

const run = promisify(execFile);

async function failing(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, ["--import", "tsx", EMULATOR_CLI, ...args]);
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
  throw new Error("the emulator started although its arguments were wrong");
}

describe("npm run emulator", () => {
  it("loads a seed file, reports the seeded ids, serves them, and exits 0 on SIGINT", async () => {
    const dir = mkdtempSync(join(tmpdir(), "seed-"));
    const file = join(dir, "world.json");
    writeFileSync(
      file,
      JSON.stringify({
        users: [
          { ref: "owner", firstName: "Olivia", phone: "9996627777" },
          { ref: "alice", firstName: "Alice", username: "alice_seeded" },
          { ref: "helper", firstName: "Helper", username: "helper_seeded_bot", bot: true },
        ],
        chats: [{ ref: "team", type: "supergroup", title: "Team", creator: "owner", members: [{ user: "alice", role: "admin" }], generatedMembers: 50 }],
        messages: [{ from: "alice", to: "team", text: "hello team" }],
      }),
    );
    const emu = await spawnEmulator(["--seed", file]);
    try {
      expect(Object.keys(emu.seeded).sort()).toEqual(["alice", "helper", "owner", "team"]);
      // The ready line keeps the main DC's port and dcId and lists every DC.
      expect(emu.dcId).toBe(2);
      expect(emu.dcs.map((dc) => dc.id)).toEqual([1, 2, 3, 4, 5]);
      expect(emu.dcs.find((dc) => dc.id === 2)?.port).toBe(emu.port);
      expect(emu.seeded.helper.botToken).toMatch(new RegExp(`^${emu.seeded.helper.id}:`));
      const [message] = await emu.control.messages("channel", emu.seeded.team.id, { limit: 1 });
      expect(message).toMatchObject({ fromId: emu.seeded.alice.id, text: "hello team" });
    } finally {
      emu.process.kill("SIGINT");
      const [code] = await new Promise<[number | null]>((resolve) => emu.process.once("exit", (c) => resolve([c])));
      expect(code).toBe(0);
    }
  });

  it.each([
    [["--port", "40000"], /--port must be a port number from 0 to 32767/],
    [["--port", "abc"], /--port must be a port number/],
    [["--latency-ms", "fast"], /--latency-ms must be a whole number/],
    [["--bogus"], /Unknown option '--bogus'.*Usage: npm run emulator/],
    [["--seed", "/nonexistent/world.json"], /--seed: cannot read \/nonexistent\/world.json/],
  ])("refuses %j with one line and exit code 2", async (args, message) => {
    const { code, stderr } = await failing(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });

  it("names the bad entry of a seed file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "seed-"));
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ users: [{ ref: "a", firstName: "A" }], chats: [{ ref: "c", type: "supergroup", title: "C", creator: "nobody" }] }));
    const { code, stderr } = await failing(["--seed", file]);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('chats[0].creator: unknown ref "nobody"');
  });
});
