// Request bodies the client can send, and whether they can be sent again. A Buffer or a file range can be
// re-read for a retry; a caller's stream is consumed by the first attempt, so a request carrying one is
// never repeated (replaying half a stream would store a corrupt object).
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

export type BodySource =
  | { kind: 'buffer'; data: Buffer }
  /** Bytes `start`..`end` inclusive of a file (the whole file when omitted). */
  | { kind: 'file'; path: string; start: number; end: number }
  | { kind: 'stream'; stream: Readable; length?: number };

/** What callers pass: a Buffer, a file (range), or a one-shot stream with an optional known length. */
export type BodyInput = Buffer | Uint8Array | string | { path: string; start?: number; end?: number; size: number } | { stream: Readable; length?: number };

export function toBodySource(input: BodyInput): BodySource {
  if (typeof input === 'string') return { kind: 'buffer', data: Buffer.from(input, 'utf8') };
  if (input instanceof Uint8Array) return { kind: 'buffer', data: Buffer.isBuffer(input) ? input : Buffer.from(input) };
  if ('path' in input) {
    const start = input.start ?? 0;
    const end = input.end ?? input.size - 1;
    if (start < 0 || end < start - 1) throw new RangeError(`bad file range ${start}-${end}`);
    return { kind: 'file', path: input.path, start, end };
  }
  return { kind: 'stream', stream: input.stream, length: input.length };
}

export function bodyLength(src: BodySource | undefined): number | undefined {
  if (!src) return 0;
  switch (src.kind) {
    case 'buffer':
      return src.data.length;
    case 'file':
      return src.end - src.start + 1;
    case 'stream':
      return src.length;
  }
}

export function isReplayable(src: BodySource | undefined): boolean {
  return src === undefined || src.kind !== 'stream';
}

/** A fresh body for one attempt. */
export function openBody(src: BodySource | undefined): Buffer | Readable | undefined {
  if (!src) return undefined;
  switch (src.kind) {
    case 'buffer':
      return src.data;
    case 'file':
      // An empty range would make createReadStream read the whole file (end < start is treated as unset).
      return src.end < src.start ? Buffer.alloc(0) : createReadStream(src.path, { start: src.start, end: src.end });
    case 'stream':
      return src.stream;
  }
}
