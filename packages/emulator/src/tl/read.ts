/**
 * Reads what a client of another layer than GramJS's sends (schema.ts) into GramJS's API objects, so
 * that the methods serve every layer from one model. Each constructor is read in the client's layout
 * and built as GramJS's class of the same name; fields GramJS's class lacks are dropped, fields the
 * client's layer lacks stay undefined. Primitives are read by GramJS's BinaryReader, so every value
 * has the representation GramJS's own reader gives it (longs as big-integer, bytes as Buffer).
 */
import type { BinaryReader } from "telegram/extensions/index.js";
import { tlobjects } from "telegram/tl/AllTLObjects.js";
import type { ArgConfig, Layout, TlSchema } from "./schema.js";
import { GRAMJS_SCHEMA } from "./schema.js";

const VECTOR = 0x1cb5c415;
const BOOL_TRUE = 0x997275b5;
const BOOL_FALSE = 0xbc799737;

type GramjsClass = new (args: Record<string, unknown>) => unknown;

/** A constructor the client's layer does not define, or that GramJS has no class for. */
export class UnknownConstructorError extends Error {
  constructor(readonly constructorId: number) {
    super(`unknown constructor ${constructorId.toString(16).padStart(8, "0")}`);
    this.name = "UnknownConstructorError";
  }
}

const classByName: Map<string, GramjsClass> = buildClassIndex();

function buildClassIndex(): Map<string, GramjsClass> {
  const map = new Map<string, GramjsClass>();
  const classes = tlobjects as unknown as Record<string, GramjsClass>;
  for (const layout of GRAMJS_SCHEMA.byGramjsId.values()) {
    const cls = classes[String(layout.id | 0)] ?? classes[String(layout.id)];
    if (cls) map.set(layout.className, cls);
  }
  return map;
}

/** Reads one boxed object of `schema`'s layer as a GramJS object. */
export function readObject(reader: BinaryReader, schema: TlSchema): unknown {
  const id = reader.readInt(false) >>> 0;
  if (id === VECTOR) {
    // A bare Vector<...> result is never part of a request; GramJS reads one as a list of objects.
    const count = reader.readInt();
    const items: unknown[] = [];
    for (let i = 0; i < count; i++) items.push(readObject(reader, schema));
    return items;
  }
  if (id === BOOL_TRUE) return true;
  if (id === BOOL_FALSE) return false;
  const layout = schema.byWireId.get(id);
  if (!layout) throw new UnknownConstructorError(id);
  return readFields(reader, layout, schema, id);
}

function readFields(reader: BinaryReader, layout: Layout, schema: TlSchema, id: number): unknown {
  const cls = classByName.get(layout.className);
  if (!cls) throw new UnknownConstructorError(id);
  const args: Record<string, unknown> = {};
  for (const { name, arg } of layout.fields) {
    if (arg.flagIndicator) {
      args[name] = reader.readInt();
      continue;
    }
    if (arg.isFlag) {
      const set = ((args[arg.flagName!] as number) & (1 << arg.flagIndex)) !== 0;
      if (arg.type === "true") {
        args[name] = set;
        continue;
      }
      if (!set) continue;
    }
    args[name] = readArg(reader, arg, schema);
  }
  return new cls(args);
}

function readArg(reader: BinaryReader, arg: ArgConfig, schema: TlSchema): unknown {
  if (arg.isVector) {
    if (arg.useVectorId) reader.readInt();
    const count = reader.readInt();
    const items: unknown[] = [];
    for (let i = 0; i < count; i++) items.push(readValue(reader, arg, schema));
    return items;
  }
  return readValue(reader, arg, schema);
}

function readValue(reader: BinaryReader, arg: ArgConfig, schema: TlSchema): unknown {
  switch (arg.type) {
    case "int":
      return reader.readInt();
    case "long":
      return reader.readLong();
    case "int128":
      return reader.readLargeInt(128);
    case "int256":
      return reader.readLargeInt(256);
    case "double":
      return reader.readDouble();
    case "string":
      return reader.tgReadString();
    case "bytes":
      return reader.tgReadBytes();
    case "Bool":
      return reader.tgReadBool();
    case "true":
      return true;
    case "date":
      return reader.tgReadDate();
    default: {
      if (!arg.skipConstructorId) return readObject(reader, schema);
      // A bare type: the constructor of that (lower-case) name, without its id.
      const name = bareClassName(arg.type ?? "");
      for (const layout of schema.byWireId.values()) {
        if (layout.className === name) return readFields(reader, layout, schema, layout.id);
      }
      throw new UnknownConstructorError(0);
    }
  }
}

/** GramJS's class name of a bare type: `ipPort` is `IpPort`, `help.x` is `help.X`. */
function bareClassName(type: string): string {
  const dot = type.lastIndexOf(".");
  return type.slice(0, dot + 1) + type.charAt(dot + 1).toUpperCase() + type.slice(dot + 2);
}
