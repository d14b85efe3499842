// Key wrap: round trips for all three modes, and every bound field (source key, label, name, size, parts,
// objectId, upload, extra context) must make unwrapping fail when it differs.

import { hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hkdfSha256Block, newObjectId, newObjectKey, partsDigest, unwrapKey, wrapKey, type WrapContext, type WrappedKey } from './key-wrap';
import { SseIntegrityError } from './sse-data-format';

const master = randomBytes(32);
const oek = newObjectKey();
const ctx: WrapContext = {
  bucket: 'bkt-1250000000',
  key: 'photos/2024/a.jpg',
  objectId: newObjectId(),
  size: 123_456,
  partsDigest: partsDigest([{ partNumber: 0, size: 123_456, partSalt: 'c2FsdA==' }]),
};

describe('wrapKey / unwrapKey', () => {
  it('round-trips for each mode label, with a 32-byte salt and 48-byte wrapped key', () => {
    for (const label of ['master:1', 'kms:4f0c2b8e-1111-4222-8333-944445555666', 'ssec']) {
      const w = wrapKey(master, label, oek, ctx);
      expect(Buffer.from(w.salt, 'base64').length).toBe(32);
      expect(Buffer.from(w.wrapped, 'base64').length).toBe(48);
      expect(unwrapKey(master, label, w, ctx).equals(oek)).toBe(true);
    }
  });

  it('uses a fresh salt per wrap (two wraps of the same key differ)', () => {
    const a = wrapKey(master, 'master:1', oek, ctx);
    const b = wrapKey(master, 'master:1', oek, ctx);
    expect(a.salt).not.toBe(b.salt);
    expect(a.wrapped).not.toBe(b.wrapped);
  });

  it('fails with SseIntegrityError when anything bound differs', () => {
    const w = wrapKey(master, 'master:1', oek, { ...ctx, uploadId: 'u1', extra: '{"a":"1"}' });
    const good: WrapContext = { ...ctx, uploadId: 'u1', extra: '{"a":"1"}' };
    expect(unwrapKey(master, 'master:1', w, good).equals(oek)).toBe(true);
    const wrongs: Array<[string, () => Buffer]> = [
      ['kekSource', () => unwrapKey(randomBytes(32), 'master:1', w, good)],
      ['label kid', () => unwrapKey(master, 'master:2', w, good)],
      ['label mode', () => unwrapKey(master, 'ssec', w, good)],
      ['bucket', () => unwrapKey(master, 'master:1', w, { ...good, bucket: 'bkt-1250000001' })],
      ['key', () => unwrapKey(master, 'master:1', w, { ...good, key: 'photos/2024/b.jpg' })],
      ['size', () => unwrapKey(master, 'master:1', w, { ...good, size: 123_455 })],
      ['size open', () => unwrapKey(master, 'master:1', w, { ...good, size: null })],
      ['partsDigest', () => unwrapKey(master, 'master:1', w, { ...good, partsDigest: partsDigest([]) })],
      ['objectId', () => unwrapKey(master, 'master:1', w, { ...good, objectId: newObjectId() })],
      ['uploadId', () => unwrapKey(master, 'master:1', w, { ...good, uploadId: 'u2' })],
      ['uploadId absent', () => unwrapKey(master, 'master:1', w, { ...good, uploadId: undefined })],
      ['extra', () => unwrapKey(master, 'master:1', w, { ...good, extra: '{"a":"2"}' })],
      ['extra absent', () => unwrapKey(master, 'master:1', w, { ...good, extra: undefined })],
    ];
    for (const [what, f] of wrongs) expect(f, what).toThrow(SseIntegrityError);
  });

  it('length prefixes keep field boundaries unambiguous', () => {
    const w = wrapKey(master, 'master:1', oek, { ...ctx, bucket: 'ab', key: 'c' });
    expect(() => unwrapKey(master, 'master:1', w, { ...ctx, bucket: 'a', key: 'bc' })).toThrow(SseIntegrityError);
  });

  it('an open multipart wrap (size null) and a completed one are distinct', () => {
    const open = wrapKey(master, 'master:1', oek, { ...ctx, size: null, uploadId: 'up' });
    expect(unwrapKey(master, 'master:1', open, { ...ctx, size: null, uploadId: 'up' }).equals(oek)).toBe(true);
    expect(() => unwrapKey(master, 'master:1', open, { ...ctx, size: 0, uploadId: 'up' })).toThrow(SseIntegrityError);
  });

  it('detects tampered or malformed records', () => {
    const w = wrapKey(master, 'master:1', oek, ctx);
    const flip = (s: string, i: number): string => {
      const b = Buffer.from(s, 'base64');
      b[i] ^= 1;
      return b.toString('base64');
    };
    const bad: WrappedKey[] = [
      { ...w, salt: flip(w.salt, 0) },
      { ...w, wrapped: flip(w.wrapped, 0) },
      { ...w, wrapped: flip(w.wrapped, 47) },
      { ...w, wrapped: Buffer.from(w.wrapped, 'base64').subarray(0, 44).toString('base64') },
      { ...w, salt: `${w.salt.slice(0, -1)}*` },
      { ...w, salt: w.salt.replace(/=+$/, '') }, // unpadded base64 is not accepted
      { ...w, wrapped: `${w.wrapped}\n` },
      { salt: w.salt } as WrappedKey,
    ];
    for (const b of bad) expect(() => unwrapKey(master, 'master:1', b, ctx)).toThrow(SseIntegrityError);
  });

  it('never puts key material in the error message', () => {
    const w = wrapKey(master, 'master:1', oek, ctx);
    try {
      unwrapKey(randomBytes(32), 'master:1', w, ctx);
      expect.unreachable();
    } catch (err) {
      const msg = (err as Error).message;
      expect(msg).toMatch(/unwrap failed.*master:1/);
      for (const secret of [master, oek]) {
        expect(msg).not.toContain(secret.toString('hex').slice(0, 12));
        expect(msg).not.toContain(secret.toString('base64').slice(0, 12));
      }
    }
  });

  it('validates its inputs', () => {
    expect(() => wrapKey(master, 'master:1', oek.subarray(0, 16), ctx)).toThrow(/32 bytes/);
    expect(() => wrapKey(master.subarray(0, 16), 'master:1', oek, ctx)).toThrow(/≥ 32 bytes/);
    expect(() => wrapKey(master, '', oek, ctx)).toThrow(/label/);
    expect(() => wrapKey(master, 'master:1', oek, { ...ctx, size: -1 })).toThrow(/size/);
    expect(() => wrapKey(master, 'master:1', oek, { ...ctx, objectId: Buffer.alloc(8) })).toThrow(/objectId/);
  });
});

describe('hkdfSha256Block', () => {
  it('equals crypto.hkdfSync for 32 bytes, over random keys, salts and labels (incl. non-ASCII)', () => {
    for (let i = 0; i < 200; i++) {
      const ikm = randomBytes(32 + (i % 33));
      const salt = randomBytes(i % 3 === 0 ? 0 : 32);
      const info = `cos-sse/v1/kek/kms:${randomBytes(4 + (i % 9)).toString('hex')}${i % 5 === 0 ? '-é密钥' : ''}`;
      expect(hkdfSha256Block(ikm, salt, info)).toEqual(Buffer.from(hkdfSync('sha256', ikm, salt, info, 32)));
    }
  });
});

describe('partsDigest', () => {
  const parts = [
    { partNumber: 2, size: 5, partSalt: 'b' },
    { partNumber: 1, size: 1 << 20, partSalt: 'a' },
    { partNumber: 3, size: 0, partSalt: 'c' },
  ];

  it('is a hex SHA-256 independent of input order', () => {
    const d = partsDigest(parts);
    expect(d).toMatch(/^[0-9a-f]{64}$/);
    expect(partsDigest([...parts].reverse())).toBe(d);
  });

  it('changes when any part is dropped, resized, renumbered or re-salted', () => {
    const d = partsDigest(parts);
    const variants = [
      parts.slice(0, 2),
      parts.map((p, i) => (i === 0 ? { ...p, size: 6 } : p)),
      parts.map((p, i) => (i === 2 ? { ...p, partNumber: 4 } : p)),
      parts.map((p, i) => (i === 1 ? { ...p, partSalt: 'A' } : p)),
      [...parts, { partNumber: 4, size: 0, partSalt: '' }],
    ];
    for (const v of variants) expect(partsDigest(v)).not.toBe(d);
  });

  it('rejects duplicate or invalid part numbers', () => {
    expect(() => partsDigest([...parts, { partNumber: 2, size: 1, partSalt: 'x' }])).toThrow(/duplicate/);
    expect(() => partsDigest([{ partNumber: 1.5, size: 1, partSalt: 'x' }])).toThrow(/part number/);
    expect(() => partsDigest([{ partNumber: 1, size: -1, partSalt: 'x' }])).toThrow(/size/);
  });

  it('newObjectKey / newObjectId give fresh 32 / 16 random bytes', () => {
    expect(newObjectKey().length).toBe(32);
    expect(newObjectId().length).toBe(16);
    expect(newObjectKey().equals(newObjectKey())).toBe(false);
  });
});
