/**
 * Field readers for control API bodies: each throws a ControlError naming the field and what it
 * should be. Ids are accepted as decimal strings (the contract) or plain numbers.
 */
import type { PeerRef } from "../model/records.js";
import { ControlError } from "./errors.js";

type Body = Record<string, unknown>;

/** A required non-empty string. */
export function str(b: Body, key: string): string {
  const v = b[key];
  if (typeof v !== "string" || v === "") throw new ControlError(`${key} must be a non-empty string`);
  return v;
}

/** An optional string. */
export function optStr(b: Body, key: string): string | undefined {
  return b[key] === undefined || b[key] === null ? undefined : str(b, key);
}

/** An optional boolean. */
export function optBool(b: Body, key: string): boolean | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw new ControlError(`${key} must be true or false`);
  return v;
}

/** An optional number. */
export function optNumber(b: Body, key: string): number | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new ControlError(`${key} must be a number`);
  return v;
}

/** A required id: a decimal string or a safe integer. */
export function id(b: Body, key: string): number {
  const v = b[key];
  const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n <= 0) {
    throw new ControlError(`${key} must be an id (a decimal string such as "1000001")`);
  }
  return n;
}

/** An optional id. */
export function optId(b: Body, key: string): number | undefined {
  return b[key] === undefined || b[key] === null ? undefined : id(b, key);
}

/** A peer: {type: "user" | "chat" | "channel", id}. */
export function peerRef(b: Body, key: string): PeerRef {
  const v = b[key];
  if (typeof v !== "object" || v === null) throw new ControlError(`${key} must be {type, id}`);
  const p = v as Body;
  if (p.type !== "user" && p.type !== "chat" && p.type !== "channel") {
    throw new ControlError(`${key}.type must be user, chat or channel`);
  }
  return { type: p.type, id: id(p, "id") };
}
