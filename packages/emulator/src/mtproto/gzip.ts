/** gzip_packed for large server messages (https://core.telegram.org/mtproto/service_messages#packed-object). */
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { gzipPacked } from "./service-messages.js";

const gzipAsync = promisify(gzip);

/** Serialized objects at least this large are sent gzip_packed when that makes them smaller. */
export const GZIP_THRESHOLD = 4096;

/** gzip_packed(body) if that is smaller than body, else body itself. Compresses off the main thread. */
export async function packLarge(body: Buffer): Promise<Buffer> {
  try {
    const packed = gzipPacked(await gzipAsync(body));
    return packed.length < body.length ? packed : body;
  } catch {
    return body;
  }
}
