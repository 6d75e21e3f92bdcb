/**
 * The deployment files, checked without a container engine (none runs here): the Dockerfile's stages,
 * base image, user, volume and command read from its text; the compose example's service; the systemd
 * unit through `systemd-analyze verify` (Debian's systemd package) and its hardening read from its text.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const run = promisify(execFile);
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** The Dockerfile's instructions, continuation lines joined, comments dropped, with the stage each belongs to. */
function instructions(text: string): { stage: string; keyword: string; args: string }[] {
  const joined = text.replace(/\\\n\s*/g, " ");
  const out: { stage: string; keyword: string; args: string }[] = [];
  let stage = "";
  for (const line of joined.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const [keyword, ...rest] = trimmed.split(/\s+/);
    const args = rest.join(" ");
    if (keyword.toUpperCase() === "FROM") stage = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? args;
    out.push({ stage, keyword: keyword.toUpperCase(), args });
  }
  return out;
}

describe("Dockerfile", () => {
  const steps = instructions(read("Dockerfile"));
  const inStage = (stage: string, keyword: string) => steps.filter((step) => step.stage === stage && step.keyword === keyword);

  it("builds in one stage and runs in another, both on the slim Node 20 image", () => {
    expect(steps.filter((step) => step.keyword === "FROM").map((step) => step.args)).toEqual([
      "node:20-bookworm-slim AS build",
      "node:20-bookworm-slim AS runtime",
    ]);
  });

  it("compiles better-sqlite3 and the TypeScript in the build stage, keeping production dependencies only", () => {
    const runs = inStage("build", "RUN").map((step) => step.args);
    expect(runs.some((args) => /apt-get install .*python3.*make.*g\+\+/.test(args))).toBe(true);
    expect(runs.some((args) => args.startsWith("npm ci"))).toBe(true);
    expect(runs.some((args) => args.includes("npm run build") && args.includes("npm prune --omit=dev"))).toBe(true);
  });

  it("runs node dist/cli/start.js as a non-root user with sessions/ as a volume", () => {
    expect(inStage("runtime", "COPY").map((step) => step.args)).toEqual(
      expect.arrayContaining(["--from=build /app/node_modules ./node_modules", "--from=build /app/dist ./dist"]),
    );
    const users = inStage("runtime", "USER").map((step) => step.args);
    expect(users).toEqual(["userbot"]);
    expect(inStage("runtime", "RUN").some((step) => step.args.includes("useradd --system") && step.args.includes("chown userbot:userbot /app/sessions"))).toBe(
      true,
    );
    expect(inStage("runtime", "VOLUME").map((step) => step.args)).toEqual(['["/app/sessions"]']);
    expect(inStage("runtime", "CMD").map((step) => step.args)).toEqual(['["node", "dist/cli/start.js"]']);
    // USER comes before CMD, so the userbot never runs as root.
    const runtimeSteps = steps.filter((step) => step.stage === "runtime").map((step) => step.keyword);
    expect(runtimeSteps.indexOf("USER")).toBeLessThan(runtimeSteps.indexOf("CMD"));
  });

  it("keeps secrets and local state out of the build context", () => {
    const ignored = read(".dockerignore").split("\n");
    for (const entry of [".env", "sessions", "node_modules", "dist", ".git"]) expect(ignored).toContain(entry);
  });
});

describe("deploy/compose.yaml", () => {
  const compose = read("deploy/compose.yaml");

  it("restarts the service, keeps sessions in a volume, publishes the metrics on loopback only and checks health", () => {
    expect(compose).toMatch(/^\s+restart: unless-stopped$/m);
    expect(compose).toMatch(/^\s+- sessions:\/app\/sessions$/m);
    expect(compose).toMatch(/^\s+- "127\.0\.0\.1:9464:9464"$/m);
    expect(compose).toMatch(/test: \["CMD", "node", "dist\/cli\/status\.js"\]/);
    expect(compose).toMatch(/no-new-privileges:true/);
  });
});

describe("deploy/systemd/tg-userbot.service", () => {
  const unit = read("deploy/systemd/tg-userbot.service");

  it("runs one node process under a dedicated user, restarted on failure, hardened", () => {
    for (const line of [
      "User=tg-userbot",
      "ExecStart=/usr/bin/node dist/cli/start.js",
      "Restart=on-failure",
      "RestartPreventExitStatus=2",
      "NoNewPrivileges=yes",
      "ProtectSystem=strict",
      "ProtectHome=yes",
      "ReadWritePaths=/opt/tg-userbot/sessions",
      "PrivateTmp=yes",
      "CapabilityBoundingSet=",
    ]) {
      expect(unit.split("\n")).toContain(line);
    }
  });

  it("passes systemd-analyze verify", async () => {
    const { stderr } = await run("systemd-analyze", ["verify", join(ROOT, "deploy/systemd/tg-userbot.service")]);
    expect(stderr).toBe("");
  });
});
