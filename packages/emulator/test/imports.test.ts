/**
 * The emulator's import graph has no cycles: not between files (type-only imports count: a cycle of
 * types is still a definition in the wrong room), and not between folders (a folder must not import a
 * folder that imports it back). Read from the source text, so it needs no tool and runs with the suite.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));
/** `import … from "./x.js"` and `export … from "./x.js"`, type-only ones included, across lines. */
const RELATIVE_IMPORT = /^\s*(?:import|export)\b[^;]*?\bfrom\s+"(\.{1,2}\/[^"]+)"/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** File (relative to src/, with "/") to the files it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const path of sourceFiles(SRC)) {
    const from = relative(SRC, path).split("\\").join("/");
    const targets = [...readFileSync(path, "utf8").matchAll(RELATIVE_IMPORT)].map((m) =>
      posix.normalize(posix.join(posix.dirname(from), m[1].replace(/\.js$/, ".ts"))),
    );
    graph.set(from, targets);
  }
  return graph;
}

/** The strongly connected components with more than one member (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("the emulator's imports", () => {
  const graph = importGraph();

  it("resolve to files that exist", () => {
    const missing = [...graph].flatMap(([from, targets]) => targets.filter((t) => !graph.has(t)).map((t) => `${from} -> ${t}`));
    expect(missing).toEqual([]);
  });

  it("form no cycle between files", () => {
    expect(cycles(graph)).toEqual([]);
  });

  it("form no cycle between folders", () => {
    const folders = new Map<string, string[]>();
    for (const [from, targets] of graph) {
      const folder = dirname(from);
      const edges = folders.get(folder) ?? [];
      for (const target of targets) if (dirname(target) !== folder) edges.push(dirname(target));
      folders.set(folder, edges);
    }
    expect(cycles(folders)).toEqual([]);
  });
});
