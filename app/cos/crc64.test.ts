import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Crc64, crc64, crc64Combine, crc64UsesWasm } from './crc64';
import { CRC64_WASM_CHUNK, loadCrc64Wasm } from './crc64-wasm';
import { Rng } from '../platform/test-support/rng';

const utf8 = (s: string) => new TextEncoder().encode(s);

// Seeded so a failure can be replayed; the seed is in the test name.
function rng(seed: number): (n: number) => number {
  const r = new Rng(seed);
  return (n) => r.float() * n;
}
const SEED = 0xc0ffee;

// Independent oracles: a bit-at-a-time CRC and zlib's classic GF(2) matrix combine, both in plain BigInt.
const POLY = 0xc96c5795d7870f42n;
const MASK = (1n << 64n) - 1n;

function crc64Bitwise(data: Uint8Array): bigint {
  let crc = MASK;
  for (const byte of data) {
    crc ^= BigInt(byte);
    for (let i = 0; i < 8; i++) crc = crc & 1n ? (crc >> 1n) ^ POLY : crc >> 1n;
  }
  return crc ^ MASK;
}

function gf2Times(mat: bigint[], vec: bigint): bigint {
  let sum = 0n;
  for (let i = 0; vec; i++, vec >>= 1n) if (vec & 1n) sum ^= mat[i];
  return sum;
}
const gf2Square = (mat: bigint[]) => mat.map((row) => gf2Times(mat, row));

function combineMatrix(crc1: bigint, crc2: bigint, len2: bigint): bigint {
  if (len2 === 0n) return crc1 ^ crc2;
  let odd: bigint[] = [POLY, ...Array.from({ length: 63 }, (_, i) => 1n << BigInt(i))]; // one zero bit
  let even = gf2Square(odd); // two zero bits
  odd = gf2Square(even); // four zero bits
  do {
    even = gf2Square(odd); // first pass: one zero byte
    if (len2 & 1n) crc1 = gf2Times(even, crc1);
    len2 >>= 1n;
    if (len2 === 0n) break;
    odd = gf2Square(even);
    if (len2 & 1n) crc1 = gf2Times(odd, crc1);
    len2 >>= 1n;
  } while (len2 !== 0n);
  return crc1 ^ crc2;
}

describe('crc64 known answers (cos-protocol.md §11)', () => {
  it.each([
    ['123456789', 11051210869376104954n],
    ['', 0n],
    ['hello world', 5981764153023615706n],
    ['[Object Part]', 4510578591875220731n],
    ['[Object Content]', 16749565679157681890n],
  ])('%j → %s', (text, expected) => {
    expect(crc64(utf8(text))).toBe(expected);
    expect(new Crc64().update(utf8(text)).toDecimal()).toBe(expected.toString());
  });

  it('"123456789" is 0x995DC9BBDF1939FA', () => {
    expect(crc64(utf8('123456789'))).toBe(0x995dc9bbdf1939fan);
  });
});

describe('Crc64', () => {
  it('matches a bit-at-a-time implementation for every length 0..300 at every alignment, on both paths', () => {
    // JS loop: the byte-wise path (< 64 B), the word path, its unaligned lead-in and tails of 0..7 bytes.
    // WebAssembly (from 128 B): one and more braided 32-byte blocks, the folding block, whole words, bytes.
    const backing = randomBytes(300 + 8);
    for (let offset = 0; offset < 4; offset++) {
      for (let len = 0; len <= 300; len += offset === 0 ? 1 : 7) {
        const view = backing.subarray(offset, offset + len);
        const expected = crc64Bitwise(view);
        expect(crc64(view)).toBe(expected);
        expect(new Crc64(false).update(view).digest()).toBe(expected);
      }
    }
  });

  it('the WebAssembly kernel alone, below the size Crc64 hands it (fewer than two braided blocks, tails only)', () => {
    const kernel = loadCrc64Wasm()!;
    const out = new Int32Array(2);
    const backing = randomBytes(140);
    for (let len = 0; len <= 140; len++) {
      const view = backing.subarray(0, len);
      kernel.update(-1, -1, view, out);
      expect((BigInt(~out[1]! >>> 0) << 32n) | BigInt(~out[0]! >>> 0)).toBe(crc64Bitwise(view));
    }
  });

  it('uses the WebAssembly kernel here, and it agrees with the JS loop across its 64 KiB chunks', () => {
    expect(crc64UsesWasm()).toBe(true);
    for (const len of [CRC64_WASM_CHUNK - 1, CRC64_WASM_CHUNK, CRC64_WASM_CHUNK + 1, 2 * CRC64_WASM_CHUNK + 33, 200_003]) {
      const data = randomBytes(len + 1).subarray(1); // odd offset
      expect(new Crc64().update(data).digest()).toBe(new Crc64(false).update(data).digest());
    }
  });

  it(`incremental equals one-shot across random split points (seed ${SEED})`, () => {
    const rand = rng(SEED);
    for (let round = 0; round < 40; round++) {
      const data = randomBytes(Math.floor(rand(200_000)));
      const h = new Crc64();
      let pos = 0;
      while (pos < data.length) {
        const step = Math.floor(rand(round % 2 ? 70_000 : 97)) + 1;
        h.update(data.subarray(pos, pos + step));
        pos += step;
      }
      expect(h.digest()).toBe(crc64(data));
    }
  });

  it('digest does not reset and update returns the hasher', () => {
    const h = new Crc64();
    expect(h.update(utf8('1234'))).toBe(h);
    const mid = h.digest();
    expect(h.digest()).toBe(mid);
    expect(h.update(utf8('56789')).digest()).toBe(11051210869376104954n);
    expect(h.toDecimal()).toBe('11051210869376104954');
  });

  it('accepts a Uint8Array that is not a Buffer, and an empty update', () => {
    const bytes = new Uint8Array(utf8('123456789'));
    expect(new Crc64().update(new Uint8Array(0)).update(bytes).digest()).toBe(11051210869376104954n);
  });
});

describe('crc64Combine', () => {
  it(`equals the CRC of the concatenation for random sizes incl. 0 and > 64 KiB (seed ${SEED})`, () => {
    const rand = rng(SEED + 1);
    const sizes = [0, 1, 7, 8, 65_536, 65_537, 300_000];
    for (let round = 0; round < 30; round++) {
      const a = randomBytes(round < sizes.length ? sizes[round] : Math.floor(rand(150_000)));
      const b = randomBytes(round < sizes.length ? sizes[sizes.length - 1 - round] : Math.floor(rand(150_000)));
      expect(crc64Combine(crc64(a), crc64(b), b.length)).toBe(crc64(Buffer.concat([a, b])));
    }
  });

  it('combines many parts into the whole-object CRC, as Complete Multipart Upload needs', () => {
    const parts = [0, 5, 65_536, 1, 100_003, 0, 8].map((n) => randomBytes(n));
    let whole = crc64(new Uint8Array(0));
    for (const part of parts) whole = crc64Combine(whole, crc64(part), part.length);
    expect(whole).toBe(crc64(Buffer.concat(parts)));
  });

  it('len2 = 0 returns crc1 (the empty part contributes nothing)', () => {
    expect(crc64Combine(12345678901234567890n, 0n, 0)).toBe(12345678901234567890n);
  });

  it(`agrees with zlib's matrix method for part and object sizes up to 48 TiB (seed ${SEED})`, () => {
    const rand = rng(SEED + 2);
    const big = [5 * 2 ** 30, 2 ** 32, 2 ** 32 + 1, 2 ** 32 - 1, 48 * 2 ** 40, 2 ** 53 - 1];
    for (let i = 0; i < 24; i++) {
      const len2 = i < big.length ? big[i] : Math.floor(rand(2 ** 46));
      const crc1 = crc64(randomBytes(16));
      const crc2 = crc64(randomBytes(16));
      expect(crc64Combine(crc1, crc2, len2)).toBe(combineMatrix(crc1, crc2, BigInt(len2)));
    }
  });

  it('is associative over 5 GiB parts (lengths above 2^32 are not truncated)', () => {
    const [a, b, c] = [crc64(utf8('a')), crc64(utf8('b')), crc64(utf8('c'))];
    const lb = 5 * 2 ** 30;
    const lc = 5 * 2 ** 30 + 3;
    const left = crc64Combine(crc64Combine(a, b, lb), c, lc);
    const right = crc64Combine(a, crc64Combine(b, c, lc), lb + lc);
    expect(left).toBe(right);
  });

  it('rejects lengths and CRCs it cannot represent', () => {
    expect(() => crc64Combine(1n, 1n, -1)).toThrow(RangeError);
    expect(() => crc64Combine(1n, 1n, 1.5)).toThrow(RangeError);
    expect(() => crc64Combine(1n, 1n, 2 ** 53)).toThrow(RangeError);
    expect(() => crc64Combine(1n << 64n, 1n, 1)).toThrow(RangeError);
    expect(() => crc64Combine(1n, -1n, 1)).toThrow(RangeError);
  });
});
