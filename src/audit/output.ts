/**
 * Where reports go: buffered writes to a stream that respect backpressure, and files that appear
 * only once complete (written to a temporary file beside the target, then renamed).
 */
import { once } from "node:events";
import { createWriteStream, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";

const BUFFER_BYTES = 64 * 1024;

/** Text written in chunks of about 64 KiB, waiting for the stream to drain when it asks to. */
export class TextOutput {
  private buffer: string[] = [];
  private size = 0;

  /** Wraps a writable stream (stdout, a file). */
  constructor(private readonly stream: NodeJS.WritableStream) {}

  /** Queues text; resolves at once unless the buffer was flushed into a full stream. */
  async write(text: string): Promise<void> {
    this.buffer.push(text);
    this.size += text.length;
    if (this.size >= BUFFER_BYTES) await this.flush();
  }

  /** Hands everything queued to the stream, waiting for it to drain if needed. */
  async flush(): Promise<void> {
    if (this.size === 0) return;
    const chunk = this.buffer.join("");
    this.buffer = [];
    this.size = 0;
    if (!this.stream.write(chunk)) await once(this.stream, "drain");
  }
}

/** A file written under a temporary name and renamed into place by commit(), or removed by abort(). */
export class AtomicFile {
  readonly output: TextOutput;
  private readonly stream;
  private readonly temp: string;

  private constructor(readonly path: string) {
    this.temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    this.stream = createWriteStream(this.temp, { mode: 0o600 });
    this.output = new TextOutput(this.stream);
  }

  /** Opens the temporary file beside `path` (mode 0600: audits name people); rejects when it cannot be created. */
  static async open(path: string): Promise<AtomicFile> {
    const file = new AtomicFile(path);
    await once(file.stream, "open");
    return file;
  }

  /** Flushes, closes and renames the file into place. */
  async commit(): Promise<void> {
    await this.output.flush();
    this.stream.end();
    await once(this.stream, "close");
    renameSync(this.temp, this.path);
  }

  /** Closes and deletes the temporary file; the target is left as it was. */
  async abort(): Promise<void> {
    this.stream.end();
    await once(this.stream, "close").catch(() => undefined);
    rmSync(this.temp, { force: true });
  }
}
