// Both languages are complete: the same keys (plural forms aside), every key the code uses exists, and the
// first run follows the system language. And nothing English is left in the Chinese window: no English word in the
// Chinese translation files, and every view rendered in 简体中文 (with the in-memory core) shows no text, label or
// tooltip that is an English translation or holds a Latin word, proper names and technical terms aside (ALLOWED).
import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ERROR_PHRASE_IDS, ERROR_PHRASES, fillPhrase, JobKind, JobState, SseMode, type AppError } from '../../shared/contract';
import { errorSentence } from '../components/ErrorNotice';
import { bucket, job, object } from '../test-support/memory-bridge';
import { sseCKey } from '../test-support/memory-settings';
import { renderApp } from '../test-support/render-app';
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
      ...ERROR_PHRASE_IDS.map((id) => `errors.phrase.${id}`),
    ];
    for (const lang of ['en', 'zh-CN'] as const) {
      await i18n.changeLanguage(lang);
      for (const key of [...literal, ...built]) {
        const plural = i18n.exists(key, { count: 2 });
        expect(i18n.exists(key) || plural, `${lang}: ${key}`).toBe(true);
      }
    }
  });

  it("says the core's error phrases in English as the core does, and in Chinese with every fact they name", async () => {
    const i18n = await createI18n('en');
    const placeholders = (text: string) => new Set([...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!));
    // Values as the core sends them, with what would trip an interpolation: $, quotes, braces, a path.
    const values = { where: 'cos://photos-1250000000/a $1 "b" {x}.jpg', code: 'AccessDenied', bucket: 'photos-1250000000', path: '/home/me/a b.txt', region: 'ap-chengdu', regions: 'ap-beijing and ap-shanghai', regionList: 'ap-beijing, ap-shanghai', name: 'a "b".txt', folder: 'photos/2026/', size: '250.0 MB', max: '20.0 MB' };
    for (const id of ERROR_PHRASE_IDS) {
      const error: AppError = { kind: 'failed', code: 'X', message: fillPhrase(ERROR_PHRASES[id], values), details: {}, phrase: { id, values } };
      await i18n.changeLanguage('en');
      expect(errorSentence(i18n.t, error), id).toBe(error.message);
      await i18n.changeLanguage('zh-CN');
      const zh = errorSentence(i18n.t, error);
      expect(zh, id).not.toBe(error.message);
      // The Chinese names every fact the English does (a list of regions may be joined its own way).
      const english = placeholders(ERROR_PHRASES[id]);
      const chinese = placeholders(((zhCN.errors as Tree).phrase as Tree)[id] as string);
      for (const name of english) expect(chinese.has(name) || (name === 'regions' && chinese.has('regionList')), `${id}: {{${name}}}`).toBe(true);
    }
    // An error without a phrase: the page's own translation of its code, else the core's sentence.
    expect(errorSentence(i18n.t, { kind: 'failed', code: 'NothingToUpload', message: 'x', details: {} })).toBe('没有可上传的内容。');
    expect(errorSentence(i18n.t, { kind: 'failed', code: 'SomethingNew', message: 'The core said so.', details: {} })).toBe('The core said so.');
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

/**
 * What may stay in Latin letters in the Chinese window: names of products, modes, headers and fields as COS and
 * Tencent Cloud write them; units Intl gives sizes in; technical tokens (schemes, a host in an example, a command).
 * "English" is that language's own name in the language picker.
 */
const ALLOWED = new Set([
  'Coffer', 'COS', 'SSE-COS', 'SSE-KMS', 'SSE-C', 'ETag', 'CRC64', 'APPID', 'KMS', 'URL', 'ID', 'MD5', 'Base64',
  'SecretId', 'SecretKey', 'AKID', 'API', 'HTTP', 'HTTPS', 'PDF', 'AZ', 'English', 'SHA-256',
  'B', 'kB', 'KB', 'MB', 'GB', 'TB', 'PB',
]);
/** Whole phrases allowed as they are: a command, URL examples, a letter range. */
const ALLOWED_PHRASES = ['npm start', 'coffer-store', 'https://store.example.com:9000', 'https://', 'http://', 'localhost', 'a–z'];
/** Hashes (an ETag, an MD5 in hex) and COS region ids (ap-guangzhou) are the same in any language. */
const HASH = /\b[0-9a-f]{16,}\b/g;
const REGION_ID = /\b(?:ap|na|sa|eu|me)-[a-z]+(?:-\d+)?\b/g;
const LATIN_WORD = /[A-Za-z][A-Za-z0-9]*(?:[-+][A-Za-z0-9]+)*/g;

function latinWords(text: string, data: readonly string[] = []): string[] {
  let rest = text;
  // Longest first, so a name that contains another is taken whole.
  for (const d of [...data, ...ALLOWED_PHRASES].sort((a, b) => b.length - a.length)) rest = rest.split(d).join(' ');
  return (rest.replace(HASH, ' ').replace(REGION_ID, ' ').match(LATIN_WORD) ?? []).filter((w) => !ALLOWED.has(w));
}

function leaves(tree: Tree): string[] {
  return Object.values(tree).flatMap((v) => (typeof v === 'string' ? [v] : leaves(v)));
}

/** English sentences and labels a Chinese window must not show (those that are the same in both are names). */
const englishOnly = new Set(leaves(en).filter((v) => /[a-z]{2}/.test(v) && !leaves(zhCN).includes(v)));

/** Every text node, and every label, tooltip and placeholder, on the page now (portals included). */
function visibleTexts(root: HTMLElement = document.body): Array<{ where: string; text: string }> {
  const out: Array<{ where: string; text: string }> = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest('script, style, svg, title')) continue;
    const text = n.textContent?.trim();
    if (text) out.push({ where: `<${el.tagName.toLowerCase()} class="${el.className}">`, text });
  }
  for (const el of Array.from(root.querySelectorAll('*'))) {
    for (const attr of ['aria-label', 'title', 'placeholder', 'alt', 'aria-description', 'aria-valuetext']) {
      const v = el.getAttribute(attr)?.trim();
      if (v) out.push({ where: `<${el.tagName.toLowerCase()} ${attr}>`, text: v });
    }
  }
  return out;
}

function expectAllChinese(view: string, data: readonly string[]) {
  const problems = visibleTexts()
    .filter(({ text }) => englishOnly.has(text) || latinWords(text, data).length > 0)
    .map(({ where, text }) => `${view}: ${where} "${text}"`);
  expect(problems, problems.join("\n")).toEqual([]);
}

describe('nothing English in the Chinese window', () => {
  it('the Chinese translation files hold no English word (names and technical terms aside)', () => {
    const found = keys(zhCN).flatMap((k) => {
      const value = k.split('.').reduce<Tree | string>((t, part) => (t as Tree)[part]!, zhCN) as string;
      return latinWords(value.replace(/\{\{[^}]*\}\}/g, ' ')).map((w) => `${k}: ${w}`);
    });
    expect(found, found.join("\n")).toEqual([]);
  });

  it('the allow-list check itself catches English left in a Chinese text', () => {
    expect(latinWords('上传 3 个文件 to photos')).toEqual(['to', 'photos']);
    expect(latinWords('使用 SSE-COS 加密，1.2 MB', [])).toEqual([]);
    expect(latinWords('照片 photos-1250000000', ['photos-1250000000'])).toEqual([]);
    expect(englishOnly.has('Settings')).toBe(true);
  });

  // The data the views show is the user's (names, keys, a region, fingerprints): not translated, so not checked.
  const KEY = sseCKey('家庭照片', { fingerprint: 'XrY7u+Ae7tCTyyK7j1rNww==' });
  // The details pane's preview and content type come from the memory core's details (memory-details.ts).
  const DATA = ['photos', 'ap-guangzhou', KEY.fingerprint, '/tmp/coffer', 'remember the milk', 'text/plain'];
  const objects = { 'photos-1250000000': [object('年度报告'), object('照片/海边'), object('笔记', { size: 13 })] };
  const jobs = [job({ id: 'j-1', subject: '年度报告', state: 'running', progress: { ...job().progress, bytesDone: 400, rate: 2000, etaSeconds: 90 } }), job({ id: 'j-2', subject: '笔记', state: 'completed', finishedAt: job().createdAt })];

  it('the window, its popovers and dialogs, and Settings', async () => {
    const app = await renderApp({
      language: 'zh-CN',
      buckets: [bucket()],
      objects,
      handlers: { 'jobs.list': () => ({ jobs }) },
      settings: { keys: [KEY], usage: { [KEY.id]: { count: 2, recent: [{ connectionId: 'local', bucket: 'photos-1250000000', key: '照片/海边' }] } } },
    });
    const t = (await createI18n('zh-CN')).t;
    await screen.findByText('年度报告');
    await app.frame();
    expectAllChinese('window', DATA);

    // A row selected: the details pane and the selection's actions.
    await app.user.click(screen.getByText('年度报告'));
    await act(async () => {});
    expectAllChinese('window with a row selected', DATA);

    await app.user.click(screen.getByRole('button', { name: t('encryptionOptions.button', { mode: 'SSE-COS' }) }));
    await screen.findByRole('radiogroup');
    expectAllChinese('encryption options', DATA);
    await app.user.keyboard('{Escape}');

    await app.user.click(screen.getByRole('button', { name: t('toolbar.newFolder') }));
    await screen.findByRole('dialog');
    expectAllChinese('new folder', DATA);
    await app.user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    await app.user.click(screen.getByRole('button', { name: t('settings.title') }));
    const settings = await screen.findByRole('dialog', { name: t('settings.title') });
    await within(settings).findByText(KEY.name);
    expectAllChinese('settings', [...DATA, KEY.name]);

    await app.user.click(within(settings).getByRole('button', { name: t('sseCKeys.exportNamed', { name: KEY.name }) }));
    await screen.findByRole('alertdialog');
    expectAllChinese('export a key', [...DATA, KEY.name]);
    await app.user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: t('common.cancel') }));

    await app.user.click(within(settings).getByRole('button', { name: t('sseCKeys.removeNamed', { name: KEY.name }) }));
    await within(await screen.findByRole('alertdialog')).findByText(/海边/);
    expectAllChinese('remove a key', [...DATA, KEY.name]);
    await app.user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: t('common.cancel') }));

    await app.user.click(within(settings).getByRole('button', { name: t('sseCKeys.import') }));
    const add = await screen.findByRole('dialog', { name: t('sseCKeys.form.importTitle') });
    await app.user.type(within(add).getByRole('textbox', { name: t('sseCKeys.form.name') }), '家庭照片');
    await app.user.type(within(add).getByLabelText(t('sseCKeys.form.key')), 'x');
    expectAllChinese('import a key, with mistakes', [...DATA, KEY.name]);
  });

  it('the window before the first key or account: both ask for a vault passphrase', async () => {
    const app = await renderApp({ language: 'zh-CN', objects });
    const t = (await createI18n('zh-CN')).t;
    await app.user.click(await screen.findByRole('button', { name: t('settings.title') }));
    const settings = await screen.findByRole('dialog', { name: t('settings.title') });
    await app.user.click(within(settings).getByRole('button', { name: t('sseCKeys.generate') }));
    await screen.findByRole('dialog', { name: t('sseCKeys.form.generateTitle') });
    expectAllChinese('generate the first key', DATA);
    await app.user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog', { name: t('sseCKeys.form.generateTitle') })).toBeNull());
    await app.user.click(within(settings).getByRole('button', { name: t('common.close') }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    // The accounts area's first dialog, which creates the vault too.
    await app.user.click(screen.getByRole('button', { name: t('accounts.addButton') }));
    await screen.findByRole('dialog');
    expectAllChinese('add a COS account', DATA);
  });

  it('the Unlock screen', async () => {
    await renderApp({ language: 'zh-CN', handlers: { 'vault.status': () => ({ state: 'locked', protector: 'passphrase' }) } });
    await screen.findByRole('button', { name: (await createI18n('zh-CN')).t('unlock.unlock') });
    expectAllChinese('unlock', DATA);
  });
});
