/**
 * The API layers the emulator serves, each as a table of constructor layouts keyed by GramJS's
 * (layer 198) constructor id: the model builds GramJS objects once, and each is written in the layout
 * of the client's layer. Layer 198 is GramJS's own schema; another layer is read from its TL text in
 * schemas/ (227 from mtcute's, see scripts/tl-schema-from-mtcute.ts; 144 from Telethon 1.25's classes and
 * GramJS releases of layers 145 and 143, see scripts/tl-schema-144.ts), and its constructors are matched
 * to GramJS's by name.
 *
 * A layer is the client's choice: "invokeWithLayer … the present layer will be saved with all other
 * parameters of the client and any future requests will be using this saved value", and those
 * parameters are saved "in conjunction with an authorization key" (core.telegram.org/api/invoking#layers).
 */
import { readFileSync } from "node:fs";
import apiTl from "telegram/tl/apiTl.js";
import { parseTl } from "telegram/tl/generationHelpers.js";
import schemaTl from "telegram/tl/schemaTl.js";

/** GramJS's description of one argument of a TL definition. */
export interface ArgConfig {
  isVector: boolean;
  isFlag: boolean;
  flagName: string | null;
  flagIndex: number;
  flagIndicator: boolean;
  type: string | null;
  useVectorId: boolean | null;
  skipConstructorId?: boolean;
}

/** One field of a constructor's layout. */
export interface Field {
  name: string;
  arg: ArgConfig;
  /** For a flags field: the fields whose presence sets its bits. */
  flagged?: Field[];
  /** A bare (lower-case) object type: written without its constructor id. */
  bare: boolean;
  /**
   * Only in layers other than GramJS's: turns the value a GramJS object holds (or lacks) into what
   * this layer's field takes, when the field is new, no longer optional, or of another type.
   */
  adapt?: (value: unknown) => unknown;
}

/** How one constructor is written in a layer. */
export interface Layout {
  /** The constructor id on the wire in this layer. */
  id: number;
  /** GramJS's class name: `User`, `messages.SendMessage`. */
  className: string;
  isFunction: boolean;
  fields: Field[];
}

/** One API layer: how GramJS objects are written in it, and how its constructors are read. */
export interface TlSchema {
  readonly layer: number;
  /** Layouts by GramJS's constructor id; a constructor this layer lacks is absent. */
  readonly byGramjsId: ReadonlyMap<number, Layout>;
  /** Layouts by this layer's wire id (requests and constructors a client sends). */
  readonly byWireId: ReadonlyMap<number, Layout>;
  /** A value for a required field a GramJS object cannot fill: the type's simplest constructor. */
  defaultOf(type: string): unknown;
}

interface Definition {
  name: string;
  namespace?: string;
  constructorId: number;
  isFunction: boolean;
  result: string;
  argsConfig: Record<string, ArgConfig>;
}

/** 109 is the layer argument GramJS itself parses its schema with; parseTl ignores it. */
function definitions(text: string): Definition[] {
  return [...parseTl(text, "109")] as Definition[];
}

function classNameOf(def: Definition): string {
  return def.namespace ? `${def.namespace}.${def.name}` : def.name;
}

function layoutOf(def: Definition, id: number): Layout {
  const fields: Field[] = Object.entries(def.argsConfig).map(([name, arg]) => {
    const type = arg.type ?? "";
    const tail = type.charAt(type.indexOf(".") + 1);
    return { name, arg, bare: !arg.isVector && tail !== "" && tail !== tail.toUpperCase() };
  });
  for (const field of fields) {
    if (field.arg.flagIndicator) field.flagged = fields.filter((f) => f.arg.isFlag && f.arg.flagName === field.name);
  }
  return { id, className: classNameOf(def), isFunction: def.isFunction, fields };
}

const gramjsDefinitions: Definition[] = [...definitions(apiTl as unknown as string), ...definitions(schemaTl as unknown as string)];

function gramjsSchema(): TlSchema {
  const byId = new Map<number, Layout>();
  for (const def of gramjsDefinitions) byId.set(def.constructorId >>> 0, layoutOf(def, def.constructorId >>> 0));
  return { layer: 198, byGramjsId: byId, byWireId: byId, defaultOf: () => undefined };
}

/** GramJS's own layer: the layouts the fast serializer has always used. */
export const GRAMJS_LAYER = 198;
export const GRAMJS_SCHEMA: TlSchema = gramjsSchema();

/** A Telegram primitive's zero value, as GramJS holds it. */
const ZERO: Record<string, unknown> = { int: 0, long: 0n, double: 0, string: "", bytes: Buffer.alloc(0), Bool: false, date: 0 };

/** Builds the schema of another layer from its TL text, matched to GramJS's by class name. */
export function schemaFromTl(layer: number, text: string): TlSchema {
  const own = definitions(text);
  const gramjsByName = new Map(gramjsDefinitions.map((d) => [classNameOf(d), d]));
  const byWireId = new Map<number, Layout>();
  const byGramjsId = new Map<number, Layout>();
  const byType = new Map<string, Definition[]>();
  for (const def of own) {
    if (def.isFunction) continue;
    const list = byType.get(def.result) ?? [];
    list.push(def);
    byType.set(def.result, list);
  }
  const defaults = new Map<string, unknown>();
  const schema: TlSchema = {
    layer,
    byGramjsId,
    byWireId,
    defaultOf(type) {
      if (type in ZERO) return ZERO[type];
      if (defaults.has(type)) return defaults.get(type);
      // The simplest constructor of the type: one whose fields are all optional.
      const simplest = (byType.get(type) ?? []).find((d) => Object.values(d.argsConfig).every((a) => a.isFlag || a.flagIndicator));
      const value = simplest ? new EmptyObject(simplest.constructorId >>> 0) : undefined;
      defaults.set(type, value);
      return value;
    },
  };
  for (const def of own) {
    const id = def.constructorId >>> 0;
    const layout = layoutOf(def, id);
    byWireId.set(id, layout);
    const gramjs = gramjsByName.get(layout.className);
    if (!gramjs) continue;
    for (const field of layout.fields) field.adapt = adapterFor(field, gramjs.argsConfig[field.name], schema);
    byGramjsId.set(gramjs.constructorId >>> 0, layout);
  }
  return schema;
}

/** The object a required field of an object type gets when GramJS's class has no such field. */
class EmptyObject {
  constructor(readonly CONSTRUCTOR_ID: number) {}
  /** Written by its wire id with every flags field zero (see serialize.ts). */
  readonly emptyInLayer = true;
  getBytes(): Buffer {
    throw new TypeError("an empty placeholder is written by the layer's serializer only");
  }
}

/** Whether a value is a placeholder for a required field (see EmptyObject). */
export function isEmptyPlaceholder(v: unknown): boolean {
  return v instanceof EmptyObject;
}

function adapterFor(field: Field, gramjs: ArgConfig | undefined, schema: TlSchema): Field["adapt"] {
  const { arg } = field;
  if (arg.flagIndicator || arg.type === "true") return undefined;
  const same = gramjs && gramjs.type === arg.type && gramjs.isVector === arg.isVector && !(gramjs.isFlag && !arg.isFlag);
  if (same) return undefined;
  const type = arg.type ?? "";
  if (arg.isFlag) {
    // Optional here: keep a value of the same type, drop one of another (it would not serialize).
    if (gramjs && gramjs.type === arg.type && gramjs.isVector === arg.isVector) return undefined;
    if (gramjs && (type === "long" || type === "int") && (gramjs.type === "int" || gramjs.type === "long") && !arg.isVector) return undefined;
    return () => undefined;
  }
  // Required here.
  if (arg.isVector) return (v) => (Array.isArray(v) && gramjs?.type === arg.type ? v : []);
  return (v) => {
    if (v !== undefined && v !== null && gramjs && gramjs.type === arg.type) return v;
    if (v !== undefined && v !== null && (type === "long" || type === "int") && (gramjs?.type === "int" || gramjs?.type === "long")) return v;
    return schema.defaultOf(type);
  };
}

const loaded = new Map<number, TlSchema>([[GRAMJS_LAYER, GRAMJS_SCHEMA]]);

/** Layers with a schema file under schemas/, besides GramJS's. */
const SCHEMA_FILES: Record<number, string> = { 144: "api-144.tl", 227: "api-227.tl" };

/** The layers served, lowest first. */
export const SERVED_LAYERS: readonly number[] = [GRAMJS_LAYER, ...Object.keys(SCHEMA_FILES).map(Number)].sort((a, b) => a - b);

/**
 * The layer a client that announced `layer` is answered in: GramJS's if it announced none (0), else
 * the highest served layer not above it, or the lowest served for a client older than all of them.
 */
export function servedLayerFor(layer: number): number {
  if (layer <= 0) return GRAMJS_LAYER;
  let chosen = SERVED_LAYERS[0];
  for (const served of SERVED_LAYERS) if (served <= layer) chosen = served;
  return chosen;
}

/** The schema a client that announced `layer` is answered in (see servedLayerFor). */
export function schemaForLayer(layer: number): TlSchema {
  const chosen = servedLayerFor(layer);
  const cached = loaded.get(chosen);
  if (cached) return cached;
  const text = readFileSync(new URL(`./schemas/${SCHEMA_FILES[chosen]}`, import.meta.url), "utf8");
  const schema = schemaFromTl(chosen, text);
  loaded.set(chosen, schema);
  return schema;
}
