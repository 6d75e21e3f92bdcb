/**
 * Reads automations.yaml: the YAML is parsed with `yaml` (keeping each node's position) and validated
 * with the schema; every problem becomes one line "FILE:LINE: KEY: what is wrong". A missing file is no
 * automations at all, not an error.
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { isMap, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { type Env, variable } from "../config.js";
import { type Automations, automationsSchema } from "./schema.js";

/** The result of reading the file: the automations, or one line per problem. */
export type LoadResult = { readonly ok: true; readonly automations: Automations } | { readonly ok: false; readonly errors: readonly string[] };

/** The file named by AUTOMATIONS_FILE (relative to the project root), by default automations.yaml there. */
export function automationsPath(env: Env, root: string = process.cwd()): string {
  const file = variable(env, "AUTOMATIONS_FILE") ?? "automations.yaml";
  return isAbsolute(file) ? file : join(root, file);
}

/** Parses and validates automations.yaml's text; `file` names it in the errors. */
export function parseAutomations(text: string, file: string): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return { ok: false, errors: doc.errors.map((error) => `${file}:${error.linePos?.[0].line ?? 1}: ${firstLine(error.message)}`) };
  }
  const data = doc.toJS() ?? {};
  const result = automationsSchema.safeParse(data);
  if (result.success) return { ok: true, automations: result.data };
  const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  const errors = result.error.issues.flatMap((issue) => describeIssue(issue, doc.contents, lineAt, file));
  return { ok: false, errors: [...new Set(errors)] };
}

/** Reads the file; a missing file is an empty set of automations. */
export function loadAutomations(path: string, root: string = process.cwd()): LoadResult {
  const shown = relative(root, path) || path;
  if (!existsSync(path)) return { ok: true, automations: automationsSchema.parse({}) };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return { ok: false, errors: [`${shown}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`] };
  }
  return parseAutomations(text, shown);
}

function describeIssue(issue: z.core.$ZodIssue, root: unknown, lineAt: (offset: number | undefined) => number, file: string): string[] {
  const path = issue.path.filter((key): key is string | number => typeof key !== "symbol");
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const keyNode = mapKeyNode(nodeAt(root, path), key);
      return `${file}:${lineAt(keyNode?.range?.[0])}: ${keyName([...path, key])}: unknown key (${knownKeysHint(path)})`;
    });
  }
  const node = nodeAt(root, path);
  // A single value written where a list may be: name the key, not its item [0].
  if (typeof path.at(-1) === "number" && node !== undefined && !isSeq(node) && !isMap(node)) path.pop();
  const line = lineAt(node?.range?.[0]);
  const where = path.length === 0 ? "" : `${keyName(path)}: `;
  const message = issue.code === "invalid_type" && /received undefined$/.test(issue.message) ? "missing" : issue.message;
  return [`${file}:${line}: ${where}${message}`];
}

/** The deepest node along the path that exists (a missing key's error points at its parent). */
function nodeAt(root: unknown, path: readonly (string | number)[]): Node | undefined {
  let node = root as Node | undefined;
  for (const key of path) {
    let next: unknown;
    if (isMap(node)) next = node.items.find((pair) => (pair.key as { value?: unknown } | null)?.value === key)?.value;
    else if (isSeq(node) && typeof key === "number") next = node.items[key];
    if (next === undefined || next === null) return node;
    node = next as Node;
  }
  return node;
}

function mapKeyNode(node: Node | undefined, key: string): Node | undefined {
  if (!isMap(node)) return undefined;
  return node.items.find((pair) => (pair.key as { value?: unknown } | null)?.value === key)?.key as Node | undefined;
}

/** forward[0].match.regex */
function keyName(path: readonly (string | number)[]): string {
  return path.map((key, index) => (typeof key === "number" ? `[${key}]` : index === 0 ? key : `.${key}`)).join("");
}

const SECTION_KEYS = "forward, alerts, autoReply, schedule, plugins";

function knownKeysHint(path: readonly (string | number)[]): string {
  return path.length === 0 ? `the sections are ${SECTION_KEYS}` : "see automations.example.yaml for the keys";
}

function firstLine(text: string): string {
  return text.split("\n")[0];
}
