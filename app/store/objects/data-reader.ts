// Reads a byte range of a stored object across its data files, decrypting only the chunks the range needs.
// Encrypted plaintext is released only after its chunk authenticated (range-reader.ts guarantees that).
import { open } from 'node:fs/promises';
import { BufferHandle, type DataHandle } from '../meta/data-handle';
import type { DataFiles } from '../meta/data-files';
import type { MetadataDb, ObjectRecord } from '../meta/metadata-db';
import { readDecryptedRange } from '../sse/range-reader';

const PLAIN_BLOCK = 1024 * 1024;

export interface ReadKeyInfo {
  oek: Buffer;
  objectId: Buffer;
}

/**
 * Opens every data file the range touches up front (and copies inline parts out of meta.db), so a concurrent
 * overwrite cannot pull one away mid-read.
 */
export async function openDataFiles(
  store: { files: DataFiles; meta: Pick<MetadataDb, 'getInline'> },
  rec: ObjectRecord,
  start: number,
  end: number,
): Promise<Map<string, DataHandle>> {
  const handles = new Map<string, DataHandle>();
  let offset = 0;
  try {
    for (const part of rec.parts) {
      const pStart = offset;
      const pEnd = offset + part.size - 1;
      offset += part.size;
      const touches = part.size === 0 ? rec.parts.length === 1 : pEnd >= start && pStart <= end;
      if (!touches) continue;
      if (part.inline) {
        const bytes = store.meta.getInline(part.dataId);
        if (!bytes) throw new Error(`the inline data of part ${part.partNumber} is missing from the metadata database`);
        handles.set(part.dataId, new BufferHandle(bytes));
      } else {
        handles.set(part.dataId, await open(store.files.pathOf(part.dataId), 'r'));
      }
    }
  } catch (err) {
    for (const fh of handles.values()) await fh.close().catch(() => undefined);
    throw err;
  }
  return handles;
}

/** Yields the plaintext of [start, end] (inclusive; end < start means an empty object). Closes the handles. */
export async function* readObjectRange(
  rec: ObjectRecord,
  handles: Map<string, DataHandle>,
  key: ReadKeyInfo | null,
  start: number,
  end: number,
): AsyncGenerator<Buffer> {
  try {
    if (rec.size === 0) {
      const only = rec.parts[0];
      const fh = only ? handles.get(only.dataId) : undefined;
      if (key && fh && only) {
        // Still authenticate the empty file (its single final chunk) before answering.
        yield* readDecryptedRange(fh, expectFor(rec, only, key), 0, 0, -1);
      }
      return;
    }
    let offset = 0;
    for (const part of rec.parts) {
      const pStart = offset;
      offset += part.size;
      const pEnd = offset - 1;
      if (pEnd < start || pStart > end || part.size === 0) continue;
      const fh = handles.get(part.dataId);
      if (!fh) throw new Error(`data file of part ${part.partNumber} was not opened`);
      const s = Math.max(start, pStart) - pStart;
      const e = Math.min(end, pEnd) - pStart;
      if (key) {
        yield* readDecryptedRange(fh, expectFor(rec, part, key), part.size, s, e);
      } else {
        let pos = s;
        while (pos <= e) {
          const len = Math.min(PLAIN_BLOCK, e - pos + 1);
          const buf = Buffer.allocUnsafe(len);
          const { bytesRead } = await fh.read(buf, 0, len, pos);
          if (bytesRead === 0) throw new Error(`data file of part ${part.partNumber} is shorter than its recorded size`);
          yield bytesRead === len ? buf : buf.subarray(0, bytesRead);
          pos += bytesRead;
        }
      }
    }
  } finally {
    for (const fh of handles.values()) await fh.close().catch(() => undefined);
  }
}

function expectFor(rec: ObjectRecord, part: ObjectRecord['parts'][number], key: ReadKeyInfo) {
  return {
    oek: key.oek,
    objectId: key.objectId,
    partNumber: part.partNumber,
    partSalt: part.partSalt ? Buffer.from(part.partSalt, 'hex') : undefined,
    bucket: rec.bucket,
    key: rec.key,
  };
}
