/** The shape every benchmark under bench/ exports, and the figures it reports. */

export interface Metric {
  name: string;
  value: number;
  unit: string;
  /** The figure the issue asks for, if any: met when value op target holds. */
  target?: { op: "<=" | ">="; value: number };
  note?: string;
}

export interface Benchmark {
  /** Short name, selectable with `npm run bench -- NAME`. */
  name: string;
  description: string;
  run(): Promise<Metric[]>;
}

/** Whether a metric meets its target (true when it has none). */
export function meetsTarget(m: Metric): boolean {
  if (!m.target) return true;
  return m.target.op === "<=" ? m.value <= m.target.value : m.value >= m.target.value;
}
