// Format constants, header layout, size arithmetic and known-answer vectors. The vectors were produced by a
// separate Python (`cryptography`) implementation written from sse-design §8.5, so they pin the format itself,
// not just this code: any drift (header layout, DK/nonce/AAD derivation, chunking) fails here.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ChunkEncryptor } from './chunk-encryptor';
import {
  SSE_CHUNK,
  SSE_HEADER,
  SSE_TAG,
  SseIntegrityError,
  checkHeader,
  chunkNonce,
  encodeHeader,
  encryptedFileSize,
  newDataFileContext,
} from './sse-data-format';
import { encryptBytes } from './sse-test-util';

const OEK = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
const OBJECT_ID = Buffer.from(Array.from({ length: 16 }, (_, i) => 0xa0 + i));
const PART_SALT = Buffer.from(Array.from({ length: 16 }, (_, i) => 0xb0 + i));
const BUCKET = 'examplebucket-1250000000';
const KEY = 'dir/kat.txt';

const KAT_SMALL =
  '4353453101011000a0a1a2a3a4a5a6a7a8a9aaabacadaeaf00000000b0b1b2b3b4b5b6b7b8b9babbbcbdbebf00000000' +
  '45890a5f30b2c5e933d407ae402da7963fe72ab77a5831dac351fd31849a36a03d73e1845c5f3a087f96276325ece5';
const KAT_EMPTY =
  '4353453101011000a0a1a2a3a4a5a6a7a8a9aaabacadaeaf00000000b0b1b2b3b4b5b6b7b8b9babbbcbdbebf00000000' +
  'fba6b7bf9a5f04dc76a3b2d35002a096';

describe('sse data format constants and sizes', () => {
  it('exports the documented constants', () => {
    expect([SSE_CHUNK, SSE_HEADER, SSE_TAG]).toEqual([65536, 48, 16]);
  });

  it.each([
    [0, 64],
    [1, 48 + 1 + 16],
    [65535, 48 + 65535 + 16],
    [65536, 48 + 65536 + 16],
    [65537, 48 + 65537 + 32],
    [3 * 65536, 48 + 3 * 65536 + 48],
    [5 * 1024 ** 3, 48 + 5 * 1024 ** 3 + 16 * 81920],
  ])('encryptedFileSize(%i) = %i', (size, want) => {
    expect(encryptedFileSize(size)).toBe(want);
  });

  it('rejects sizes that are not non-negative safe integers', () => {
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 53]) expect(() => encryptedFileSize(bad)).toThrow(RangeError);
  });
});

describe('sse data file header', () => {
  it('lays out the 48 bytes exactly as sse-design §8.5', () => {
    const h = encodeHeader(newDataFileContext(OEK, OBJECT_ID, 7, BUCKET, KEY, PART_SALT));
    expect(h.length).toBe(48);
    expect(h.subarray(0, 4).toString('latin1')).toBe('CSE1');
    expect([h[4], h[5], h[6], h[7]]).toEqual([1, 1, 16, 1]); // version, aead, log2 chunk, flags (multipart part)
    expect(h.subarray(8, 24)).toEqual(OBJECT_ID);
    expect(h.readUInt32BE(24)).toBe(7);
    expect(h.subarray(28, 44)).toEqual(PART_SALT);
    expect(h.readUInt32BE(44)).toBe(0);
    expect(encodeHeader(newDataFileContext(OEK, OBJECT_ID, 0, BUCKET, KEY, PART_SALT))[7]).toBe(0);
  });

  it('checkHeader accepts its own header and names each mismatch', () => {
    const h = encodeHeader(newDataFileContext(OEK, OBJECT_ID, 3, BUCKET, KEY, PART_SALT));
    expect(checkHeader(h, { objectId: OBJECT_ID, partNumber: 3, partSalt: PART_SALT }).partSalt).toEqual(PART_SALT);
    const cases: Array<[(b: Buffer) => void, RegExp, object?]> = [
      [(b) => (b[0] = 0x58), /magic/],
      [(b) => (b[4] = 2), /version 2/],
      [(b) => (b[5] = 2), /aead id 2/],
      [(b) => (b[6] = 17), /chunk size/],
      [(b) => (b[7] = 3), /flags/],
      [(b) => (b[46] = 1), /reserved/],
      [(b) => (b[9] ^= 1), /objectId/],
      [(b) => b.writeUInt32BE(4, 24), /part 4, expected part 3/],
      [(b) => (b[30] ^= 1), /partSalt/],
    ];
    for (const [mutate, msg] of cases) {
      const b = Buffer.from(h);
      mutate(b);
      expect(() => checkHeader(b, { objectId: OBJECT_ID, partNumber: 3, partSalt: PART_SALT })).toThrow(msg);
      expect(() => checkHeader(b, { objectId: OBJECT_ID, partNumber: 3, partSalt: PART_SALT })).toThrow(SseIntegrityError);
    }
  });

  it('nonce is 0x00×7 ‖ u32be(i) ‖ final flag', () => {
    expect(chunkNonce(0x01020304, true).toString('hex')).toBe('00000000000000010203040' + '1');
    expect(chunkNonce(5, false).toString('hex')).toBe('000000000000000000000500');
  });

  it('newDataFileContext draws a fresh 16-byte partSalt each time and validates its inputs', () => {
    const a = newDataFileContext(OEK, OBJECT_ID, 1, BUCKET, KEY);
    const b = newDataFileContext(OEK, OBJECT_ID, 1, BUCKET, KEY);
    expect(a.partSalt.length).toBe(16);
    expect(a.partSalt.equals(b.partSalt)).toBe(false);
    expect(() => newDataFileContext(OEK.subarray(0, 16), OBJECT_ID, 1, BUCKET, KEY)).toThrow(/32 bytes/);
    expect(() => newDataFileContext(OEK, OBJECT_ID.subarray(1), 1, BUCKET, KEY)).toThrow(/16 bytes/);
    expect(() => newDataFileContext(OEK, OBJECT_ID, -1, BUCKET, KEY)).toThrow(/u32/);
    expect(() => newDataFileContext(OEK, OBJECT_ID, 2 ** 32, BUCKET, KEY)).toThrow(/u32/);
  });
});

describe('sse known-answer vectors (format drift guard)', () => {
  const ctx = (partNumber: number) => newDataFileContext(OEK, OBJECT_ID, partNumber, BUCKET, KEY, PART_SALT);

  it('single-chunk object → exact file bytes', () => {
    const file = encryptBytes(ctx(0), Buffer.from('Coffer SSE known-answer vector\n'));
    expect(file.toString('hex')).toBe(KAT_SMALL);
  });

  it('empty object → 64-byte file with one authenticated empty final chunk', () => {
    const e = new ChunkEncryptor(ctx(0));
    const file = Buffer.concat([...e.push(Buffer.alloc(0)), ...e.finish()]);
    expect(file.toString('hex')).toBe(KAT_EMPTY);
  });

  it('two-chunk multipart part → exact header, tags and file digest', () => {
    const plain = Buffer.from(Array.from({ length: 65546 }, (_, i) => (i * 7) & 0xff));
    const file = encryptBytes(ctx(2), plain, [1, 65535, 10]);
    expect(file.length).toBe(65626);
    expect(file.subarray(0, 48).toString('hex')).toBe(
      '4353453101011001a0a1a2a3a4a5a6a7a8a9aaabacadaeaf00000002b0b1b2b3b4b5b6b7b8b9babbbcbdbebf00000000',
    );
    expect(file.subarray(48 + 65536, 48 + 65552).toString('hex')).toBe('493e37237568ff461f57258bd9205497');
    expect(file.subarray(48 + 65552).toString('hex')).toBe('4cf678405869f65a261e4afe1bc80f21bd1a5d78555f39a560ee');
    expect(createHash('sha256').update(file).digest('hex')).toBe(
      'a60ec0e2b6d588fea87ea1cec8574eccd4fe9545b4755a6cdba5eb9b2ab38a78',
    );
  });
});
