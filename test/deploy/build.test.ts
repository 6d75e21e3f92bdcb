/**
 * The production build for real: `npm run build`'s compiler config emitting into a scratch folder, then the
 * one node process the README documents (no tsx) against the emulator: ready on a saved session, a message
 * handled by a built-in plugin, SIGTERM stops it gracefully (its "stopped" line, exit 0); a bad variable is
 * one line and exit 2.
 */
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { latest, preSharedSession, startWorld, type World, workingDir } from "../kit/world.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const run = promisify(execFile);
let world: World;
let out: string;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), "tg-build-"));
  await run(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.build.json"), "--outDir", join(out, "dist")], {
    cwd: ROOT,
  });
  symlinkSync(join(ROOT, "node_modules"), join(out, "node_modules"));
  world = await startWorld();
}, 180_000);

afterAll(async () => {
  await world?.stop();
  rmSync(out, { recursive: true, force: true });
});

/** Runs the built start command in `cwd` with exactly `env` (plus PATH). */
function start(cwd: string, env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, [join(out, "dist/cli/start.js")], { cwd, env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, "close").then(([code]) => code as number | null);
  const line = (match: RegExp, timeoutMs = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line matching ${match}:\n${stderr}`)), timeoutMs);
      const check = () => {
        if (!match.test(stderr)) return;
        clearTimeout(timer);
        child.stderr.off("data", check);
        resolve();
      };
      child.stderr.on("data", check);
      check();
    });
  return { child, exited, line, stderr: () => stderr };
}

describe("node dist/cli/start.js (the production build)", () => {
  it("runs on a saved session, handles a command, and stops gracefully on SIGTERM with exit 0", { timeout: 60_000 }, async () => {
    const owner = await world.control.createUser({ firstName: "Olivia", phone: "9996621402" });
    const cwd = workingDir(world, await preSharedSession(world.emu, owner.id));
    const process_ = start(cwd, { ...world.env({ LOG_FORMAT: "json" }) });
    await process_.line(/"msg":"ready"/);
    const saved = { type: "user", id: owner.id } as const;
    await world.control.sendMessage(owner.id, saved, ".ping");
    const deadline = Date.now() + 10_000;
    while (!(await latest(world, saved, owner.id)).text.startsWith("Pong")) {
      if (Date.now() > deadline) throw new Error(`.ping was not answered: ${(await latest(world, saved, owner.id)).text}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    process_.child.kill("SIGTERM");
    expect(await process_.exited).toBe(0);
    expect(process_.stderr()).toMatch(/"msg":"stopped"/);
    expect(process_.stderr()).toMatch(/"plugins":[1-9]/);
  });

  it("answers a bad variable with one line and exit 2", { timeout: 30_000 }, async () => {
    const cwd = mkdtempSync(join(world.dir, "bad-"));
    const process_ = start(cwd, { ...world.env({ METRICS_PORT: "http" }) });
    expect(await process_.exited).toBe(2);
    expect(process_.stderr().trim().split("\n")).toEqual([expect.stringContaining("METRICS_PORT must be an integer")]);
  });
});
