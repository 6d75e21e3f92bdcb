/**
 * `npm run emulator -- [--port N] [--control-port M] [--seed FILE] [--latency-ms N] [--rsa-key FILE]`
 * Starts the emulator standalone, prints one JSON "ready" line on stdout, stops on SIGINT / SIGTERM.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { startEmulator } from "./index.js";
import { SeedError, type SeedFile } from "./seedFile.js";

/** A mistake in the command line: one line on stderr, exit code 2. */
class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message);
}

/** Runs main: a UsageError (or a bad seed file) is one line and exit 2, anything else "error: …" and exit 1. */
function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      const userFacing = err instanceof UsageError || err instanceof SeedError;
      process.stderr.write(`${userFacing ? "" : "error: "}${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(userFacing ? 2 : 1);
    },
  );
}

function port(value: string | undefined, flag: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > max) fail(`${flag} must be a port number from 0 to ${max} (0 picks a free one)`);
  return n;
}

function readSeed(file: string): SeedFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    fail(`--seed: cannot read ${file}: give the path of a JSON seed file`);
  }
  try {
    return JSON.parse(text) as SeedFile;
  } catch (err) {
    fail(`--seed: ${file} is not valid JSON (${(err as Error).message})`);
  }
}

runMain(async () => {
  let values: { port?: string; "control-port"?: string; seed?: string; "latency-ms"?: string; "rsa-key"?: string };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string" },
        "control-port": { type: "string" },
        seed: { type: "string" },
        "latency-ms": { type: "string" },
        "rsa-key": { type: "string" },
      },
      strict: true,
    }));
  } catch (err) {
    fail(`${(err as Error).message}. Usage: npm run emulator -- [--port N] [--control-port M] [--seed FILE] [--latency-ms N] [--rsa-key FILE]`);
  }
  const latency = values["latency-ms"];
  if (latency !== undefined && !/^\d+$/.test(latency)) fail("--latency-ms must be a whole number of milliseconds");
  let rsaPrivateKeyPem: string | undefined;
  if (values["rsa-key"]) {
    try {
      rsaPrivateKeyPem = readFileSync(values["rsa-key"], "utf8");
    } catch {
      fail(`--rsa-key: cannot read ${values["rsa-key"]}: give the path of an RSA private key in PEM`);
    }
  }

  const emu = await startEmulator({
    // GramJS stores the port in its session as a signed 16-bit number.
    port: port(values.port, "--port", 32767),
    controlPort: port(values["control-port"], "--control-port", 65535),
    latencyMs: latency === undefined ? undefined : Number(latency),
    seed: values.seed ? readSeed(values.seed) : undefined,
    rsaPrivateKeyPem,
  });
  process.stdout.write(
    `${JSON.stringify({
      event: "ready",
      host: emu.host,
      port: emu.port,
      dcId: emu.dcId,
      dcs: emu.dcs,
      controlUrl: emu.controlUrl,
      rsaPublicKey: emu.rsaPublicKey,
      ...(Object.keys(emu.seeded).length > 0 && { seeded: emu.seeded }),
    })}\n`,
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await emu.stop();
});
