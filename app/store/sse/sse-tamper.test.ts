// Tampering with real encrypted files, always read with the object's *real* metadata context: truncation,
// extension, reordering, transplants between objects/keys/parts/names, simulated OEK reuse, and bit flips
// anywhere. The only allowed outcomes are SseIntegrityError or correct plaintext, and no byte of a damaged
// chunk is ever yielded (the chunks before it are, verified, which is what the HTTP layer streams).

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataFileExpectation } from './range-reader';
import {
  SSE_CHUNK,
  SSE_HEADER,
  SSE_STORED_CHUNK,
  SseIntegrityError,
  encryptedFileSize,
  newDataFileContext,
  type DataFileContext,
} from './sse-data-format';
import { Rng, TEST_SEED, encryptBytes, readRangeFile, withTempDir } from './sse-test-util';

let tmp: Awaited<ReturnType<typeof withTempDir>>;
beforeAll(async () => {
  tmp = await withTempDir('sse-tamper-');
});
afterAll(() => tmp.cleanup());

const rng = new Rng(TEST_SEED + 20);
const BUCKET = 'bkt-1250000000';

interface Obj {
  ctx: DataFileContext;
  plain: Buffer;
  file: Buffer;
}

function makeObj(size: number, over: Partial<DataFileContext> = {}): Obj {
  const base = newDataFileContext(randomBytes(32), randomBytes(16), 0, BUCKET, 'obj-a');
  const ctx = { ...base, ...over };
  const plain = rng.bytes(size);
  return { ctx, plain, file: encryptBytes(ctx, plain) };
}

const at = (i: number) => SSE_HEADER + i * SSE_STORED_CHUNK;
const storedChunk = (file: Buffer, i: number) => file.subarray(at(i), at(i) + SSE_STORED_CHUNK);

function replaceChunk(file: Buffer, i: number, chunk: Buffer): Buffer {
  const out = Buffer.from(file);
  chunk.copy(out, at(i));
  return out;
}

/** Which chunk a file offset falls in; 'header' for the first 48 bytes. */
const chunkOf = (pos: number): number | 'header' => (pos < SSE_HEADER ? 'header' : Math.floor((pos - SSE_HEADER) / SSE_STORED_CHUNK));

/**
 * Reads `bytes` as the object described by `expect` and asserts: SseIntegrityError; everything yielded is the
 * true plaintext in order; exactly the verified chunks before `firstBad` were released, none from it onward.
 */
async function expectRejected(
  bytes: Buffer,
  expect_: DataFileExpectation,
  claimedSize: number,
  truth: Buffer,
  firstBad: number | 'header' | 'size',
  range?: [number, number],
) {
  const [start, end] = range ?? (claimedSize === 0 ? [0, -1] : [0, claimedSize - 1]);
  const path = await tmp.file('t', bytes);
  const r = await readRangeFile(path, expect_, claimedSize, start, end);
  expect(r.error, `expected rejection (firstBad=${firstBad}, range ${start}-${end})`).toBeInstanceOf(SseIntegrityError);
  expect(r.data.equals(truth.subarray(start, start + r.data.length)), 'yielded bytes are not the true plaintext').toBe(true);
  const released = typeof firstBad === 'number' ? Math.max(0, firstBad * SSE_CHUNK - start) : 0;
  expect(r.data.length, 'released bytes').toBe(released);
  return r;
}

async function expectOk(bytes: Buffer, expect_: DataFileExpectation, truth: Buffer, start: number, end: number) {
  const path = await tmp.file('ok', bytes);
  const r = await readRangeFile(path, expect_, truth.length, start, end);
  expect(r.error).toBeUndefined();
  expect(r.data.equals(truth.subarray(start, end + 1))).toBe(true);
}

describe(`tamper: truncation and extension (seed ${TEST_SEED})`, () => {
  const a = makeObj(3 * SSE_CHUNK + 500); // 4 chunks, the last one partial

  it('truncation at a chunk boundary: caught by the size check, and by the final flag when the size lies too', async () => {
    const cut = a.file.subarray(0, at(3));
    await expectRejected(cut, a.ctx, a.plain.length, a.plain, 'size');
    // Metadata edited to match (the wrap would also fail, but the data format must stand on its own):
    expect(encryptedFileSize(3 * SSE_CHUNK)).toBe(cut.length);
    await expectRejected(cut, a.ctx, 3 * SSE_CHUNK, a.plain, 2);
    await expectRejected(a.file.subarray(0, at(1)), a.ctx, SSE_CHUNK, a.plain, 0);
    await expectRejected(a.file.subarray(0, SSE_HEADER), a.ctx, 0, a.plain, 'size');
    // A lying empty size: 64 bytes = header + chunk 0's first 16 bytes of ciphertext as a "tag".
    await expectRejected(a.file.subarray(0, 64), a.ctx, 0, a.plain, 'header');
  });

  it('truncation mid-chunk (last chunk and an inner chunk)', async () => {
    await expectRejected(a.file.subarray(0, a.file.length - 100), a.ctx, a.plain.length, a.plain, 'size');
    await expectRejected(a.file.subarray(0, a.file.length - 100), a.ctx, a.plain.length - 100, a.plain, 3);
    const inner = a.file.subarray(0, at(1) + 30_000);
    const lyingSize = SSE_CHUNK + 30_000 - 16;
    expect(encryptedFileSize(lyingSize)).toBe(inner.length);
    await expectRejected(inner, a.ctx, lyingSize, a.plain, 1);
    await expectRejected(a.file.subarray(0, 47), a.ctx, a.plain.length, a.plain, 'size');
  });

  it('extension: extra bytes, and a whole appended chunk with a matching lying size', async () => {
    await expectRejected(Buffer.concat([a.file, Buffer.alloc(1)]), a.ctx, a.plain.length, a.plain, 'size');
    const aligned = makeObj(3 * SSE_CHUNK);
    const appended = Buffer.concat([aligned.file, storedChunk(aligned.file, 0)]);
    await expectRejected(appended, aligned.ctx, 4 * SSE_CHUNK, aligned.plain, 2);
    // Appending the stored final chunk again (sealed final, at the wrong index) is no better.
    await expectRejected(Buffer.concat([aligned.file, storedChunk(aligned.file, 2)]), aligned.ctx, 4 * SSE_CHUNK, aligned.plain, 2);
  });

  it('an empty object cannot be extended or replaced by a header alone', async () => {
    const e = makeObj(0);
    const longer = Buffer.concat([e.file, storedChunk(a.file, 0)]);
    await expectRejected(longer, e.ctx, 0, e.plain, 'size');
    await expectRejected(longer, e.ctx, SSE_CHUNK, e.plain, 'header');
  });
});

describe('tamper: reordering', () => {
  it('swapping two chunks fails at the first swapped one; earlier chunks are still released', async () => {
    const a = makeObj(4 * SSE_CHUNK + 1);
    const swap = (i: number, j: number) => replaceChunk(replaceChunk(a.file, i, storedChunk(a.file, j)), j, storedChunk(a.file, i));
    await expectRejected(swap(0, 1), a.ctx, a.plain.length, a.plain, 0);
    await expectRejected(swap(1, 2), a.ctx, a.plain.length, a.plain, 1);
    await expectRejected(swap(2, 3), a.ctx, a.plain.length, a.plain, 2);
    // A range that does not touch the swapped chunks still reads fine: damage is local and detected where read.
    await expectOk(swap(2, 3), a.ctx, a.plain, 10, 2 * SSE_CHUNK - 1);
    await expectRejected(swap(2, 3), a.ctx, a.plain.length, a.plain, 3, [3 * SSE_CHUNK + 5, 4 * SSE_CHUNK]);
  });

  it('duplicating a chunk in place of another fails', async () => {
    const a = makeObj(3 * SSE_CHUNK);
    await expectRejected(replaceChunk(a.file, 1, storedChunk(a.file, 0)), a.ctx, a.plain.length, a.plain, 1);
  });
});

describe('tamper: transplants (each read with the victim\'s real context)', () => {
  const size = 3 * SSE_CHUNK + 77;

  it('a chunk from another object', async () => {
    const a = makeObj(size);
    const b = makeObj(size);
    await expectRejected(replaceChunk(a.file, 1, storedChunk(b.file, 1)), a.ctx, size, a.plain, 1);
  });

  it('a chunk from a file sealed under another OEK (same objectId, part, salt and name)', async () => {
    const a = makeObj(size);
    const b = makeObj(size, { objectId: a.ctx.objectId, partSalt: a.ctx.partSalt });
    await expectRejected(replaceChunk(a.file, 2, storedChunk(b.file, 2)), a.ctx, size, a.plain, 2);
  });

  it('a chunk from another part of the same upload (same OEK and objectId)', async () => {
    const p1 = makeObj(size, { partNumber: 1 });
    const p2 = makeObj(size, { partNumber: 2, oek: p1.ctx.oek, objectId: p1.ctx.objectId });
    await expectRejected(replaceChunk(p1.file, 1, storedChunk(p2.file, 1)), p1.ctx, size, p1.plain, 1);
    // A re-uploaded part (same number, new salt) cannot lend chunks to the old one either.
    const p1b = makeObj(size, { partNumber: 1, oek: p1.ctx.oek, objectId: p1.ctx.objectId });
    await expectRejected(replaceChunk(p1.file, 0, storedChunk(p1b.file, 0)), p1.ctx, size, p1.plain, 0);
  });

  it('a chunk from the same object stored under another bucket/key name (everything else identical)', async () => {
    const a = makeObj(size);
    for (const over of [{ key: 'obj-b' }, { bucket: 'other-1250000000' }, { bucket: `${BUCKET}o`, key: 'bj-a' }]) {
      const b = makeObj(size, { oek: a.ctx.oek, objectId: a.ctx.objectId, partSalt: a.ctx.partSalt, ...over });
      expect(b.file.subarray(0, SSE_HEADER).equals(a.file.subarray(0, SSE_HEADER))).toBe(true); // only the AAD differs
      await expectRejected(replaceChunk(a.file, 1, storedChunk(b.file, 1)), a.ctx, size, a.plain, 1);
    }
  });

  it('whole files: another object, another part, another name, another OEK — nothing is released', async () => {
    const a = makeObj(size, { partNumber: 1 });
    const others = [
      makeObj(size, { partNumber: 1 }),
      makeObj(size, { partNumber: 2, oek: a.ctx.oek, objectId: a.ctx.objectId }),
      makeObj(size, { partNumber: 1, oek: a.ctx.oek, objectId: a.ctx.objectId, partSalt: a.ctx.partSalt, key: 'x' }),
      makeObj(size, { partNumber: 1, objectId: a.ctx.objectId, partSalt: a.ctx.partSalt }),
    ];
    const { partSalt: _omit, ...noSalt } = a.ctx;
    for (const o of others) {
      await expectRejected(o.file, a.ctx, size, a.plain, 'header');
      await expectRejected(o.file, noSalt, size, a.plain, 'header');
    }
  });

  it('a stale upload of the same part is caught only by the partSalt pin (so the store must always pass it)', async () => {
    const a = makeObj(size, { partNumber: 1 });
    const stale = makeObj(size, { partNumber: 1, oek: a.ctx.oek, objectId: a.ctx.objectId });
    await expectRejected(stale.file, a.ctx, size, a.plain, 'header');
    // Same OEK, objectId, part and name: the stale file is a genuine file of this part, just not the committed
    // one. Without the pin it reads back as its own plaintext; partsDigest binds the salt for this reason.
    const { partSalt: _omit, ...noSalt } = a.ctx;
    const path = await tmp.file('stale', stale.file);
    const r = await readRangeFile(path, noSalt, size, 0, size - 1);
    expect(r.error).toBeUndefined();
    expect(r.data.equals(stale.plain)).toBe(true);
  });

  it('simulated OEK reuse bug: two objects share an OEK (and even a partSalt), a transplanted chunk is still rejected', async () => {
    const oek = randomBytes(32);
    const salt = randomBytes(16);
    const x = makeObj(size, { oek, partSalt: salt });
    const y = makeObj(size, { oek, partSalt: salt, key: 'obj-y' });
    // Prove the reuse is real: same DK and nonces, so ciphertext XOR equals plaintext XOR on chunk 1.
    const cx = storedChunk(x.file, 1).subarray(0, SSE_CHUNK);
    const cy = storedChunk(y.file, 1).subarray(0, SSE_CHUNK);
    const px = x.plain.subarray(SSE_CHUNK, 2 * SSE_CHUNK);
    const py = y.plain.subarray(SSE_CHUNK, 2 * SSE_CHUNK);
    expect(cx.every((v, i) => (v ^ cy[i]) === (px[i] ^ py[i]))).toBe(true);
    // Only the AAD (header objectId, name) separates them, and it is enough.
    await expectRejected(replaceChunk(x.file, 1, storedChunk(y.file, 1)), x.ctx, size, x.plain, 1);
    await expectRejected(replaceChunk(x.file, 3, storedChunk(y.file, 3)), x.ctx, size, x.plain, 3);
    // Same OEK, distinct salts (the normal case for the reuse bug): rejected too.
    const z = makeObj(size, { oek, key: 'obj-a' });
    await expectRejected(replaceChunk(x.file, 0, storedChunk(z.file, 0)), x.ctx, size, x.plain, 0);
  });
});

describe(`tamper: bit flips and random mutation (seed ${TEST_SEED})`, () => {
  const a = makeObj(2 * SSE_CHUNK + 1000, { partNumber: 5 }); // chunks of 65536, 65536, 1000
  const { partSalt: _salt, ...noSalt } = a.ctx;

  it('every header bit position, with and without the partSalt pin, releases nothing', async () => {
    for (let byte = 0; byte < SSE_HEADER; byte++) {
      const f = Buffer.from(a.file);
      f[byte] ^= 1 << rng.int(0, 7);
      await expectRejected(f, a.ctx, a.plain.length, a.plain, 'header');
      await expectRejected(f, noSalt, a.plain.length, a.plain, 'header');
    }
  });

  it('flips in ciphertext and tag of each chunk fail at that chunk', async () => {
    for (let i = 0; i < 3; i++) {
      const len = i < 2 ? SSE_CHUNK : 1000;
      const spots = [0, len - 1, len, len + 15, rng.int(0, len + 15)]; // first/last ct byte, first/last tag byte, random
      for (const s of spots) {
        const f = Buffer.from(a.file);
        f[at(i) + s] ^= 1 << rng.int(0, 7);
        await expectRejected(f, a.ctx, a.plain.length, a.plain, i);
      }
    }
  });

  it('random single-bit flips anywhere, read with random ranges: only an error or the correct plaintext', async () => {
    let rejected = 0;
    for (let n = 0; n < 150; n++) {
      const f = Buffer.from(a.file);
      const pos = rng.int(0, f.length - 1);
      f[pos] ^= 1 << rng.int(0, 7);
      const bad = chunkOf(pos);
      const start = rng.int(0, a.plain.length - 1);
      const end = rng.int(start, a.plain.length - 1);
      const touches = bad === 'header' || (start >> 16 <= bad && bad <= end >> 16);
      if (touches) {
        await expectRejected(f, a.ctx, a.plain.length, a.plain, bad === 'header' ? 'header' : Math.max(bad, start >> 16), [start, end]);
        rejected++;
      } else {
        await expectOk(f, a.ctx, a.plain, start, end);
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });

  it('random multi-byte overwrites: only an error or the correct plaintext', async () => {
    for (let n = 0; n < 40; n++) {
      const f = Buffer.from(a.file);
      const pos = rng.int(0, f.length - 1);
      const len = Math.min(rng.int(1, 64), f.length - pos);
      const noise = rng.bytes(len);
      if (noise.equals(f.subarray(pos, pos + len))) continue;
      noise.copy(f, pos);
      // A write spanning a chunk edge is detected at the earlier chunk.
      const bad = chunkOf(pos);
      await expectRejected(f, a.ctx, a.plain.length, a.plain, bad === 'header' ? 'header' : bad);
    }
  });
});
