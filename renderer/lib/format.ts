// Sizes, dates and rates formatted for the chosen language with Intl (the translation files hold the sentences
// around them). Formatters are cached: the table formats thousands of cells while scrolling.
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(id: string, make: () => T): T {
  let f = cache.get(id) as T | undefined;
  if (!f) cache.set(id, (f = make()));
  return f;
}

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte', 'petabyte'] as const;

/** 1.2 MB, 4 kB, 13 bytes (decimal units, as file managers show them). */
export function formatSize(bytes: number, lang: string): string {
  let unit = 0;
  let value = bytes;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  // Bytes in words ("13 bytes", "13字节"): the short form of the byte unit is "13 byte" in English.
  const display = unit === 0 ? 'long' : 'short';
  return cached(`size:${lang}:${unit}:${digits}`, () => new Intl.NumberFormat(lang, { style: 'unit', unit: UNITS[unit], unitDisplay: display, maximumFractionDigits: digits })).format(value);
}

export function formatDate(iso: string, lang: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return cached(`date:${lang}`, () => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' })).format(d);
}

export function formatCount(n: number, lang: string): string {
  return cached(`count:${lang}`, () => new Intl.NumberFormat(lang)).format(n);
}

/** Whole seconds, minutes or hours, rounded up, for "about N min left". */
export function durationParts(seconds: number): { unit: 'seconds' | 'minutes' | 'hours'; count: number } {
  if (seconds < 60) return { unit: 'seconds', count: Math.max(1, Math.ceil(seconds)) };
  if (seconds < 3600) return { unit: 'minutes', count: Math.ceil(seconds / 60) };
  return { unit: 'hours', count: Math.ceil(seconds / 3600) };
}

/** 'photos-1250000000' → 'photos': people know their bucket by its name, not its APPID. */
export function bucketLabel(bucket: string): string {
  return bucket.replace(/-\d+$/, '');
}

/** 'photos / 2026 / album' for a bucket and prefix. */
export function placeLabel(bucket: string, prefix: string): string {
  return [bucketLabel(bucket), ...prefix.split('/').filter(Boolean)].join(' / ');
}
