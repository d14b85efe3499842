// The length-prefixed encoding every SSE AAD and digest is built from: a change here would make every stored
// object unreadable, so it is pinned byte for byte.
import { describe, expect, it } from 'vitest';
import { lp, lpJoin } from './sse-encoding';

describe('lp / lpJoin', () => {
  it('prefixes each field with its byte length (big-endian u32)', () => {
    expect(lp('ab').toString('hex')).toBe('000000026162');
    expect(lp('').toString('hex')).toBe('00000000');
    expect(lp(Buffer.from([0xff])).toString('hex')).toBe('00000001ff');
    // UTF-8, not UTF-16: "é" is 2 bytes, "😀" 4.
    expect(lp('é😀').toString('hex')).toBe('00000006c3a9f09f9880');
  });

  it('joins fields exactly as encoding and concatenating them one by one does', () => {
    // The encoding as it was first written (a Buffer per field, then a concat): what stored objects were sealed with.
    const oneByOne = (v: string | Buffer) => {
      const body = typeof v === 'string' ? Buffer.from(new TextEncoder().encode(v)) : v;
      const len = Buffer.alloc(4);
      len.writeUInt32BE(body.length);
      return Buffer.concat([len, body]);
    };
    const fields = ['master:1', 'bucket-1250000000', 'dir/ключ 😀', '', Buffer.from('00112233', 'hex'), 'open', 'x'.repeat(300)];
    expect(lpJoin(...fields).equals(Buffer.concat(fields.map(oneByOne)))).toBe(true);
    expect(lpJoin().length).toBe(0);
  });

  it('encodes a lone surrogate the way TextEncoder does (U+FFFD), as objects stored before lpJoin were', () => {
    const odd = 'a\ud800b';
    const utf8 = Buffer.from(new TextEncoder().encode(odd));
    expect(lp(odd).subarray(4).equals(utf8)).toBe(true);
    expect(lp(odd).readUInt32BE(0)).toBe(utf8.length);
  });
});
