/**
 * The tree's shape, checked with the rest of the suite so CI fails on it: the type check, Biome's
 * formatting and lint rules, the import rules of .dependency-cruiser.cjs (the data flow of DESIGN.md),
 * and no cycle between folders, in the product or in the emulator package.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const bin = (name: string) => `node_modules/.bin/${name}`;

/** Runs a tool; its exit code and what it printed. */
async function tool(name: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(bin(name), args, { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  }
}

/** The folder a module belongs to for the cycle check: src/X or packages/emulator/src/X (a top-level file is its own). */
function folderOf(path: string): string | undefined {
  const match = /^(src|packages\/emulator\/src)\/([^/]+)(\/)?/.exec(path);
  if (match === null) return undefined;
  return match[3] === undefined ? path : `${match[1]}/${match[2]}`;
}

/** Groups of folders that import each other, directly or around a loop (strongly connected, more than one). */
function folderCycles(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      for (let member = stack.pop(); member !== undefined; member = member === node ? undefined : stack.pop()) group.push(member);
      if (group.length > 1) cycles.push(group.sort());
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

describe("the tree", () => {
  it("type-checks (tsc --noEmit over src, packages, test and bench)", { timeout: 180_000 }, async () => {
    const { code, output } = await tool("tsc", ["--noEmit", "-p", "."]);
    expect(code, output).toBe(0);
  });

  it("is formatted and passes Biome's lint rules", async () => {
    const { code, output } = await tool("biome", ["check", "--error-on-warnings", "."]);
    expect(code, output).toBe(0);
  });

  it("follows the data flow: no import against the layers, no module cycle, no folder cycle", async () => {
    const { code, output } = await tool("depcruise", ["src", "packages/emulator/src", "--config", ".dependency-cruiser.cjs", "--output-type", "json"]);
    const result = JSON.parse(output) as {
      summary: { violations: { rule: { name: string }; from: string; to: string }[] };
      modules: { source: string; dependencies: { resolved: string }[] }[];
    };
    expect(result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).toEqual([]);
    expect(code).toBe(0);
    const edges = new Map<string, Set<string>>();
    for (const module of result.modules) {
      const from = folderOf(module.source);
      if (from === undefined) continue;
      for (const { resolved } of module.dependencies) {
        const to = folderOf(resolved);
        if (to === undefined || to === from) continue;
        edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    expect(edges.size).toBeGreaterThan(10);
    expect(folderCycles(edges)).toEqual([]);
  });
});
