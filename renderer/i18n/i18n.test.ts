// Both languages are complete: the same keys (plural forms aside), every key the code uses exists, and the
// first run follows the system language.
import { describe, expect, it } from 'vitest';
import { JobKind, JobState, SseMode } from '../../shared/contract';
import { translations, type Tree } from './resources';
import { createI18n, pickLanguage, startLanguage } from './i18n';

const en = translations.en;
const zhCN = translations['zh-CN'];
const PLURAL = /_(zero|one|two|few|many|other)$/;

function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`)));
}
const base = (list: string[]) => [...new Set(list.map((k) => k.replace(PLURAL, '')))].sort();

const sources = import.meta.glob(['../**/*.tsx', '../**/*.ts', '!../**/*.test.*', '!../test-support/**'], { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

describe('translations', () => {
  it('English and 简体中文 have the same keys, and every plural has its forms', () => {
    expect(base(keys(zhCN))).toEqual(base(keys(en)));
    for (const k of keys(en).filter((k) => k.endsWith('_one'))) expect(keys(en)).toContain(k.replace(/_one$/, '_other'));
    for (const k of keys(zhCN).filter((k) => PLURAL.test(k))) expect(k.endsWith('_other')).toBe(true);
    for (const v of [...keys(en), ...keys(zhCN)]) expect(v).not.toMatch(/TODO|^\s*$/);
  });

  it('has every key the renderer asks for, including the ones it builds from the contract', async () => {
    const i18n = await createI18n('en');
    const literal = Object.values(sources).flatMap((src) => [...src.matchAll(/\bt\(\s*'([a-zA-Z][\w.-]*)'/g)].map((m) => m[1]!));
    expect(literal.length).toBeGreaterThan(50);
    const built = [
      ...['name', 'size', 'lastModified', 'storageClass', 'encryption'].map((c) => `table.${c}`),
      ...JobState.options.map((s) => `transfers.state.${s}`),
      ...JobKind.options.flatMap((k) => [`transfers.kind.${k}`, `transfers.kind.${k}Many`, `transfers.kindDone.${k}`, `transfers.kindDone.${k}Many`]),
      ...[...SseMode.options, 'none'].map((m) => `encryption.explain.${m}`),
      ...['seconds', 'minutes', 'hours'].map((u) => `transfers.left.${u}`),
    ];
    for (const lang of ['en', 'zh-CN'] as const) {
      await i18n.changeLanguage(lang);
      for (const key of [...literal, ...built]) {
        const plural = i18n.exists(key, { count: 2 });
        expect(i18n.exists(key) || plural, `${lang}: ${key}`).toBe(true);
      }
    }
  });

  it('follows the system language on first run and remembers it', () => {
    expect(pickLanguage(null, 'zh-CN')).toBe('zh-CN');
    expect(pickLanguage(null, 'zh')).toBe('zh-CN');
    expect(pickLanguage(null, 'en-GB')).toBe('en');
    expect(pickLanguage(null, 'fr-FR')).toBe('en');
    expect(pickLanguage('en', 'zh-CN')).toBe('en');
    const saved = new Map<string, string>();
    const storage = { getItem: (k: string) => saved.get(k) ?? null, setItem: (k: string, v: string) => void saved.set(k, v) };
    expect(startLanguage(storage, 'zh-CN')).toBe('zh-CN');
    expect(startLanguage(storage, 'en-US')).toBe('zh-CN');
  });

  it('formats plurals and interpolations in both languages', async () => {
    const i18n = await createI18n('en');
    expect(i18n.t('transfers.running', { count: 1 })).toBe('1 running');
    expect(i18n.t('delete.title', { count: 3 })).toBe('Delete 3 files?');
    await i18n.changeLanguage('zh-CN');
    expect(i18n.t('delete.title', { count: 3 })).toBe('删除 3 个文件？');
    expect(i18n.t('drop.overlay', { place: 'photos / 2026', mode: 'SSE-COS' })).toBe('松开即可上传到 photos / 2026 — 使用 SSE-COS 加密');
  });
});
