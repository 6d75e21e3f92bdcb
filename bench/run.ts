/**
 * `npm run bench [-- NAME...]`: runs the benchmarks under bench/ (files named *.bench.ts), prints a
 * table of their figures against the issues' targets, and writes them as JSON to
 * bench/results/<name>.json and bench/results/latest.json.
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type Benchmark, type Metric, meetsTarget } from "./types.js";

const here = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const files = readdirSync(here)
    .filter((f) => f.endsWith(".bench.ts"))
    .sort();
  const benches: Benchmark[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: Benchmark };
    benches.push(mod.default);
  }
  const selected = wanted.length ? benches.filter((b) => wanted.some((w) => b.name.includes(w))) : benches;
  if (selected.length === 0) {
    process.stderr.write(`no benchmark matches ${wanted.join(", ")}; known: ${benches.map((b) => b.name).join(", ")}\n`);
    process.exit(2);
  }

  const results: Record<string, { description: string; metrics: Metric[]; at: string }> = {};
  const rows: string[][] = [["benchmark", "metric", "value", "unit", "target", ""]];
  let missed = 0;
  for (const bench of selected) {
    process.stderr.write(`running ${bench.name}: ${bench.description}\n`);
    const metrics = await bench.run();
    results[bench.name] = { description: bench.description, metrics, at: new Date().toISOString() };
    for (const m of metrics) {
      const ok = meetsTarget(m);
      if (!ok) missed++;
      rows.push([
        bench.name,
        m.name,
        formatNumber(m.value),
        m.unit,
        m.target ? `${m.target.op} ${formatNumber(m.target.value)}` : "",
        m.target ? (ok ? "ok" : "MISSED") : "",
      ]);
    }
    const out = join(here, "results");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, `${bench.name}.json`), `${JSON.stringify(results[bench.name], null, 2)}\n`);
  }
  writeFileSync(join(here, "results", "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
  printTable(rows);
  process.stdout.write(`\nfigures written to bench/results/ (${missed} target${missed === 1 ? "" : "s"} missed)\n`);
}

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString("en-US");
  return n.toLocaleString("en-US", { maximumFractionDigits: n < 1 ? 4 : 2 });
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const [i, row] of rows.entries()) {
    process.stdout.write(
      `${row
        .map((c, j) => (j === 2 ? c.padStart(widths[j]) : c.padEnd(widths[j])))
        .join("  ")
        .trimEnd()}\n`,
    );
    if (i === 0) process.stdout.write(`${widths.map((w) => "-".repeat(w)).join("  ")}\n`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
