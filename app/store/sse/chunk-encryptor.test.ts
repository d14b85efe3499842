// ChunkEncryptor: output shape, bounded buffering, independence from how the input is sliced, and a throughput
// floor that catches accidental per-byte work (the real figure comes from sse-bench.ts).

import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ChunkEncryptor } from './chunk-encryptor';
import { SSE_CHUNK, SSE_HEADER, SSE_STORED_CHUNK, encryptedFileSize, newDataFileContext } from './sse-data-format';
import { Rng, TEST_SEED, encryptBytes, randomSplits } from './sse-test-util';

const oek = randomBytes(32);
const objectId = randomBytes(16);
const ctx = () => newDataFileContext(oek, objectId, 0, 'b', 'k', Buffer.alloc(16, 9));

describe(`ChunkEncryptor (seed ${TEST_SEED})`, () => {
  it('emits the header first, then whole 65552-byte chunks, and never holds more than one chunk back', () => {
    const rng = new Rng(TEST_SEED);
    for (let round = 0; round < 20; round++) {
      const size = rng.int(0, 600_000);
      const plain = rng.bytes(size);
      const e = new ChunkEncryptor(ctx());
      let emittedChunks = 0;
      let first = true;
      let off = 0;
      for (const n of randomSplits(rng, size)) {
        const out = e.push(plain.subarray(off, off + n));
        off += n;
        if (first) {
          expect(out[0].length).toBe(SSE_HEADER);
          out.shift();
          first = false;
        }
        for (const b of out) expect(b.length).toBe(SSE_STORED_CHUNK);
        emittedChunks += out.length;
        const heldBack = e.plainBytes - emittedChunks * SSE_CHUNK;
        expect(heldBack).toBeGreaterThanOrEqual(1);
        expect(heldBack).toBeLessThanOrEqual(SSE_CHUNK);
      }
      expect(e.plainBytes).toBe(size);
      const tail = e.finish();
      const total = (first ? 0 : SSE_HEADER) + emittedChunks * SSE_STORED_CHUNK + tail.reduce((s, b) => s + b.length, 0);
      expect(total).toBe(encryptedFileSize(size));
    }
  });

  it('produces identical bytes however the same plaintext is sliced (1 byte … 8 MiB pushes)', () => {
    const rng = new Rng(TEST_SEED + 1);
    const sizes = [0, 1, 65535, 65536, 65537, 3 * 65536, rng.int(1, 1 << 20), 9 * 1024 * 1024 + 3];
    for (const size of sizes) {
      const plain = rng.bytes(size);
      const whole = encryptBytes(ctx(), plain);
      expect(whole.length).toBe(encryptedFileSize(size));
      expect(encryptBytes(ctx(), plain, randomSplits(rng, size)).equals(whole)).toBe(true);
      if (size <= 3 * 65536 + 1) {
        expect(encryptBytes(ctx(), plain, Array<number>(size).fill(1)).equals(whole)).toBe(true);
      }
    }
  });

  it('gives the same bytes with any size hint: exact, too small (it grows), too large, zero', () => {
    const rng = new Rng(TEST_SEED + 2);
    for (const size of [0, 1, 4096, 65535, 65536, 65537, 200_000]) {
      const plain = rng.bytes(size);
      const whole = encryptBytes(ctx(), plain);
      for (const hint of [size, 0, 1, Math.floor(size / 2), size + 1, 10 * 65536]) {
        expect(encryptBytes(ctx(), plain, randomSplits(rng, size), hint).equals(whole)).toBe(true);
      }
    }
  });

  it('an empty object is one header plus one empty final chunk (64 bytes)', () => {
    const e = new ChunkEncryptor(ctx());
    const out = [...e.finish()];
    expect(out.map((b) => b.length)).toEqual([48, 16]);
  });

  it('a chunk-aligned object ends with a full final chunk, not an extra empty one', () => {
    const file = encryptBytes(ctx(), randomBytes(2 * SSE_CHUNK));
    expect(file.length).toBe(48 + 2 * SSE_STORED_CHUNK);
  });

  it('does not keep a reference to the caller\'s buffer', () => {
    const plain = randomBytes(SSE_CHUNK + 100);
    const reference = encryptBytes(ctx(), plain);
    const e = new ChunkEncryptor(ctx());
    const scratch = Buffer.from(plain);
    const parts = [...e.push(scratch)];
    scratch.fill(0xee); // a caller reusing its read buffer must not change what gets sealed
    parts.push(...e.finish());
    expect(Buffer.concat(parts).equals(reference)).toBe(true);
  });

  it('refuses use after finish() and wipes its data key', () => {
    const e = new ChunkEncryptor(ctx());
    e.push(Buffer.from('x'));
    e.finish();
    expect(() => e.push(Buffer.from('y'))).toThrow(/after finish/);
    expect(() => e.finish()).toThrow(/twice/);
    expect((e as unknown as { dk: Buffer }).dk.every((x) => x === 0)).toBe(true);
  });

  it('changing any context field changes every chunk', () => {
    const plain = randomBytes(2 * SSE_CHUNK);
    const base = encryptBytes(ctx(), plain);
    const c = ctx();
    const variants = [
      { ...c, oek: randomBytes(32) },
      { ...c, objectId: randomBytes(16) },
      { ...c, partNumber: 1 },
      { ...c, partSalt: randomBytes(16) },
      { ...c, bucket: 'b2' },
      { ...c, key: 'k2' },
    ];
    for (const v of variants) {
      const f = encryptBytes(v, plain);
      for (let i = 0; i < 2; i++) {
        const at = 48 + i * SSE_STORED_CHUNK;
        expect(f.subarray(at, at + SSE_STORED_CHUNK).equals(base.subarray(at, at + SSE_STORED_CHUNK))).toBe(false);
      }
    }
  });

  it('keeps up with plain AES-256-GCM on 1 MiB pushes (no per-byte work)', () => {
    // Measured against a baseline run in the same test (node's own GCM over the same bytes, in 64 KiB chunks), so a
    // loaded machine slows both sides alike; a per-byte JavaScript loop would be many times slower.
    const input = randomBytes(1 << 20);
    const time = (fn: () => void) => {
      let best = Infinity;
      for (let round = 0; round < 5; round++) {
        const t0 = performance.now();
        fn();
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    };
    const e = new ChunkEncryptor(ctx());
    for (let i = 0; i < 4; i++) e.push(input); // warm-up
    const ours = time(() => {
      for (let i = 0; i < 16; i++) e.push(input);
    });
    e.finish();
    const key = randomBytes(32);
    const baseline = time(() => {
      for (let i = 0; i < 16; i++) {
        for (let at = 0; at < input.length; at += 65536) {
          const c = createCipheriv('aes-256-gcm', key, randomBytes(12));
          c.update(input.subarray(at, at + 65536));
          c.final();
          c.getAuthTag();
        }
      }
    });
    expect(ours / baseline).toBeLessThan(15);
  });

});
