// Reads a stream in chunks of an exact size (the last one shorter), holding at most one chunk plus one stream
// buffer in memory: how stream uploads get bounded-memory parts.
import type { Readable } from 'node:stream';

export class ChunkReader {
  private readonly it: AsyncIterator<unknown>;
  private leftover: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(stream: Readable) {
    this.it = stream[Symbol.asyncIterator]();
  }

  /** Up to `size` bytes; fewer only when the stream ended, an empty Buffer after the end. */
  async read(size: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let have = 0;
    if (this.leftover.length > 0) {
      const take = this.leftover.subarray(0, size);
      parts.push(take);
      have = take.length;
      this.leftover = this.leftover.subarray(take.length);
    }
    while (have < size && !this.ended) {
      const next = await this.it.next();
      if (next.done) {
        this.ended = true;
        break;
      }
      const v = next.value;
      const chunk = Buffer.isBuffer(v) ? v : typeof v === 'string' ? Buffer.from(v) : Buffer.from(v as Uint8Array);
      const room = size - have;
      parts.push(chunk.subarray(0, room));
      have += Math.min(room, chunk.length);
      if (chunk.length > room) this.leftover = chunk.subarray(room);
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, have);
  }

  /** Puts bytes back in front of the stream (the probe read that decided single PUT vs multipart). */
  unshift(data: Buffer): void {
    this.leftover = this.leftover.length ? Buffer.concat([data, this.leftover]) : data;
  }
}
