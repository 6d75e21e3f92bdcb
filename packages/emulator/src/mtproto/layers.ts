/**
 * Which layer each client is answered in. The layer comes from invokeWithLayer and is kept for the
 * session and for its auth key: "the present layer will be saved with all other parameters of the
 * client and any future requests will be using this saved value", saved "in conjunction with an
 * authorization key" (core.telegram.org/api/invoking#layers). A request is parsed in the layer it
 * announces itself, or else in the one saved.
 */
import { schemaForLayer, type TlSchema } from "../tl/schema.js";
import type { AuthKeyRecord } from "./auth-keys.js";
import { GZIP_THRESHOLD, packLarge } from "./gzip.js";

const INVOKE_WITH_LAYER = 0xda9b0d0d;
const INVOKE_AFTER_MSG = 0xcb9f372d;
const INVOKE_WITHOUT_UPDATES = 0xbf9459b7;

/** The layer a session (or, before its first invokeWithLayer, its auth key) was saved with; 0 if none. */
export function savedLayer(session: { layer: number; authKey: AuthKeyRecord }): number {
  return session.layer || session.authKey.layer || 0;
}

/** Keeps the layer a call announced for its session and auth key. */
export function saveLayer(session: { layer: number; authKey: AuthKeyRecord }, layer: number): void {
  session.layer = layer;
  session.authKey.layer = layer;
}

/** The schema a session's answers and pushes are written in. */
export function schemaOfSession(session: { layer: number; authKey: AuthKeyRecord }): TlSchema {
  return schemaForLayer(savedLayer(session));
}

/**
 * The layer an RPC body announces through invokeWithLayer at its top, possibly under
 * invokeAfterMsg / invokeWithoutUpdates; undefined if it does not.
 */
export function announcedLayer(body: Buffer): number | undefined {
  let at = 0;
  while (body.length >= at + 8) {
    const id = body.readUInt32LE(at);
    if (id === INVOKE_WITH_LAYER) return body.readInt32LE(at + 4);
    if (id === INVOKE_AFTER_MSG) at += 12;
    else if (id === INVOKE_WITHOUT_UPDATES) at += 4;
    else return undefined;
  }
  return undefined;
}

/** One update pushed to several sessions: serialized (and gzipped) once per layer. */
export class LayeredBody {
  private readonly bodies = new Map<TlSchema, { body: Buffer; packed?: Promise<Buffer> }>();

  constructor(private readonly serialize: (schema: TlSchema) => Buffer) {}

  /** The body for a session: plain when small, else a promise of its gzip_packed form. */
  for(session: { layer: number; authKey: AuthKeyRecord }): Buffer | Promise<Buffer> {
    const entry = this.entryFor(session);
    if (entry.body.length < GZIP_THRESHOLD) return entry.body;
    entry.packed ??= packLarge(entry.body);
    return entry.packed;
  }

  /** The plain body for a session, never packed (what a session without a connection keeps). */
  plain(session: { layer: number; authKey: AuthKeyRecord }): Buffer {
    return this.entryFor(session).body;
  }

  private entryFor(session: { layer: number; authKey: AuthKeyRecord }): { body: Buffer; packed?: Promise<Buffer> } {
    const schema = schemaOfSession(session);
    let entry = this.bodies.get(schema);
    if (!entry) {
      entry = { body: this.serialize(schema) };
      this.bodies.set(schema, entry);
    }
    return entry;
  }
}
