// The table's repeated labels are translated once per language, and a new language gives its own labels.
import { describe, expect, it } from 'vitest';
import { createI18n } from '../i18n/i18n';
import { label } from './label-cache';

describe('label', () => {
  it('translates once per language, with values, and follows a change of language', async () => {
    const i18n = await createI18n('en');
    let calls = 0;
    const en = i18n.getFixedT('en');
    const counted = ((...args: Parameters<typeof en>) => {
      calls++;
      return en(...args);
    }) as typeof en;
    expect(label(counted, 'encryption.checking')).toBe('Checking…');
    expect(label(counted, 'encryption.checking')).toBe('Checking…');
    expect(label(counted, 'encryption.encrypted', { mode: 'SSE-KMS' })).toBe('Encrypted (SSE-KMS)');
    expect(label(counted, 'encryption.encrypted', { mode: 'SSE-COS' })).toBe('Encrypted (SSE-COS)');
    expect(calls).toBe(3);
    // The table's t comes from useTranslation, which gives a new t when the language changes.
    expect(label(i18n.getFixedT('zh-CN'), 'encryption.checking')).toBe('正在检查…');
    expect(label(i18n.getFixedT('zh-CN'), 'storageClass.STANDARD')).toBe('标准存储');
  });
});
