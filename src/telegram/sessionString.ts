/**
 * Session strings of the two clients people bring them from, read and written without GramJS. Both are
 * "1" and then base64 of the DC id (1 byte), the server address, the port (2 bytes, big-endian) and the
 * 256-byte auth key:
 * - GramJS's StringSession: standard base64; the address as a 2-byte length and its text (older GramJS:
 *   16 raw IPv6 bytes, told apart by a "length" over 100).
 * - Telethon's StringSession: URL-safe base64 (`-` and `_`); the address as its packed IP, 4 bytes for
 *   IPv4 or 16 for IPv6 (Telethon's sessions/string.py packs '>B{4|16}sH256s').
 * Pure: no I/O, nothing logged (a session string is a secret).
 */
import { isIP } from "node:net";

/** Which client's layout a session string has. */
export type SessionFormat = "gramjs" | "telethon";

/** The contents of a session string. */
export interface SessionData {
  readonly format: SessionFormat;
  readonly dcId: number;
  /** IPv4 or IPv6 address, or (GramJS only) a host name. */
  readonly address: string;
  readonly port: number;
  /** 256 bytes. */
  readonly authKey: Buffer;
}

const VERSION = "1";
const KEY_BYTES = 256;

/** Reads a GramJS or Telethon session string; undefined when it is neither. */
export function parseSessionString(text: string): SessionData | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith(VERSION)) return undefined;
  const body = trimmed.slice(1);
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return readGramjs(Buffer.from(body, "base64")) ?? readTelethon(Buffer.from(body, "base64"), "gramjs");
  if (/^[A-Za-z0-9_-]+={0,2}$/.test(body)) return readTelethon(Buffer.from(body, "base64url"), "telethon");
  return undefined;
}

/** GramJS's layout with a length-prefixed address (or 16 raw IPv6 bytes). */
function readGramjs(bytes: Buffer): SessionData | undefined {
  if (bytes.length < 3 + 2 + KEY_BYTES) return undefined;
  const dcId = bytes[0];
  const addressLength = bytes.readInt16BE(1);
  if (addressLength > 100) return bytes.length === 1 + 16 + 2 + KEY_BYTES ? withKey("gramjs", dcId, ipv6(bytes.subarray(1, 17)), bytes, 17) : undefined;
  if (addressLength <= 0 || bytes.length !== 1 + 2 + addressLength + 2 + KEY_BYTES) return undefined;
  const address = bytes.subarray(3, 3 + addressLength).toString("utf8");
  if (!/^[A-Za-z0-9.:-]+$/.test(address)) return undefined;
  return withKey("gramjs", dcId, address, bytes, 3 + addressLength);
}

/** Telethon's layout: a packed IPv4 or IPv6 address. Standard base64 with 4 IP bytes is read too (GramJS reads it). */
function readTelethon(bytes: Buffer, format: SessionFormat): SessionData | undefined {
  if (bytes.length === 1 + 4 + 2 + KEY_BYTES) return withKey(format, bytes[0], [...bytes.subarray(1, 5)].join("."), bytes, 5);
  if (bytes.length === 1 + 16 + 2 + KEY_BYTES) return withKey(format, bytes[0], ipv6(bytes.subarray(1, 17)), bytes, 17);
  return undefined;
}

function withKey(format: SessionFormat, dcId: number, address: string, bytes: Buffer, portAt: number): SessionData | undefined {
  const port = bytes.readUInt16BE(portAt);
  if (dcId === 0 || port === 0) return undefined;
  return { format, dcId, address, port, authKey: Buffer.from(bytes.subarray(portAt + 2)) };
}

function ipv6(bytes: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return groups.join(":");
}

/**
 * The session as GramJS's StringSession writes it (length-prefixed address, standard base64). GramJS reads
 * the port as a signed 16-bit number: a port above 32767 cannot be written for it.
 */
export function toGramjsString(session: SessionData): string {
  if (session.port > 32_767) throw new Error(`GramJS cannot store port ${session.port} (it reads ports as signed 16-bit numbers)`);
  const address = Buffer.from(session.address, "utf8");
  const head = Buffer.alloc(3);
  head[0] = session.dcId;
  head.writeInt16BE(address.length, 1);
  const port = Buffer.alloc(2);
  port.writeInt16BE(session.port, 0);
  return VERSION + Buffer.concat([head, address, port, session.authKey]).toString("base64");
}

/** The session as Telethon's StringSession writes it; its address must be an IP (Telethon stores no host names). */
export function toTelethonString(session: SessionData): string {
  const family = isIP(session.address);
  if (family === 0) throw new Error(`Telethon session strings hold an IP address, not the host name ${session.address}`);
  const ip = family === 4 ? Buffer.from(session.address.split(".").map(Number)) : packIpv6(session.address);
  const port = Buffer.alloc(2);
  port.writeUInt16BE(session.port, 0);
  return VERSION + Buffer.concat([Buffer.from([session.dcId]), ip, port, session.authKey]).toString("base64url") + base64Padding(1 + ip.length + 2 + KEY_BYTES);
}

/** Telethon writes urlsafe_b64encode's "=" padding; Node's base64url leaves it out. */
function base64Padding(byteLength: number): string {
  return "=".repeat((3 - (byteLength % 3)) % 3);
}

function packIpv6(address: string): Buffer {
  const [head, tail = ""] = address.split("::");
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = tail === "" ? [] : tail.split(":");
  const groups = address.includes("::") ? [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups] : headGroups;
  const bytes = Buffer.alloc(16);
  for (const [i, group] of groups.entries()) bytes.writeUInt16BE(Number.parseInt(group, 16), i * 2);
  return bytes;
}
