/**
 * Writes src/tl/schemas/api-144.tl, the API schema of layer 144 (the layer Telethon 1.25 announces) in TL
 * text, from two sources, each used by name:
 *
 * - which constructors and methods layer 144 has (id, name, arguments, flag bits): Telethon 1.25.1 as
 *   Debian's package python3-telethon installs it (`apt-get install python3-telethon`; MIT licence). Its
 *   classes are generated from layer 144; `telethon.tl.alltlobjects.tlobjects` maps every id to its class.
 * - the TL line of each: GramJS's schema text, `tl/apiTl.js` of the npm package `telegram` (MIT licence),
 *   of the releases just after and just before: 2.11.7 (layer 145), else 2.10.10 (layer 143). A TL
 *   definition is known by its id, the CRC32 of its text, so the line with Telethon's id is layer 144's.
 *   The script runs `npm pack` for these releases into a temporary folder; 2.11.6 and 2.11.5 are tried
 *   only for an id neither has.
 *
 * Each line taken is checked against Telethon's class: the name (module and class name), type or method,
 * the CRC32 of the line equal to the id, the arguments of its constructor, and the bit of every optional
 * argument in each flags field (read from its generated `_bytes`), which covers the `flags.N?true`
 * arguments the CRC32 leaves out. A line that fails is not used; the script stops if an id is left without
 * one. (So far 2.11.7 gives 1,430 lines and 2.10.10 the other 24: 2.11.7's messages.sendMessage, sendMedia
 * and sendMultiMedia carry layer 145's update_stickersets_order flag under the same ids.) Telethon's MTProto definitions (GramJS's `tl/schemaTl.js`, read by the emulator from GramJS itself)
 * are left out, as are the definitions both leave out as primitives (boolFalse, boolTrue, true, error, null,
 * vector). Run it where /usr/bin/python3 imports telethon 1.25.1, with the npm registry reachable:
 *
 *   npx tsx packages/emulator/scripts/tl-schema-144.ts
 *
 * It is a maintainer's script: tests and CI read only the .tl file it writes.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const LAYER = 144;
/** GramJS releases, in the order their lines are tried: first the two either side of layer 144. */
const RELEASES = ["2.11.7", "2.10.10", "2.11.6", "2.11.5"];

interface TelethonObject {
  id: number;
  kind: "types" | "functions";
  /** The namespace (`messages`), or null. */
  ns: string | null;
  cls: string;
  /** Arguments of its constructor, without `self`. */
  params: string[];
  /** For each flags field, in order: [argument, bit value] of each optional argument. */
  flags: [string, number][][];
}

// The patched Message classes (telethon.tl.patched) are checked against the generated ones they extend.
const PYTHON = `
import inspect, json, re, telethon
from telethon.tl import alltlobjects
term = re.compile(r"\\(0 if self\\.(\\w+) is None(?: or self\\.\\1 is False)? else (\\d+)\\)")
out = []
for cid, cls in alltlobjects.tlobjects.items():
    cls = next(c for c in cls.__mro__ if c.__module__.startswith(("telethon.tl.types", "telethon.tl.functions")))
    parts = cls.__module__.split(".")
    init = cls.__dict__.get("__init__")
    params = [p for p in inspect.signature(init).parameters if p != "self"] if init else []
    flags = [[[n, int(b)] for n, b in term.findall(line)]
             for line in inspect.getsource(cls._bytes).splitlines() if line.strip().startswith("struct.pack('<I', (0 if self.")]
    out.append({"id": cid, "kind": parts[2], "ns": parts[3] if len(parts) > 3 else None, "cls": cls.__name__, "params": params, "flags": flags})
print(json.dumps({"version": telethon.__version__, "layer": alltlobjects.LAYER, "objects": out}))
`;

const telethon = JSON.parse(execFileSync("/usr/bin/python3", ["-c", PYTHON], { encoding: "utf8", maxBuffer: 64 << 20 })) as {
  version: string;
  layer: number;
  objects: TelethonObject[];
};
if (telethon.layer !== LAYER) throw new Error(`telethon ${telethon.version} is layer ${telethon.layer}, not ${LAYER}`);
let debianVersion = "";
try {
  debianVersion = execFileSync("dpkg-query", ["-W", "-f=$" + "{Version}", "python3-telethon"], { encoding: "utf8" }).trim();
} catch {
  // Not installed from Debian's package: the layer check above is what matters.
}

interface Line {
  text: string;
  name: string;
  id: number | undefined;
  isFunction: boolean;
}

/** The definitions of a TL text, comments and section lines aside. */
function linesOf(text: string): Line[] {
  const lines: Line[] = [];
  let isFunction = false;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\/\/.*/, "").trim();
    if (!line) continue;
    const section = line.match(/^---(\w+)---$/);
    if (section) {
      isFunction = section[1] === "functions";
      continue;
    }
    const m = line.match(/^([\w.]+)(?:#([0-9a-fA-F]+))?[\s=]/);
    if (!m) throw new Error(`cannot read TL line ${line}`);
    lines.push({ text: line, name: m[1], id: m[2] === undefined ? undefined : Number.parseInt(m[2], 16), isFunction });
  }
  return lines;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(text: string): number {
  let c = 0xffffffff;
  for (const byte of Buffer.from(text, "ascii")) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A definition's id as Telegram computes it: the CRC32 of its line without the id, the `flags.N?true`
 * arguments, braces, angle brackets and the semicolon, with bytes written as string (core.telegram.org/mtproto/TL-abstract-types).
 */
function idOf(line: string): number {
  const text = line
    .replace(/;$/, "")
    .replace(/^([\w.]+)#[0-9a-fA-F]+/, "$1")
    .replace(/ \w+:flags\d*\.\d+\?true/g, "")
    .replace(/:bytes\b/g, ":string")
    .replace(/\?bytes\b/g, "?string")
    .replace(/</g, " ")
    .replace(/[>{}]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  return crc32(text);
}

/** Telethon's class name for a TL name, as its generator names them. */
function telethonClass(name: string, isFunction: boolean): string {
  const camel = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return camel.charAt(0).toUpperCase() + camel.slice(1).replace(/_/g, "") + (isFunction ? "Request" : "");
}

/** Telethon's name for a TL argument: `self` cannot be one in Python. */
const telethonArg = (name: string) => (name === "self" ? "is_self" : name);

/** Why a TL line is not the definition of Telethon's object, or undefined when it is. */
function mismatch(line: Line, object: TelethonObject): string | undefined {
  const dot = line.name.lastIndexOf(".");
  const ns = dot < 0 ? null : line.name.slice(0, dot);
  const cls = telethonClass(line.name.slice(dot + 1), line.isFunction);
  if (line.isFunction !== (object.kind === "functions")) return "type or method";
  if (ns !== object.ns || cls !== object.cls) return `name ${ns ?? ""}.${cls}`;
  if (idOf(line.text) !== object.id) return `CRC32 ${idOf(line.text).toString(16)}`;
  const args: string[] = [];
  const flags = new Map<string, [string, number][]>();
  for (const [, brace, name, type] of line.text.matchAll(/(\{)?(\w+):([\w<>#.?!]+)/g)) {
    if (brace) continue;
    if (type === "#") {
      flags.set(name, []);
      continue;
    }
    args.push(telethonArg(name));
    const flag = type.match(/^(flags\d*)\.(\d+)\?/);
    if (flag) flags.get(flag[1])?.push([telethonArg(name), 2 ** Number(flag[2])]);
  }
  const key = (list: string[]) => JSON.stringify([...list].sort());
  if (key(args) !== key(object.params)) return `arguments ${args.join(" ")}`;
  const bits = (groups: [string, number][][]) => JSON.stringify(groups.filter((g) => g.length > 0).map((g) => g.map(([n, b]) => `${n}:${b}`).sort()));
  if (bits([...flags.values()]) !== bits(object.flags)) return "flag bits";
  return undefined;
}

const work = mkdtempSync(join(tmpdir(), "tl-schema-144-"));
const require = createRequire(import.meta.url);
/** A GramJS release's API and MTProto schema texts, from its npm tarball. */
function gramjs(version: string): { api: Line[]; mtproto: Line[]; layer: string } {
  const dir = join(work, version);
  execFileSync("npm", ["pack", `telegram@${version}`, "--silent", "--pack-destination", work], { stdio: ["ignore", "ignore", "inherit"] });
  mkdirSync(dir);
  execFileSync("tar", ["xzf", join(work, `telegram-${version}.tgz`), "-C", dir]);
  const tl = join(dir, "package", "tl");
  // AllTLObjects.js requires GramJS's dependencies: its LAYER is read from the text.
  const layer = readFileSync(join(tl, "AllTLObjects.js"), "utf8").match(/exports\.LAYER = (\d+);/)?.[1] ?? "?";
  return { api: linesOf(require(join(tl, "apiTl.js")) as string), mtproto: linesOf(require(join(tl, "schemaTl.js")) as string), layer };
}

const chosen = new Map<number, { line: Line; release: string }>();
const mtproto = new Set<number>();
const rejected: string[] = [];
const used: string[] = [];
try {
  for (const version of RELEASES) {
    const open = telethon.objects.filter((o) => !chosen.has(o.id) && !mtproto.has(o.id));
    if (open.length === 0) break;
    const release = gramjs(version);
    const byId = new Map(release.api.filter((l) => l.id !== undefined).map((l) => [l.id, l]));
    let taken = 0;
    for (const object of open) {
      const line = byId.get(object.id);
      if (line) {
        const why = mismatch(line, object);
        if (why) rejected.push(`${object.id.toString(16)} ${object.cls} in ${version}: ${why}`);
        else {
          chosen.set(object.id, { line, release: version });
          taken++;
        }
        continue;
      }
      // MTProto: left out, so only its id is matched (GramJS writes the tls* lines without one: their CRC32).
      if (release.mtproto.some((l) => (l.id ?? idOf(l.text)) === object.id)) mtproto.add(object.id);
    }
    used.push(`telegram@${version} (layer ${release.layer}): ${taken}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const missing = telethon.objects.filter((o) => !chosen.has(o.id) && !mtproto.has(o.id));
for (const r of rejected) console.log(`not used: ${r}`);
if (missing.length > 0) {
  throw new Error(`no definition for ${missing.map((o) => `${o.id.toString(16)} ${o.ns ? `${o.ns}.` : ""}${o.cls}`).join(", ")}`);
}

const api = telethon.objects.filter((o) => chosen.has(o.id));
const lineOf = (o: TelethonObject) => chosen.get(o.id)!.line.text;
const types = api.filter((o) => o.kind === "types");
const methods = api.filter((o) => o.kind === "functions");
const out = [
  `// Telegram API schema, layer ${LAYER}, in TL text.`,
  `// Generated by packages/emulator/scripts/tl-schema-144.ts. The constructors and methods are those of Telethon ${telethon.version}`,
  `// (Debian's python3-telethon${debianVersion ? ` ${debianVersion}` : ""}, MIT licence), generated from layer ${LAYER}: ids, names, arguments and flag bits.`,
  `// Each line is the one with the same id in GramJS's tl/apiTl.js (npm telegram ${RELEASES.filter((v) => api.some((o) => chosen.get(o.id)!.release === v)).join(", else ")}; MIT licence).`,
  "// Do not edit by hand: run the script again.",
  ...types.map(lineOf),
  "---functions---",
  ...methods.map(lineOf),
  "",
];
const target = new URL(`../src/tl/schemas/api-${LAYER}.tl`, import.meta.url);
writeFileSync(target, out.join("\n"));
console.log(used.map((u) => `${u} definitions`).join("; "));
console.log(`MTProto definitions left out: ${mtproto.size}`);
console.log(`wrote ${target.pathname}: layer ${LAYER}, ${types.length} constructors and ${methods.length} methods`);
