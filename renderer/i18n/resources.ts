// The translations, per language: en.json / zh-CN.json hold the bucket browser's strings, areas/<area>.<lang>.json
// each area's own (accounts, details, settings), so each area's strings live beside each other. Merged deeply:
// an area may add keys under a shared namespace such as "errors", never replace one. The English of the core's
// error sentences (errors.phrase) is the core's own list in the contract: the window says them as the CLI does.
import { ERROR_PHRASES } from '../../shared/contract/error-phrases';
import en from './en.json';
import zhCN from './zh-CN.json';
import accountsEn from './areas/accounts.en.json';
import accountsZh from './areas/accounts.zh-CN.json';
import detailsEn from './areas/details.en.json';
import detailsZh from './areas/details.zh-CN.json';
import settingsEn from './areas/settings.en.json';
import settingsZh from './areas/settings.zh-CN.json';

export type Tree = { [k: string]: string | Tree };

function merge(...trees: Tree[]): Tree {
  const out: Tree = {};
  for (const tree of trees) {
    for (const [k, v] of Object.entries(tree)) {
      const have = out[k];
      if (typeof v === 'string' || typeof have !== 'object') {
        if (have !== undefined) throw new Error(`translation key "${k}" is defined twice`);
        out[k] = typeof v === 'string' ? v : merge(v);
      } else {
        out[k] = merge(have, v);
      }
    }
  }
  return out;
}

export const translations = {
  en: merge(en, accountsEn, detailsEn, settingsEn, { errors: { phrase: { ...ERROR_PHRASES } } }),
  'zh-CN': merge(zhCN, accountsZh, detailsZh, settingsZh),
};
