// The account dialog's rules, and the sentences they name: every key exists in both languages (they are built, not
// written as t('…') literals, so the i18n test cannot see them), every region has a place name, and the Chinese
// strings of this area carry no English words beyond proper names.
import { describe, expect, it } from 'vitest';
import { translations, type Tree } from '../../i18n/resources';
import { REGIONS } from '../../test-support/memory-accounts';
import { appIdProblem, nameProblem, passphraseProblem, secretIdProblem, secretKeyProblem, sessionTokenProblem, storeUrlProblem, tidySecret } from './account-form';
import en from '../../i18n/areas/accounts.en.json';
import zh from '../../i18n/areas/accounts.zh-CN.json';

const lookup = (tree: Tree, key: string) => key.split('.').reduce<Tree | string | undefined>((t, k) => (typeof t === 'object' ? t[k] : undefined), tree);
const strings = (tree: Tree): string[] => Object.values(tree).flatMap((v) => (typeof v === 'string' ? [v] : strings(v)));

describe('the account form rules', () => {
  it('refuses what the vault would refuse, and accepts what it keeps', () => {
    expect(nameProblem('  ')).toBe('accounts.form.nameRequired');
    expect(nameProblem('x'.repeat(65))).toBe('accounts.form.nameTooLong');
    expect(secretIdProblem('AKID1')).toBe('accounts.form.secretIdInvalid');
    expect(secretIdProblem('AKIDq1w2e3r4t5y6')).toBeNull();
    expect(secretKeyProblem('密钥密钥密钥密钥')).toBe('accounts.form.secretKeyInvalid');
    expect(sessionTokenProblem('')).toBeNull();
    expect(appIdProblem('12a')).toBe('accounts.form.appIdInvalid');
    expect(tidySecret(' AKID 12\n')).toBe('AKID12');
  });

  it('wants https for a store elsewhere, and allows http on this computer only', () => {
    expect(storeUrlProblem('http://192.168.1.5:9000')).toBe('accounts.form.urlNotHttps');
    expect(storeUrlProblem('http://store.example.com')).toBe('accounts.form.urlNotHttps');
    for (const ok of ['http://127.0.0.1:9000', 'http://localhost:9000', 'http://[::1]:9000', 'https://store.example.com:9000']) expect(storeUrlProblem(ok)).toBeNull();
    for (const bad of ['store.example.com', 'ftp://x', 'https://x/bucket', 'https://u:p@x']) expect(storeUrlProblem(bad)).toBe('accounts.form.urlInvalid');
  });

  it('wants a passphrase of 8 characters or more, typed twice the same', () => {
    expect(passphraseProblem('short', 'short')).toEqual({ field: 'passphrase', key: 'accounts.form.passphraseShort' });
    expect(passphraseProblem('long enough', 'long enougH')).toEqual({ field: 'again', key: 'accounts.form.passphraseMismatch' });
    expect(passphraseProblem('long enough', 'long enough')).toBeNull();
  });
});

describe('this area\'s translations', () => {
  it('has every key the rules and the region picker name, in both languages', () => {
    const built = [
      ...['nameRequired', 'nameTooLong', 'secretIdRequired', 'secretIdInvalid', 'secretKeyRequired', 'secretKeyInvalid', 'sessionTokenInvalid', 'appIdInvalid', 'urlRequired', 'urlInvalid', 'urlNotHttps', 'passphraseShort', 'passphraseMismatch'].map((k) => `accounts.form.${k}`),
      ...['keychain', 'safe-storage', 'passphrase'].flatMap((p) => [`accounts.form.vaultBy.${p}`, `vaultProtection.by.${p}`]),
      ...REGIONS.map((r) => `regions.${r}`),
    ];
    for (const lang of ['en', 'zh-CN'] as const) for (const key of built) expect(typeof lookup(translations[lang], key), `${lang}: ${key}`).toBe('string');
  });

  it('leaves no English word in 简体中文 beyond proper names', () => {
    const proper = new Set(['COS', 'SecretId', 'SecretKey', 'APPID', 'AKID', 'HTTPS', 'SSE', 'KMS', 'Coffer', 'ID', 'API', 'localhost', 'SHA']);
    for (const s of strings(zh as Tree)) {
      const words = s.replace(/\{\{\w+\}\}/g, '').replace(/https?:\/\/\S*/g, '').replace(/coffer-store/g, '').match(/[A-Za-z]+/g) ?? [];
      expect(words.filter((w) => !proper.has(w)), s).toEqual([]);
    }
    // And the English file is not left half-Chinese.
    for (const s of strings(en as Tree)) expect(s, s).not.toMatch(/[\u4e00-\u9fff]/);
  });
});
