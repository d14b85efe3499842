// fsck: reads every object back in full — decrypting and authenticating encrypted data, re-computing CRC64 (and
// MD5 for single-part plain and SSE-COS objects) — and reports each object it cannot vouch for, and the data files
// nothing refers to (space a failed metadata sync or an unswept crash left behind), which it can remove.
import { createHash } from 'node:crypto';
import { Crc64, crc64Combine } from '../../cos/crc64';
import type { ObjectRecord } from '../meta/metadata-db';
import { openDataFiles, readObjectRange } from '../objects/data-reader';
import { openObjectKey } from '../objects/object-encryption';
import type { SseRecord } from '../objects/sse-request';
import type { Store } from '../store';

export interface FsckProblem {
  bucket: string;
  key: string;
  problem: string;
}

export interface FsckReport {
  checked: number;
  encrypted: number;
  skipped: Array<{ bucket: string; key: string; reason: string }>;
  problems: FsckProblem[];
  /** Data files no object or upload refers to: wasted space, not damage (removed with `removeUnreferenced`). */
  unreferenced: { files: number; bytes: number; removed: boolean };
}

export interface FsckOptions {
  onProgress?: (checked: number) => void;
  /** Delete the unreferenced data files found (the store must not be serving: see DataFiles.unreferenced). */
  removeUnreferenced?: boolean;
}

async function checkObject(store: Store, rec: ObjectRecord): Promise<string | null> {
  const sse = rec.sse as SseRecord | null;
  let key: { oek: Buffer; objectId: Buffer } | null = null;
  if (sse) {
    try {
      key = { oek: openObjectKey(sse, store.wrapContext(rec), store.keys, null), objectId: Buffer.from(sse.objectId, 'base64') };
    } catch (err) {
      return `object key cannot be unwrapped: ${(err as Error).message}`;
    }
  }
  try {
    const handles = await openDataFiles(store, rec, 0, rec.size - 1);
    const crc = new Crc64();
    const md5 = createHash('md5');
    let size = 0;
    for await (const buf of readObjectRange(rec, handles, key, 0, rec.size - 1)) {
      crc.update(buf);
      md5.update(buf);
      size += buf.length;
    }
    if (size !== rec.size) return `read ${size} bytes, metadata says ${rec.size}`;
    if (rec.crc64 !== null && crc.toDecimal() !== rec.crc64) return `CRC64 ${crc.toDecimal()} does not match the recorded ${rec.crc64}`;
    const single = rec.parts.length === 1 && rec.parts[0]!.partNumber === 0;
    if (single && (!sse || sse.mode === 'AES256') && md5.digest('hex') !== rec.etag) return 'MD5 does not match the ETag';
    // Part CRCs must combine to the whole-object CRC (catches a swapped part file in a plain object).
    if (rec.parts.length > 1 && rec.crc64 !== null && rec.parts.every((p) => p.crc64 !== null)) {
      let combined = 0n;
      for (const p of rec.parts) combined = crc64Combine(combined, BigInt(p.crc64!), p.size);
      if (combined.toString() !== rec.crc64) return 'part CRC64s do not combine to the object CRC64';
    }
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    key?.oek.fill(0);
  }
}

export async function fsck(store: Store, opts: FsckOptions = {}): Promise<FsckReport> {
  const { onProgress } = opts;
  const report: FsckReport = { checked: 0, encrypted: 0, skipped: [], problems: [], unreferenced: { files: 0, bytes: 0, removed: false } };
  let after: { bucket: string; key: string } | null = null;
  for (;;) {
    const batch = store.meta.iterateObjects(after, 200);
    if (batch.length === 0) break;
    for (const rec of batch) {
      const sse = rec.sse as SseRecord | null;
      if (sse?.mode === 'SSE-C') {
        // The store never holds a customer's key: it can check the file framing only when the key is supplied.
        report.skipped.push({ bucket: rec.bucket, key: rec.key, reason: 'SSE-C: the customer key is not held by the store' });
        continue;
      }
      report.checked++;
      if (sse) report.encrypted++;
      const problem = await checkObject(store, rec);
      if (problem) report.problems.push({ bucket: rec.bucket, key: rec.key, problem });
      onProgress?.(report.checked);
    }
    const last = batch[batch.length - 1]!;
    after = { bucket: last.bucket, key: last.key };
  }
  const stray = await store.files.unreferenced((id) => store.meta.isDataReferenced(id));
  report.unreferenced = { files: stray.length, bytes: stray.reduce((n, f) => n + f.size, 0), removed: false };
  if (opts.removeUnreferenced && stray.length > 0) {
    for (const f of stray) await store.files.remove(f.id);
    report.unreferenced.removed = true;
  }
  return report;
}
