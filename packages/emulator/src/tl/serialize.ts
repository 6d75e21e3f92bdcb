/**
 * A fast serializer for GramJS's API objects, driven by the same TL schema GramJS builds its classes
 * from (layer 198). It writes exactly the bytes `object.getBytes()` would, into one growing buffer,
 * instead of GramJS's validate-and-concatenate per field: serving a page of 200 participants is
 * several times cheaper. Objects whose constructor the schema does not know fall back to getBytes().
 */

import apiTl from "telegram/tl/apiTl.js";
import { parseTl } from "telegram/tl/generationHelpers.js";
import schemaTl from "telegram/tl/schemaTl.js";
import { TlWriter, VECTOR } from "./primitives.js";

interface ArgConfig {
  isVector: boolean;
  isFlag: boolean;
  flagName: string | null;
  flagIndex: number;
  flagIndicator: boolean;
  type: string | null;
  useVectorId: boolean | null;
}

interface Field {
  name: string;
  arg: ArgConfig;
  /** For a flags field: the fields whose presence sets its bits. */
  flagged?: Field[];
  /** A bare (lower-case) object type: written without its constructor id. */
  bare: boolean;
}

const BOOL_TRUE = 0x997275b5;
const BOOL_FALSE = 0xbc799737;

const layouts: Map<number, Field[]> = buildLayouts();

function buildLayouts(): Map<number, Field[]> {
  const map = new Map<number, Field[]>();
  // 109 is the layer argument GramJS itself parses its schema with.
  const defs = [...parseTl(apiTl as unknown as string, "109"), ...parseTl(schemaTl as unknown as string, "109")] as {
    constructorId: number;
    isFunction: boolean;
    argsConfig: Record<string, ArgConfig>;
  }[];
  for (const def of defs) {
    if (def.isFunction) continue;
    const fields: Field[] = Object.entries(def.argsConfig).map(([name, arg]) => {
      const type = arg.type ?? "";
      const tail = type.charAt(type.indexOf(".") + 1);
      return { name, arg, bare: !arg.isVector && tail !== "" && tail !== tail.toUpperCase() };
    });
    for (const field of fields) {
      if (field.arg.flagIndicator) field.flagged = fields.filter((f) => f.arg.isFlag && f.arg.flagName === field.name);
    }
    map.set(def.constructorId >>> 0, fields);
  }
  return map;
}

interface TlObject {
  CONSTRUCTOR_ID: number;
  getBytes(): Buffer;
  [field: string]: unknown;
}

/** Whether a value is a GramJS TL object (or anything else that serializes itself). */
export function isTlObject(v: unknown): v is TlObject {
  return typeof v === "object" && v !== null && typeof (v as { getBytes?: unknown }).getBytes === "function";
}

/** The bytes of a TL object, identical to `object.getBytes()`. */
export function serializeObject(object: TlObject): Buffer {
  const w = new TlWriter(256);
  writeObject(w, object, false);
  return w.finish();
}

/** Write a TL object (boxed, or bare without its constructor id) into `w`. */
export function writeObject(w: TlWriter, object: TlObject, bare: boolean): void {
  const fields = layouts.get(object.CONSTRUCTOR_ID >>> 0);
  if (!fields) {
    const bytes = object.getBytes();
    w.raw(bare ? bytes.subarray(4) : bytes);
    return;
  }
  if (!bare) w.uint(object.CONSTRUCTOR_ID);
  for (const field of fields) {
    const { arg } = field;
    const value = object[field.name];
    if (arg.isFlag && (absent(value, arg) || arg.type === "true")) continue;
    if (arg.flagIndicator) {
      let flags = 0;
      for (const f of field.flagged!) {
        if (!absent(object[f.name], f.arg)) flags |= 1 << f.arg.flagIndex;
      }
      w.uint(flags);
    } else if (arg.isVector) {
      const items = value as unknown[];
      if (arg.useVectorId) w.uint(VECTOR);
      w.int(items.length);
      for (const item of items) writeValue(w, item, arg.type!, false);
    } else {
      writeValue(w, value, arg.type!, field.bare);
    }
  }
}

/** GramJS's rule for an optional field that is not sent. */
function absent(value: unknown, arg: ArgConfig): boolean {
  return value === undefined || value === null || (value === false && arg.type !== "Bool");
}

function writeValue(w: TlWriter, value: unknown, type: string, bare: boolean): void {
  switch (type) {
    case "int":
      w.int(value as number);
      return;
    case "long":
      w.long(toBigInt(value));
      return;
    case "int128":
    case "int256":
      w.raw(signedLittle(toBigInt(value), type === "int128" ? 16 : 32));
      return;
    case "double": {
      const b = Buffer.allocUnsafe(8);
      b.writeDoubleLE(value as number, 0);
      w.raw(b);
      return;
    }
    case "string":
    case "bytes":
      w.bytes(value as string | Uint8Array);
      return;
    case "Bool":
      w.uint(value ? BOOL_TRUE : BOOL_FALSE);
      return;
    case "true":
      return;
    case "date":
      w.int(value instanceof Date ? Math.floor(value.getTime() / 1000) : (value as number));
      return;
    default:
      if (!isTlObject(value)) throw new TypeError(`a ${type} field holds no TL object`);
      writeObject(w, value, bare);
  }
}

/** A long as GramJS may hold it: big-integer (its `value` is a number or a native bigint), bigint, number or string. */
function toBigInt(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return BigInt(value);
  if (typeof value === "object" && value !== null && "value" in value) {
    const inner = (value as { value: unknown }).value;
    if (typeof inner === "bigint") return inner;
    if (typeof inner === "number") return BigInt(inner);
  }
  return BigInt(String(value));
}

function signedLittle(value: bigint, size: number): Buffer {
  const out = Buffer.alloc(size);
  let v = BigInt.asUintN(size * 8, value);
  for (let i = 0; i < size; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
