/**
 * A small reader of the Prometheus text exposition format (version 0.0.4), strict enough to fail a test on
 * output Prometheus would refuse: every line is a # HELP / # TYPE comment or a sample
 * `name{label="value",...} number`, every sample's family has a TYPE, and names and labels are well formed.
 */

/** One sample: metric name, labels, value. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/y;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/** Parses the text; throws naming the first line that is not valid. */
export function parsePrometheusText(text: string): Sample[] {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    const fail = (why: string) => {
      throw new Error(`line ${index + 1} ${JSON.stringify(line)}: ${why}`);
    };
    if (line.trim() === "") continue;
    if (line.startsWith("#")) {
      const [, keyword, name, ...rest] = line.split(" ");
      if (keyword === "TYPE") {
        if (!NAME.test(name) || !TYPES.has(rest[0])) fail("bad TYPE line");
        types.set(name, rest[0]);
      } else if (keyword === "HELP" && !NAME.test(name)) fail("bad HELP line");
      continue;
    }
    const match = SAMPLE.exec(line);
    if (match === null) return fail("not a sample");
    const [, name, labelText, valueText] = match;
    const labels: Record<string, string> = {};
    if (labelText !== undefined && labelText !== "") {
      LABEL.lastIndex = 0;
      while (LABEL.lastIndex < labelText.length) {
        const label = LABEL.exec(labelText);
        if (label === null) return fail("bad labels");
        labels[label[1]] = label[2];
      }
    }
    // Prometheus reads values with Go's strconv.ParseFloat: NaN and Inf in any case (prom-client writes "Nan").
    const special = /^([+-]?)(inf|infinity|nan)$/i.exec(valueText);
    const value = special === null ? Number(valueText) : special[2].toLowerCase() === "nan" ? Number.NaN : special[1] === "-" ? -Infinity : Infinity;
    if (Number.isNaN(value) && special === null) fail("value is not a number");
    const family = [...types.keys()].find((typed) => name === typed || /^(.*)_(bucket|sum|count|total|created)$/.exec(name)?.[1] === typed);
    if (family === undefined) fail(`no # TYPE for ${name}`);
    samples.push({ name, labels, value });
  }
  return samples;
}

/** The value of the sample of that name whose labels include `labels` (summed over the others); 0 when none. */
export function sampleValue(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}
