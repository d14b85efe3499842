// Part sizing and stream chunking: any object up to COS's maximum fits in 10,000 parts of whole MiB; a stream
// is cut into exact part-sized chunks whatever its buffer sizes.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ChunkReader } from './chunk-reader';
import { MAX_OBJECT_SIZE, MAX_PARTS, MiB, normalizePrefix, partSizeFor } from './upload-plan';

describe('partSizeFor', () => {
  it('uses the configured size while 10,000 parts suffice', () => {
    expect(partSizeFor(0, 8 * MiB)).toBe(8 * MiB);
    expect(partSizeFor(8 * MiB * MAX_PARTS, 8 * MiB)).toBe(8 * MiB);
  });
  it('grows in whole MiB beyond that, up to the 48.82 TiB maximum', () => {
    const size = 8 * MiB * MAX_PARTS + 1;
    expect(partSizeFor(size, 8 * MiB)).toBe(9 * MiB);
    const max = partSizeFor(MAX_OBJECT_SIZE, 8 * MiB);
    expect(max % MiB).toBe(0);
    expect(Math.ceil(MAX_OBJECT_SIZE / max)).toBeLessThanOrEqual(MAX_PARTS);
  });
});

describe('normalizePrefix', () => {
  it('adds a trailing slash, drops leading ones and turns backslashes into /', () => {
    expect(normalizePrefix(undefined)).toBe('');
    expect(normalizePrefix('a/b')).toBe('a/b/');
    expect(normalizePrefix('/a\\b/')).toBe('a/b/');
  });
});

describe('ChunkReader', () => {
  it('cuts a stream of odd-sized buffers into exact chunks and puts back what it is given', async () => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    const chunks = [];
    for (let i = 0; i < data.length; i += 37) chunks.push(data.subarray(i, i + 37));
    const r = new ChunkReader(Readable.from(chunks));
    const a = await r.read(300);
    expect(a.length).toBe(300);
    r.unshift(a);
    const out = [await r.read(400), await r.read(400), await r.read(400), await r.read(400)];
    expect(out.map((b) => b.length)).toEqual([400, 400, 200, 0]);
    expect(Buffer.concat(out).equals(data)).toBe(true);
  });
});
