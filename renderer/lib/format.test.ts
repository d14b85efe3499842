// Sizes as people read them in each language: whole bytes in words, larger sizes with the short unit.
import { describe, expect, it } from 'vitest';
import { formatSize } from './format';

describe('formatSize', () => {
  it('says "bytes" in English, not "byte", for small files', () => {
    expect([0, 1, 13].map((n) => formatSize(n, 'en'))).toEqual(['0 bytes', '1 byte', '13 bytes']);
  });

  it('says 字节 in Chinese', () => {
    expect(formatSize(13, 'zh-CN')).toBe('13字节');
  });

  it('keeps the short unit above a kilobyte', () => {
    expect(formatSize(305_000, 'en')).toBe('305 kB');
    expect(formatSize(1_234_567, 'en')).toBe('1.2 MB');
  });
});
