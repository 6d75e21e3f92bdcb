/**
 * A second, independent MTProto client against the server: Telethon 1.25 (Debian's
 * python3-telethon), driven by handshake.py. It creates auth keys with the older SHA1 RSA padding
 * and speaks layer 144, which the server answers in (src/tl/schemas/api-144.tl).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RpcError } from "../../src/model/errors.js";
import { type StubServer, startStubServer } from "../mtproto/helpers.js";

const script = fileURLToPath(new URL("./handshake.py", import.meta.url));

/** Runs a command; resolves with its exit code and output. */
function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (e) => resolve({ code: null, stdout, stderr: String(e) }));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The first Python that can import telethon: $TELETHON_PYTHON, then python3, then Debian's /usr/bin/python3. */
async function findPython(): Promise<string | undefined> {
  const candidates = [process.env.TELETHON_PYTHON, "python3", "/usr/bin/python3"].filter((c): c is string => !!c);
  for (const python of candidates) {
    if ((await run(python, ["-c", "import telethon"])).code === 0) return python;
  }
  return undefined;
}

type Step = { ok: true; value: unknown } | { ok: false; error: string; message: string };

let stub: StubServer;
let dir: string;
beforeAll(async () => {
  stub = await startStubServer();
  // Telethon's connect() asks users.getUsers whether the key is signed in: as the emulator answers a
  // key that is not.
  stub.overrides.set("users.GetUsers", () => {
    throw new RpcError(401, "AUTH_KEY_UNREGISTERED");
  });
  dir = mkdtempSync(join(tmpdir(), "telethon-"));
});
afterAll(async () => {
  await stub.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("Telethon 1.25 against the MTProto server", () => {
  it("creates auth keys over four transports and makes calls whose constructors its layer knows", async () => {
    const python = await findPython();
    if (!python) {
      throw new Error("Telethon is not installed: run `apt-get install -y python3-telethon` (or set TELETHON_PYTHON to a Python that has telethon)");
    }
    const keyFile = join(dir, "server.pem");
    writeFileSync(keyFile, stub.server.rsaPublicKeyPem);
    const { code, stdout, stderr } = await run(python, [script, String(stub.port), keyFile]);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as { layer: number } & Record<string, Record<string, Step>>;

    expect(report.layer).toBeLessThan(198);
    const layers = new Set(stub.calls.filter((c) => c.name === "help.GetNearestDc").map((c) => c.ctx.layer));
    expect([...layers]).toEqual([report.layer]);

    for (const transport of ["full", "intermediate", "abridged", "obfuscated"]) {
      const steps = report[transport];
      expect(steps.authKey, transport).toEqual({ ok: true, value: 256 });
      expect(steps.ping, transport).toEqual({ ok: true, value: "pong" });
      expect(steps["help.getNearestDc"], transport).toEqual({ ok: true, value: { country: "US", thisDc: 2 } });
      expect(steps["updates.getState"], transport).toEqual({ ok: true, value: { pts: 1 } });
      // Answers are written in Telethon's layer (144, config#330b4067), so its connect(), which
      // reads help.getConfig, succeeds, and so does help.getConfig itself.
      expect(steps.connect, transport).toEqual({ ok: true, value: "connected" });
      expect(steps["help.getConfig"], transport).toEqual({ ok: true, value: "Config" });
    }
  }, 60_000);
});
