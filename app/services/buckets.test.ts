import { describe, expect, it } from 'vitest';
import { isoOrEmpty } from './buckets';

describe('isoOrEmpty', () => {
  it('writes every date as toISOString does, whether or not it was written that way already', () => {
    const dates = [
      '2026-12-02T10:00:00.000Z',
      '2026-02-28T23:59:59.999Z',
      '2026-02-30T00:00:00.000Z', // rolls over to March 2
      '2024-02-29T12:00:00.000Z',
      '2026-04-31T00:00:00.000Z',
      '2026-01-01T24:00:00.000Z', // the next midnight
      '2026-12-02T10:00:00Z',
      '2026-12-02T18:00:00.000+08:00',
      'Wed, 02 Dec 2026 10:00:00 GMT',
    ];
    for (const date of dates) expect(isoOrEmpty(date), date).toBe(new Date(date).toISOString());
    expect(isoOrEmpty(new Date(Date.UTC(2026, 11, 2)))).toBe('2026-12-02T00:00:00.000Z');
  });

  it('gives "" when there is no date', () => {
    for (const date of [undefined, '', 'yesterday', '2026-13-01T00:00:00.000Z']) expect(isoOrEmpty(date), String(date)).toBe('');
  });
});
