// Translations the table repeats in every row ("Checking…", "Standard"), looked up once per language: i18next's
// t() resolves, interpolates and checks namespaces on each call, which adds up over the rows of every scroll frame.
import type { TFunction } from 'i18next';

// Keyed by the t function itself: a new language gives a new t, so the old labels are never shown.
const caches = new WeakMap<TFunction, Map<string, string>>();

/** t(key, values), remembered for this t. `values` must be plain strings (they are part of the cache key). */
export function label(t: TFunction, key: string, values?: Record<string, string>): string {
  let cache = caches.get(t);
  if (!cache) caches.set(t, (cache = new Map()));
  const id = values ? `${key}\u0000${Object.entries(values).flat().join('\u0000')}` : key;
  let text = cache.get(id);
  if (text === undefined) cache.set(id, (text = t(key, values ?? {}) as string));
  return text;
}
