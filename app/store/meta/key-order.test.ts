// Key ordering helpers: UTF-8 order in JS, the prefix upper bound used for index range scans, roll-up.

import { describe, expect, it } from 'vitest';
import { assertStorableKey, commonPrefixOf, compareKeys, isCommonPrefix, prefixUpperBound } from './key-order';

const byteCompare = (a: string, b: string) => Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
const CHARS = ['a', 'z', '/', '\u007f', 'é', '\u07ff', '\u0800', '中', '\ud7ff', '\ue000', '\uffff', '😀', '\u{10ffff}'];

function randomString(): string {
  let s = '';
  const n = Math.floor(Math.random() * 5);
  for (let i = 0; i < n; i++) s += CHARS[Math.floor(Math.random() * CHARS.length)];
  return s;
}

describe('compareKeys', () => {
  it('is UTF-8 byte order, not UTF-16 code-unit order', () => {
    expect('\ue000' < '😀').toBe(false); // JS says the astral character sorts first…
    expect(compareKeys('\ue000', '😀')).toBeLessThan(0); // …UTF-8 (and SQLite) say it sorts last
    for (let i = 0; i < 20_000; i++) {
      const a = randomString();
      const b = randomString();
      expect(Math.sign(compareKeys(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(byteCompare(a, b));
    }
  });
});

describe('prefixUpperBound', () => {
  it('is the smallest string above every string with the prefix', () => {
    expect(prefixUpperBound('')).toBeNull();
    expect(prefixUpperBound('a/')).toBe('a0');
    expect(prefixUpperBound('ab')).toBe('ac');
    expect(prefixUpperBound('a\u{10ffff}')).toBe('b');
    expect(prefixUpperBound('\u{10ffff}\u{10ffff}')).toBeNull();
    expect(prefixUpperBound('x\ud7ff')).toBe('x\ue000'); // no surrogate code points in between
    expect(prefixUpperBound('x\uffff')).toBe('x\u{10000}');
  });

  it('bounds exactly the strings that start with the prefix', () => {
    for (let i = 0; i < 5_000; i++) {
      const p = randomString();
      const s = randomString();
      const ub = prefixUpperBound(p);
      const inRange = byteCompare(s, p) >= 0 && (ub === null || byteCompare(s, ub) < 0);
      expect(inRange, `${JSON.stringify(s)} in [${JSON.stringify(p)}, ${JSON.stringify(ub)})`).toBe(s.startsWith(p));
    }
  });
});

describe('common prefixes', () => {
  it('rolls a key up to the first delimiter after the prefix', () => {
    expect(commonPrefixOf('a/b/c', '', '/')).toBe('a/');
    expect(commonPrefixOf('a/b/c', 'a/', '/')).toBe('a/b/');
    expect(commonPrefixOf('a/b', 'a/b', '/')).toBeNull();
    expect(commonPrefixOf('a//b', 'a/', '/')).toBe('a//');
    expect(commonPrefixOf('xaab', 'x', 'ab')).toBe('xaab');
    expect(commonPrefixOf('a/b', '', '')).toBeNull();
    expect(isCommonPrefix('a/', '', '/')).toBe(true);
    expect(isCommonPrefix('a/b', '', '/')).toBe(false);
    expect(isCommonPrefix('a/b/', '', '/')).toBe(false);
    expect(isCommonPrefix('a/b/', 'a/', '/')).toBe(true);
  });
});

describe('assertStorableKey', () => {
  it('refuses keys SQLite would silently alter', () => {
    expect(() => assertStorableKey('a\0b')).toThrow(/U\+0000/);
    expect(() => assertStorableKey('a\ud800')).toThrow(/well-formed/);
    expect(() => assertStorableKey('')).toThrow(/non-empty/);
    expect(() => assertStorableKey('ok/😀')).not.toThrow();
  });
});
