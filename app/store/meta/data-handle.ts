// What readers need from stored bytes, whether they are a data file or an inline value from meta.db: positional
// reads, the stored size and a close. A FileHandle is one; BufferHandle serves an inline part from memory.

export interface DataHandle {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

export class BufferHandle implements DataHandle {
  constructor(private readonly bytes: Buffer) {}

  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }> {
    const n = Math.max(0, Math.min(length, this.bytes.length - position));
    if (n > 0) this.bytes.copy(buffer, offset, position, position + n);
    return Promise.resolve({ bytesRead: n });
  }

  stat(): Promise<{ size: number }> {
    return Promise.resolve({ size: this.bytes.length });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
