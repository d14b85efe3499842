// What the accessibility specs share: the window's own words in either language (read from the translation files,
// so a locator finds the same control in English and 简体中文), and an axe check that fails on any serious or
// critical violation, listing each with the elements it was found on.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { PROJECT_ROOT } from '../app/services/store-launch';
import { expect } from './fixtures';

export type Lang = 'en' | 'zh-CN';
type Tree = { [k: string]: string | Tree };

const trees = new Map<Lang, Tree[]>();
function treesOf(lang: Lang): Tree[] {
  let list = trees.get(lang);
  if (!list) {
    const dir = join(PROJECT_ROOT, 'renderer', 'i18n');
    const files = [`${lang}.json`, ...['accounts', 'details', 'settings'].map((a) => join('areas', `${a}.${lang}.json`))];
    trees.set(lang, (list = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Tree)));
  }
  return list;
}

/** The string of `key` in `lang` ('accounts.addButton' → "Add COS account" / its Chinese). */
export function words(lang: Lang, key: string): string {
  for (const tree of treesOf(lang)) {
    let node: string | Tree | undefined = tree;
    for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
    if (typeof node === 'string') return node;
  }
  throw new Error(`no translation "${key}" in ${lang}`);
}

/** The rules whose answer depends on the colours: the only ones run again in the second theme. */
const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];

/**
 * Runs axe on the view on screen (or the part of it `include` selects: a dialog or pane alone, the page under it
 * having been checked already) in the light theme and then in the dark one (the system's, emulated), and fails on
 * any serious or critical violation. The WCAG A and AA rules in light; in dark only the colour rules, since names,
 * roles and labels do not change with the theme. Legacy mode runs axe in the page in one go, without a second page
 * per run: axe is slow on a busy machine.
 */
export async function expectNoSeriousViolations(page: Page, view: string, include?: string): Promise<void> {
  const bad: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    let builder = new AxeBuilder({ page }).setLegacyMode(true);
    builder = scheme === 'light' ? builder.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']) : builder.withRules(COLOUR_RULES);
    if (include) builder = builder.include(include);
    const started = Date.now();
    const { violations } = await builder.analyze();
    if (process.env.COFFER_A11Y_TIMES) console.log(`axe: ${view} (${scheme}): ${Date.now() - started} ms`);
    bad.push(
      ...violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${scheme}: ${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')} — ${n.failureSummary?.replace(/\n/g, ' ')}`).join('\n')}`),
    );
  }
  expect(bad, `accessibility violations in ${view}`).toEqual([]);
}
