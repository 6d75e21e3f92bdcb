/** A FIFO of received bytes kept as chunks, so large packets are copied once, when complete. */
export class ByteQueue {
  private chunks: Buffer[] = [];
  /** Index of the first live chunk (consumed chunks are dropped in batches, not shifted one by one). */
  private first = 0;
  /** Bytes already consumed from chunks[first]. */
  private head = 0;
  /** Bytes queued. */
  length = 0;

  /** Appends a chunk (kept by reference). */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The byte at `index` from the front; the caller ensures index < length. */
  byteAt(index: number): number {
    let i = index + this.head;
    for (let c = this.first; c < this.chunks.length; c++) {
      const chunk = this.chunks[c];
      if (i < chunk.length) return chunk[i];
      i -= chunk.length;
    }
    throw new RangeError("ByteQueue index out of range");
  }

  /** The first `n` bytes without consuming them; the caller ensures n <= length. */
  peek(n: number): Buffer {
    const firstChunk = this.chunks[this.first];
    if (firstChunk && firstChunk.length - this.head >= n) return firstChunk.subarray(this.head, this.head + n);
    const out = Buffer.allocUnsafe(n);
    let written = 0;
    let offset = this.head;
    for (let c = this.first; written < n; c++) {
      const chunk = this.chunks[c];
      const take = Math.min(chunk.length - offset, n - written);
      chunk.copy(out, written, offset, offset + take);
      written += take;
      offset = 0;
    }
    return out;
  }

  /** Removes and returns the first `n` bytes; the caller ensures n <= length. */
  take(n: number): Buffer {
    const out = this.peek(n);
    this.skip(n);
    return out;
  }

  /** Drops the first `n` bytes. */
  skip(n: number): void {
    this.length -= n;
    let left = n;
    while (left > 0) {
      const available = this.chunks[this.first].length - this.head;
      if (available > left) {
        this.head += left;
        break;
      }
      left -= available;
      this.first++;
      this.head = 0;
    }
    if (this.first === this.chunks.length) {
      this.chunks = [];
      this.first = 0;
    } else if (this.first > 64 && this.first * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.first);
      this.first = 0;
    }
  }

  /** Removes and returns everything queued. */
  drain(): Buffer {
    return this.take(this.length);
  }
}
