// The pooled CSPRNG: right lengths, no value handed out twice, large requests served directly.
import { expect, it } from 'vitest';
import { randomBytesPooled } from './random-pool';

it('hands out fresh bytes of the asked length, across pool refills, and never the same value twice', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 3000; i++) {
    const b = randomBytesPooled(i % 2 ? 16 : 32);
    expect(b.length).toBe(i % 2 ? 16 : 32);
    seen.add(b.toString('hex'));
  }
  expect(seen.size).toBe(3000);
  // Not all zero (a pool that was never filled would be).
  expect(randomBytesPooled(32).equals(Buffer.alloc(32))).toBe(false);
  expect(randomBytesPooled(100_000).length).toBe(100_000);
  expect(randomBytesPooled(0).length).toBe(0);
  expect(() => randomBytesPooled(-1)).toThrow(RangeError);
});

it('returns a buffer of its own, not a view that another value shares', () => {
  const a = randomBytesPooled(16);
  const b = randomBytesPooled(16);
  expect(a.buffer).not.toBe(b.buffer);
  expect(a.byteOffset).toBe(0);
});
