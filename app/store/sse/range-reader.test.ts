// Round trips through real files: every size class, random push splits, random ranges and every range that
// touches a chunk boundary must yield exactly the plaintext slice; plus argument validation and early exit.

import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDecryptedRange, verifyDataFile } from './range-reader';
import { SSE_CHUNK, SseIntegrityError, newDataFileContext, type DataFileContext } from './sse-data-format';
import { Rng, TEST_SEED, encryptBytes, randomSplits, readRangeFile, withTempDir } from './sse-test-util';

let tmp: Awaited<ReturnType<typeof withTempDir>>;
beforeAll(async () => {
  tmp = await withTempDir('sse-range-');
});
afterAll(() => tmp.cleanup());

const newCtx = (partNumber = 0): DataFileContext =>
  newDataFileContext(randomBytes(32), randomBytes(16), partNumber, 'bucket-1250000000', 'a/b/c.bin');

async function makeFile(rng: Rng, size: number, partNumber = 0) {
  const ctx = newCtx(partNumber);
  const plain = rng.bytes(size);
  const path = await tmp.file('obj', encryptBytes(ctx, plain, randomSplits(rng, size)));
  return { ctx, plain, path };
}

async function expectSlice(path: string, ctx: DataFileContext, plain: Buffer, a: number, b: number) {
  const r = await readRangeFile(path, ctx, plain.length, a, b);
  expect(r.error, `range ${a}-${b} of ${plain.length}`).toBeUndefined();
  expect(r.data.equals(plain.subarray(a, b + 1)), `range ${a}-${b} of ${plain.length}`).toBe(true);
  return r;
}

describe(`readDecryptedRange round trips (seed ${TEST_SEED})`, () => {
  const rng = new Rng(TEST_SEED + 10);
  const sizes = [1, 2, 65535, 65536, 65537, 3 * 65536, 3 * 65536 + 1, ...Array.from({ length: 6 }, () => rng.int(1, 1 << 20))];

  it.each(sizes)('size %i: full read, random ranges, verifyDataFile', async (size) => {
    const { ctx, plain, path } = await makeFile(rng, size, rng.int(0, 3));
    await expectSlice(path, ctx, plain, 0, size - 1);
    for (let i = 0; i < 25; i++) {
      const a = rng.int(0, size - 1);
      await expectSlice(path, ctx, plain, a, rng.int(a, size - 1));
    }
    // Short ranges anywhere (the common HTTP case).
    for (let i = 0; i < 10; i++) {
      const a = rng.int(0, size - 1);
      await expectSlice(path, ctx, plain, a, Math.min(size - 1, a + rng.int(0, 10)));
    }
    const fh = await open(path, 'r');
    try {
      await verifyDataFile(fh, ctx, size);
      // The partSalt from metadata, when given, must match too.
      await verifyDataFile(fh, { ...ctx }, size);
    } finally {
      await fh.close();
    }
  });

  it('every range touching a chunk boundary yields exactly the slice', async () => {
    const size = 3 * SSE_CHUNK + 123;
    const { ctx, plain, path } = await makeFile(rng, size);
    const points = new Set<number>([0, 1, size - 2, size - 1]);
    for (let k = 1; k <= 3; k++) for (const d of [-1, 0, 1]) points.add(k * SSE_CHUNK + d);
    const ps = [...points].filter((p) => p >= 0 && p < size).sort((x, y) => x - y);
    expect(ps.length).toBe(13); // 0, 1, c±1 / c for the 3 boundaries, last two bytes: 91 ranges
    for (const a of ps) {
      for (const b of ps) {
        if (b < a) continue;
        await expectSlice(path, ctx, plain, a, b);
      }
    }
  });

  it('yields one verified buffer per chunk, sliced at the edges', async () => {
    const { ctx, plain, path } = await makeFile(rng, 4 * SSE_CHUNK);
    const r = await expectSlice(path, ctx, plain, SSE_CHUNK - 10, 3 * SSE_CHUNK + 9);
    expect(r.yields.map((y) => y.length)).toEqual([10, SSE_CHUNK, SSE_CHUNK, 10]);
  });

  it('reads files larger than one batch (> 16 chunks) with ranges crossing batch edges', async () => {
    const size = 40 * SSE_CHUNK + 77;
    const { ctx, plain, path } = await makeFile(rng, size);
    await expectSlice(path, ctx, plain, 0, size - 1);
    await expectSlice(path, ctx, plain, 15 * SSE_CHUNK - 1, 16 * SSE_CHUNK);
    await expectSlice(path, ctx, plain, 3 * SSE_CHUNK + 5, 37 * SSE_CHUNK + 5);
  });

  it('an empty object verifies its single final chunk and yields nothing', async () => {
    const ctx = newCtx();
    const path = await tmp.file('empty', encryptBytes(ctx, Buffer.alloc(0)));
    const r = await readRangeFile(path, ctx, 0, 0, -1);
    expect(r.error).toBeUndefined();
    expect(r.yields).toEqual([]);
    const fh = await open(path, 'r');
    await verifyDataFile(fh, ctx, 0);
    await fh.close();
    // …and a damaged empty file is caught even though nothing would be yielded.
    const bad = encryptBytes(ctx, Buffer.alloc(0));
    bad[60] ^= 0x80;
    const badPath = await tmp.file('empty-bad', bad);
    expect((await readRangeFile(badPath, ctx, 0, 0, -1)).error).toBeInstanceOf(SseIntegrityError);
  });
});

describe('readDecryptedRange argument validation and lifecycle', () => {
  it('rejects invalid ranges with RangeError before touching the file', async () => {
    const ctx = newCtx();
    const path = await tmp.file('v', encryptBytes(ctx, randomBytes(100)));
    for (const [a, b] of [[-1, 5], [5, 4], [0, 100], [100, 100], [0.5, 3], [0, NaN]] as const) {
      expect((await readRangeFile(path, ctx, 100, a, b)).error, `${a}-${b}`).toBeInstanceOf(RangeError);
    }
    expect((await readRangeFile(path, ctx, 0, 0, 0)).error).toBeInstanceOf(RangeError);
  });

  it('wrong expectations fail before anything is yielded', async () => {
    const ctx = newCtx(3);
    const plain = randomBytes(70_000);
    const path = await tmp.file('e', encryptBytes(ctx, plain));
    const wrong: Array<[Partial<DataFileContext>, RegExp]> = [
      [{ objectId: randomBytes(16) }, /objectId/],
      [{ partNumber: 4 }, /part 3, expected part 4/],
      [{ partSalt: randomBytes(16) }, /partSalt/],
      [{ oek: randomBytes(32) }, /chunk 0 of 2 failed authentication/],
      [{ bucket: 'other' }, /chunk 0 of 2 failed authentication/],
      [{ key: 'a/b/c.bin ' }, /chunk 0 of 2 failed authentication/],
    ];
    for (const [patch, msg] of wrong) {
      const r = await readRangeFile(path, { ...ctx, ...patch }, plain.length, 0, plain.length - 1);
      expect(r.error).toBeInstanceOf(SseIntegrityError);
      expect((r.error as Error).message).toMatch(msg);
      expect(r.yields).toEqual([]);
    }
    const r = await readRangeFile(path, ctx, plain.length + 1, 0, 10);
    expect((r.error as Error).message).toMatch(/is 70080 bytes, expected 70081/);
  });

  it('stopping early releases the handle cleanly (no dangling prefetch)', async () => {
    const ctx = newCtx();
    const plain = randomBytes(40 * SSE_CHUNK);
    const path = await tmp.file('early', encryptBytes(ctx, plain));
    const fh = await open(path, 'r');
    let n = 0;
    for await (const b of readDecryptedRange(fh, ctx, plain.length, 0, plain.length - 1)) {
      expect(b.equals(plain.subarray(0, SSE_CHUNK))).toBe(true);
      if (++n === 1) break;
    }
    await fh.close();
    expect(n).toBe(1);
  });

  it('error messages name the object but never carry key material', async () => {
    const ctx = newCtx();
    const path = await tmp.file('m', encryptBytes(ctx, randomBytes(10)));
    const r = await readRangeFile(path, { ...ctx, key: 'other' }, 10, 0, 9);
    const msg = (r.error as Error).message;
    expect(msg).toContain('bucket-1250000000/other');
    for (const enc of ['hex', 'base64'] as const) expect(msg).not.toContain(ctx.oek.toString(enc).slice(0, 12));
  });
});
